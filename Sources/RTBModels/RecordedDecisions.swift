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
        try askBatch([question], at: sequence)[0]
    }

    /// The recorded answers while they last, then the live source's, asked together.
    public func askBatch(_ questions: [[UInt8]], at sequence: UInt64) throws -> [DecisionRecord] {
        var records: [DecisionRecord] = []
        var next = sequence
        while records.count < questions.count, served < recorded.count {
            var record = recorded[served]
            record.question = Sha256.hash(questions[records.count])
            next += record.eventCount
            records.append(record)
            served += 1
        }
        guard records.count < questions.count else { return records }
        guard let live else { throw DecisionError.notRecorded(index: served) }
        let rest = try live.askBatch(Array(questions[records.count...]), at: next)
        served += rest.count
        return records + rest
    }

    /// The answers a ledger recorded from event `sequence` on, for a model whose config asks
    /// outside decisions (a channel that serves none otherwise).
    public static func ledger<Model: SimulationModel>(
        _ model: Model.Type, config: Model.Config, store: LedgerStore, from sequence: UInt64,
        then live: DecisionChannel? = nil
    ) throws -> DecisionChannel {
        guard Model.asksOutsideDecisions(config) else { return live ?? NoDecisions() }
        var records = RecordPairing()
        try LedgerEvents.forEach(Model.self, store: store) { eventSequence, event in
            if eventSequence >= sequence { records.add(event) }
            return true
        }
        return RecordedDecisions(recorded: records.records, then: live)
    }
}

/// Decision records read from a ledger's events in order: a model call's event is attached to
/// the decision event that follows it.
public struct RecordPairing {
    public private(set) var records: [DecisionRecord] = []
    var pendingCall: DecisionCall?

    public init() {}

    public mutating func add<Event: ModelEvent>(_ event: Event) {
        if let call = event.decisionCall {
            pendingCall = call
        } else if var record = event.decision {
            record.call = pendingCall
            pendingCall = nil
            records.append(record)
        }
    }

    /// Takes the records paired so far.
    public mutating func take() -> [DecisionRecord] {
        defer { records.removeAll(keepingCapacity: true) }
        return records
    }
}
