import Synchronization

/// A request to stop recording between two steps, set from outside the run (a signal handler)
/// and read by the recording loop; the recording then keeps every committed frame, publishes
/// its unfinished head and stays resumable.
public final class StopRequest: Sendable {
    let signalNumber = Atomic<Int32>(0)

    public init() {}

    /// Asks the recording to stop; `signal` names why (SIGINT, SIGTERM).
    public func request(signal: Int32) {
        signalNumber.store(signal, ordering: .relaxed)
    }

    /// The signal that asked to stop, or nil.
    public var signal: Int32? {
        let value = signalNumber.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}

/// A recording stopped before its end on request: what it kept, and how to continue it.
public struct RecordingStopped: Error, CustomStringConvertible {
    public var path: String
    public var signal: Int32
    public var frames: Int
    public var events: UInt64
    /// Whether `record --resume` can continue it (the model takes checkpoints).
    public var resumable: Bool

    /// 128 + the signal number, as shells report a signalled process.
    public var exitCode: Int32 { 128 + signal }

    public var description: String {
        let name = signal == 2 ? "SIGINT" : signal == 15 ? "SIGTERM" : "signal \(signal)"
        return
            "interrupted by \(name): \(path) keeps \(frames) committed frames (\(events) events); "
            + (resumable
                ? "continue it with rtb-verify record --resume \(path)"
                : "this model takes no checkpoints, so record it again to complete it")
    }
}
