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
        let started = DispatchTime.now().uptimeNanoseconds  // determinism-ok: a measurement
        let reply = try source.reply(to: question)
        let elapsed = DispatchTime.now().uptimeNanoseconds - started  // determinism-ok: a measurement
        measurements.add(
            MeasurementRecord(
                sequence: sequence, name: "decision.latency", value: Double(elapsed) / 1e6,
                unit: "ms"))
        for measured in reply.measurements {
            measurements.add(
                MeasurementRecord(
                    sequence: sequence, name: measured.name, value: measured.value,
                    unit: measured.unit))
        }
        return DecisionRecord(
            source: reply.source, question: Sha256.hash(question), answer: reply.answer)
    }
}

/// Measurements waiting to be written with the frame that holds their event.
public final class MeasurementLog: @unchecked Sendable {
    let lock = DispatchSemaphore(value: 1)
    /// Guarded by `lock`.
    var pending: [MeasurementRecord] = []

    public init() {}

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
