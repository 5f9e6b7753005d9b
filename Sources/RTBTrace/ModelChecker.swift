/// A model's checker: it is fed every event of a run in order and counts its invariants. It
/// receives decoded events only, never the engine, so it can observe but not steer.
public protocol ModelChecker: AnyObject {
    associatedtype Event: ModelEvent
    /// Checks one event; `size` is its canonical size in bytes.
    func observe(_ event: Event, sequence: UInt64, size: Int)
    /// Called once after the last event (checks that need the whole run).
    func finish()
    /// Checks and violations per invariant.
    var tally: CheckTally { get }
    /// Metrics folded from the checked events, named as the run's summary metrics.
    var summaryMetrics: [NamedMetric] { get }
    /// Lines a report prints after the invariant table (what was sampled, and how).
    var notes: [String] { get }
}

/// An invariant a checker verifies.
public struct InvariantInfo: Equatable, Sendable {
    /// Short name used in reports and tests ("budget-never-overspent").
    public var name: String
    /// What is checked, in one line.
    public var summary: String

    public init(name: String, summary: String) {
        self.name = name
        self.summary = summary
    }
}

/// One violation with a minimal witness.
public struct Finding: Sendable, Equatable, CustomStringConvertible {
    /// Index of the invariant in the model's list.
    public var invariant: Int
    public var name: String
    public var sequence: UInt64
    public var witness: String

    public init(invariant: Int, name: String, sequence: UInt64, witness: String) {
        self.invariant = invariant
        self.name = name
        self.sequence = sequence
        self.witness = witness
    }

    public var description: String { "event \(sequence): \(name): \(witness)" }
}

/// Checks and violations per invariant, with the first violation of each.
public struct CheckTally: Sendable {
    public let invariants: [InvariantInfo]
    public var checked: [Int64]
    public var violations: [Int64]
    public var first: [Finding?]

    public init(invariants: [InvariantInfo]) {
        self.invariants = invariants
        checked = [Int64](repeating: 0, count: invariants.count)
        violations = [Int64](repeating: 0, count: invariants.count)
        first = [Finding?](repeating: nil, count: invariants.count)
    }

    public var totalViolations: Int64 { violations.reduce(0, +) }

    /// Counts one check of invariant `index`; a failed one keeps its witness if it is the first.
    @inlinable
    public mutating func count(
        _ index: Int, holds: Bool, at sequence: UInt64, witness: @autoclosure () -> String
    ) {
        checked[index] += 1
        if !holds { recordViolation(index, at: sequence, witness: witness()) }
    }

    /// The slow path of `count`: a violation.
    @usableFromInline
    mutating func recordViolation(_ index: Int, at sequence: UInt64, witness: String) {
        violations[index] += 1
        if first[index] == nil {
            first[index] = Finding(
                invariant: index, name: invariants[index].name, sequence: sequence,
                witness: witness)
        }
    }

    /// The earliest violation of any invariant.
    public var firstFinding: Finding? { first.compactMap { $0 }.min { $0.sequence < $1.sequence } }
}

extension CheckTally {
    /// 2nd, 3rd, 4th, 11th, 21st, ...
    public static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }
}
