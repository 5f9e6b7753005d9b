/// A config a model refuses, naming the option or key at fault and what it accepts.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String)
    case malformed(String)

    public var description: String {
        switch self {
        case .invalid(let option, let allowed): return "invalid \(option): expected \(allowed)"
        case .malformed(let reason): return "malformed config: \(reason)"
        }
    }
}
