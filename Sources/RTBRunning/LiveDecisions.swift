import Dispatch
import RTBCore
import RTBLedger
import RTBTrace

/// The decision channel of a recording: asks the outside source and times the call. The
/// latency is a measurement (outside every digest), filed under the decision event's sequence.
public final class LiveDecisions: DecisionChannel {
    let source: DecisionSource
    let measurements: MeasurementLog

    public init(_ source: DecisionSource, measurements: MeasurementLog) {
        self.source = source
        self.measurements = measurements
    }

    public func ask(_ question: [UInt8], at sequence: UInt64) throws -> DecisionRecord {
        try askBatch([question], at: sequence)[0]
    }

    /// The source answers the questions together (it may batch them and call concurrently);
    /// the latency of the whole ask and the number of decisions it answered
    /// (`decision.latency`, `decision.asked`) are filed under its first decision, each call's
    /// own measurements under the call's event, each decision's under its event.
    public func askBatch(_ questions: [[UInt8]], at sequence: UInt64) throws -> [DecisionRecord] {
        let started = DispatchTime.now().uptimeNanoseconds  // determinism-ok: a measurement
        let replies = try source.replies(to: questions)
        let elapsed = DispatchTime.now().uptimeNanoseconds - started  // determinism-ok: a measurement
        var records: [DecisionRecord] = []
        var next = sequence
        for (question, reply) in zip(questions, replies) {
            let record = DecisionRecord(
                source: reply.source, question: Sha256.hash(question), answer: reply.answer,
                call: reply.call)
            if record.call != nil {
                file(reply.callMeasurements, at: next)
                next += 1
            }
            if records.isEmpty {
                file(
                    [
                        ("decision.latency", Double(elapsed) / 1e6, "ms"),
                        ("decision.asked", Double(questions.count), "count"),
                    ], at: next)
            }
            file(reply.measurements, at: next)
            next += 1
            records.append(record)
        }
        return records
    }

    func file(_ measured: [(name: String, value: Double, unit: String)], at sequence: UInt64) {
        for item in measured {
            measurements.add(
                MeasurementRecord(
                    sequence: sequence, name: item.name, value: item.value, unit: item.unit))
        }
    }
}

/// Measurements waiting to be written with the frame that holds their event.
public final class MeasurementLog: MeasurementSink, @unchecked Sendable {
    let lock = DispatchSemaphore(value: 1)
    /// Guarded by `lock`.
    var pending: [MeasurementRecord] = []

    public init() {}

    public func measure(sequence: UInt64, name: String, value: Double, unit: String) {
        add(MeasurementRecord(sequence: sequence, name: name, value: value, unit: unit))
    }

    public func add(_ record: MeasurementRecord) {
        lock.wait()
        pending.append(record)
        lock.signal()
    }

    /// Removes and returns the measurements about events before `sequence` (all when nil).
    public func take(before sequence: UInt64?) -> [MeasurementRecord] {
        lock.wait()
        defer { lock.signal() }
        guard let sequence else {
            defer { pending.removeAll() }
            return pending
        }
        let taken = pending.filter { $0.sequence < sequence }
        pending.removeAll { $0.sequence < sequence }
        return taken
    }
}
