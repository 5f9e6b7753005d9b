import Dispatch
import RTBTrace

/// Parallel work on `workers` threads; results are returned in index order, so the outcome
/// never depends on the number of threads (only how fast it arrives).
public struct ThreadedWork: ParallelWork {
    public let workers: Int

    public init(workers: Int) {
        self.workers = max(1, workers)
    }

    public func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard workers > 1, count > 1 else { return (0..<count).map(body) }
        nonisolated(unsafe) var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: count) { index in
                output[index] = body(index)
            }
        }
        return results.map { $0! }
    }
}
