import Foundation
import RTBCore
import RTBLedger
import RTBModels
import RTBTrace

/// The recorded decisions of a replay, read from the ledger on a second thread while the
/// replay runs on the first (the replay of a run that asked outside decisions would otherwise
/// decode every frame before starting). `ask` serves the records in order, waiting for the
/// reader when it is ahead of it, so the answers never depend on timing; like
/// `RecordedDecisions`, it throws `notRecorded` past the last one.
final class PrefetchedDecisions: DecisionChannel, @unchecked Sendable {
    let condition = NSCondition()
    /// Guarded by `condition`.
    var records: [DecisionRecord] = []
    var finished = false
    var failure: Error?
    var served = 0

    /// The decision records of the ledger at `path` from event `sequence` on.
    init<Model: SimulationModel>(_ model: Model.Type, path: String, from sequence: UInt64) {
        let thread = Thread { [self] in
            var batch = RecordPairing()
            do {
                let store = try LedgerStore.open(path: path)
                try LedgerEvents.forEach(Model.self, store: store) { eventSequence, event, _ in
                    if eventSequence >= sequence {
                        batch.add(event)
                        if batch.records.count == 256 { publish(&batch) }
                    }
                    return true
                }
            } catch {
                condition.lock()
                failure = error
                condition.unlock()
            }
            publish(&batch)
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    func publish(_ batch: inout RecordPairing) {
        guard !batch.records.isEmpty else { return }
        let taken = batch.take()
        condition.lock()
        records += taken
        condition.broadcast()
        condition.unlock()
    }

    func ask(_ question: [UInt8], at sequence: UInt64) throws -> DecisionRecord {
        condition.lock()
        defer { condition.unlock() }
        while served >= records.count && !finished { condition.wait() }
        if served >= records.count {
            if let failure { throw failure }
            throw DecisionError.notRecorded(index: served)
        }
        var record = records[served]
        served += 1
        record.question = Sha256.hash(question)
        return record
    }
}
