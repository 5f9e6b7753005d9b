import Foundation

/// Tasks 0..<count on `workers` threads, each thread taking the next number: how sweeps run
/// cells and studies verify ledgers. After the first error no new task starts; that error is
/// rethrown once the running ones end.
public enum ParallelTasks {
    public static func run(
        count: Int, workers: Int, _ body: @escaping @Sendable (Int) throws -> Void
    ) throws {
        let state = State()
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
            while let index = state.take(below: count) {
                do {
                    try body(index)
                } catch {
                    state.fail(error)
                }
            }
        }
        if let error = state.error { throw error }
    }

    final class State: @unchecked Sendable {
        let lock = NSLock()
        var next = 0
        var error: Error?

        func take(below count: Int) -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard error == nil, next < count else { return nil }
            next += 1
            return next - 1
        }

        func fail(_ failure: Error) {
            lock.lock()
            if error == nil { error = failure }
            lock.unlock()
        }
    }
}

/// Values written by parallel tasks, one slot each.
public final class ParallelSlots<Value>: @unchecked Sendable {
    let lock = NSLock()
    var values: [Value?]

    public init(count: Int) {
        values = [Value?](repeating: nil, count: count)
    }

    public subscript(index: Int) -> Value? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return values[index]
        }
        set {
            lock.lock()
            values[index] = newValue
            lock.unlock()
        }
    }

    /// How many slots are filled.
    public var filled: Int {
        lock.lock()
        defer { lock.unlock() }
        return values.filter { $0 != nil }.count
    }
}
