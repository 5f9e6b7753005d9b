/// Reasons a ledger cannot be continued or replayed as asked.
public enum LedgerRunError: Error, CustomStringConvertible {
    case engineMismatch(path: String, ledger: String, binary: String, action: String)
    case modelMismatch(path: String, ledger: String, binary: String, action: String)
    case nothingToResume(path: String, reason: String)

    public var description: String {
        switch self {
        case .engineMismatch(let path, let ledger, let binary, let action):
            return
                "\(path): recorded by engine \(ledger), this binary is engine \(binary); refusing to \(action)"
        case .modelMismatch(let path, let ledger, let binary, let action):
            return
                "\(path): recorded by model \(ledger), this binary has model \(binary); refusing to \(action)"
        case .nothingToResume(let path, let reason): return "\(path): cannot resume: \(reason)"
        }
    }
}
