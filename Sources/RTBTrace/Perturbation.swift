/// A planted divergence (tests and benchmarks only; never recorded in a ledger): the model
/// writes the affected events changed (the RTB models add one to their tick), and replay must
/// find the first of them.
public enum Perturbation: Equatable, Sendable {
    /// Only the event with this sequence number is changed.
    case event(UInt64)
    /// Every event from this sequence number on is (a persistent change of behaviour).
    case from(UInt64)

    /// Whether the event with `sequence` is changed.
    @inlinable
    public func affects(_ sequence: UInt64) -> Bool {
        switch self {
        case .event(let target): return sequence == target
        case .from(let start): return sequence >= start
        }
    }
}
