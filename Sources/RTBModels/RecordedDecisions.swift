import RTBCore
import RTBLedger
import RTBTrace

/// The decision channel of a run that re-derives recorded history (replay, and the re-derived
/// part of a resumed recording): it serves the answers the ledger recorded, in order, and then
/// asks the live source, if any. The returned record carries the digest of the question the
/// run asks now, so a run that asks differently diverges exactly at that decision's event.
public final class RecordedDecisions: DecisionChannel {
    let recorded: [DecisionRecord]
    let live: DecisionChannel?
    public private(set) var served = 0

    public init(recorded: [DecisionRecord], then live: DecisionChannel? = nil) {
        self.recorded = recorded
        self.live = live
    }

    public func ask(_ question: [UInt8], at sequence: UInt64) throws -> DecisionRecord {
        defer { served += 1 }
        guard served < recorded.count else {
            guard let live else { throw DecisionError.notRecorded(index: served) }
            return try live.ask(question, at: sequence)
        }
        var record = recorded[served]
        record.question = Sha256.hash(question)
        return record
    }

    /// The answers a ledger recorded from event `sequence` on, for a model whose config asks
    /// outside decisions (a channel that serves none otherwise).
    public static func ledger<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config, store: LedgerStore, from sequence: UInt64,
        then live: DecisionChannel? = nil
    ) throws -> DecisionChannel {
        guard Model.asksOutsideDecisions(config) else { return live ?? NoDecisions() }
        var records: [DecisionRecord] = []
        try LedgerEvents.forEach(Model.self, store: store) { eventSequence, event in
            if eventSequence >= sequence, let record = event.decision { records.append(record) }
            return true
        }
        return RecordedDecisions(recorded: records, then: live)
    }
}
