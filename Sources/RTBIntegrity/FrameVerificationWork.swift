import Dispatch
import Foundation
import RTBCore
import RTBLedger
import RTBTrace

/// The parallel part of `ChainVerifier`: the stored frame indexes are cut into contiguous
/// chunks, and each worker thread, with its own read connection and decompressor, takes the
/// next chunk, reads its rows, decompresses and hashes every frame. The caller collects the
/// chunks in order (`wait(for:)`) and checks links and sequences there. Only metadata and
/// results are kept, never payloads, so memory does not grow with the ledger.
final class FrameVerificationWork: @unchecked Sendable {
    /// One verified frame: its row without the payload, and what hashing it found.
    struct Item {
        var record: FrameRecord
        var result: ChainVerifier.FrameResult
    }

    let path: String
    /// Counts a frame's events by decoding them (verify --deep), or nil.
    let counter: ChainVerifier.EventCounter?
    let bounds: [Int]
    let chunkCount: Int
    let lock = NSLock()
    let workersDone = DispatchGroup()
    let ready: [DispatchSemaphore]
    /// Guarded by `lock`.
    var results: [Result<[Item], LedgerError>?]
    var nextChunk = 0
    var stopped = false

    init(
        path: String, indexes: ClosedRange<Int>, workers: Int, counter: ChainVerifier.EventCounter?
    ) {
        self.path = path
        self.counter = counter
        // Many more chunks than workers, so a slower core takes fewer of them. (Int128: a
        // tampered index may sit anywhere in Int64; the last bound is one past the highest.)
        let low = Int128(indexes.lowerBound)
        let span = Int128(indexes.upperBound) - low + 1
        let count = Int(min(span, Int128(workers * 16)))
        chunkCount = count
        bounds = (0...count).map { Int(clamping: low + span * Int128($0) / Int128(count)) }
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        results = Array(repeating: nil, count: count)
        for _ in 0..<workers {
            workersDone.enter()
            DispatchQueue.global().async { [self] in
                defer { workersDone.leave() }
                work()
            }
        }
    }

    /// The frames of `chunk`, once a worker has verified them (or the error that stopped it).
    func wait(for chunk: Int) -> Result<[Item], LedgerError> {
        ready[chunk].wait()
        return lock.withLock { results[chunk].take()! }
    }

    /// Tells the workers to stop taking chunks and waits until they have.
    func stop() {
        lock.withLock { stopped = true }
        workersDone.wait()
    }

    /// Worker loop: open a connection, then take chunks until none is left.
    func work() {
        let store = Result<LedgerStore, LedgerError> { () throws(LedgerError) in
            try LedgerStore.open(path: path)
        }
        let decompressor = ZstdDecompressor()
        var scratch: [UInt8] = []
        while true {
            let chunk: Int? = lock.withLock {
                guard !stopped, nextChunk < chunkCount else { return nil }
                nextChunk += 1
                return nextChunk - 1
            }
            guard let chunk else { return }
            let outcome = store.flatMap { store in
                verify(chunk, store: store, decompressor: decompressor, scratch: &scratch)
            }
            lock.withLock { results[chunk] = outcome }
            ready[chunk].signal()
        }
    }

    func verify(
        _ chunk: Int, store: LedgerStore, decompressor: ZstdDecompressor, scratch: inout [UInt8]
    ) -> Result<[Item], LedgerError> {
        var items: [Item] = []
        do {
            let limit = chunk == chunkCount - 1 ? nil : bounds[chunk + 1]
            try store.forEachFrame(from: bounds[chunk], below: limit) { record in
                let result = ChainVerifier.processOne(
                    record, decompressor: decompressor, scratch: &scratch, counter: counter)
                var row = record
                row.payload = []
                items.append(Item(record: row, result: result))
                return !lock.withLock { stopped }
            }
        } catch let error as LedgerError {
            return .failure(error)
        } catch {
            return .failure(.corrupt(path: path, location: "frames", reason: "\(error)"))
        }
        return .success(items)
    }
}
