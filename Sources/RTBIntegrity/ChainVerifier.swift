import Dispatch
import Foundation
import RTBCore
import RTBLedger
import RTBModels
import RTBTrace

/// The result of checking a ledger's chain.
public struct ChainReport: Sendable {
    /// Frames, events and raw bytes checked before stopping.
    public var frames = 0
    public var events: UInt64 = 0
    public var rawBytes: Int64 = 0
    public var checkpoints = 0
    /// The head hash of the valid part.
    public var headHash: Digest32
    /// True when the head says the recording finished.
    public var finished = false
    /// The first problem, if any (the ledger is then not intact).
    public var problem: String?

    public var isIntact: Bool { problem == nil }
}

/// Verifies a ledger: header, every frame's hash and link, sequence continuity, event counts,
/// checkpoint digests and the head. Decompression and hashing run on all cores; links are
/// checked in order.
public enum ChainVerifier {
    /// Counts the events in a frame's bytes by decoding them with the ledger's model.
    public typealias EventCounter = @Sendable ([UInt8]) throws -> Int

    /// `deep` also decodes every event with the model the header names (the registry's).
    public static func verify(path: String, deep: Bool = false, threads: Int = 2)
        throws(LedgerError) -> ChainReport
    {
        let store = try LedgerStore.open(path: path)
        return try verify(store: store, deep: deep, threads: threads)
    }

    public static func verify(store: LedgerStore, deep: Bool = false, threads: Int = 2)
        throws(LedgerError) -> ChainReport
    {
        var counter: EventCounter?
        if deep {
            do {
                counter = eventCounter(try ModelRegistry.model(of: store))
            } catch let error as LedgerError {
                throw error
            } catch {
                throw .notALedger(path: store.path, reason: "\(error)")
            }
        }
        var report = ChainReport(headHash: store.genesisHash)
        var hashByFrame: [Digest32] = []
        var endSequenceByFrame: [UInt64] = []
        if let indexes = try store.frameIndexRange() {
            let work = FrameVerificationWork(
                path: store.path, indexes: indexes, workers: max(1, threads), counter: counter)
            defer { work.stop() }
            chunks: for chunk in 0..<work.chunkCount {
                for item in try work.wait(for: chunk).get() {
                    let record = item.record
                    if let problem = check(record, result: item.result, report: report) {
                        report.problem = "frame \(record.index): \(problem)"
                        break chunks
                    }
                    report.frames += 1
                    report.events += UInt64(record.eventCount)
                    report.rawBytes += Int64(record.rawSize)
                    report.headHash = record.hash
                    hashByFrame.append(record.hash)
                    endSequenceByFrame.append(record.firstSequence + UInt64(record.eventCount))
                }
            }
        }
        if report.problem != nil { return report }
        try checkCheckpoints(
            store: store, hashes: hashByFrame, ends: endSequenceByFrame, report: &report)
        if report.problem != nil { return report }
        try checkHead(store: store, report: &report)
        return report
    }

    /// Decodes events of `model` and counts them.
    static func eventCounter<Model: SimulationModel>(_ model: Model.Type) -> EventCounter {
        { bytes in
            var reader = CanonicalReader(bytes)
            var count = 0
            while !reader.isAtEnd {
                _ = try Model.Event.decode(from: &reader)
                count += 1
            }
            return count
        }
    }

    struct FrameResult {
        var hash: Digest32?
        var failure: String?
    }

    static func processOne(
        _ record: FrameRecord, decompressor: ZstdDecompressor, scratch: inout [UInt8],
        counter: EventCounter?
    ) -> FrameResult {
        guard record.codec == 1 else {
            return FrameResult(failure: "unknown codec \(record.codec)")
        }
        do {
            try decompressor.decompress(
                record.payload, into: &scratch, expectedSize: record.rawSize, limit: 1 << 28)
        } catch {
            return FrameResult(failure: "payload: \(error)")
        }
        let bytes = scratch
        let hash = FrameChain.hash(
            previous: record.previousHash, frameIndex: UInt64(bitPattern: Int64(record.index)),
            firstSequence: record.firstSequence, eventCount: UInt64(record.eventCount), bytes: bytes
        )
        if let counter {
            do {
                let count = try counter(bytes)
                if count != record.eventCount {
                    return FrameResult(
                        hash: hash,
                        failure: "holds \(count) events, its row says \(record.eventCount)")
                }
            } catch {
                return FrameResult(hash: hash, failure: "event bytes do not decode: \(error)")
            }
        }
        return FrameResult(hash: hash)
    }

    static func check(_ record: FrameRecord, result: FrameResult, report: ChainReport) -> String? {
        if record.index != report.frames {
            return "expected frame \(report.frames) here (a frame is missing or out of order)"
        }
        if record.previousHash != report.headHash {
            return
                "previous hash does not link to frame \(report.frames - 1) (frames swapped, deleted or from another run)"
        }
        if record.firstSequence != report.events {
            return
                "starts at event \(record.firstSequence), expected \(report.events) (sequence gap)"
        }
        if let failure = result.failure { return failure }
        if result.hash != record.hash { return "hash mismatch: content or hash column altered" }
        return nil
    }

    static func checkCheckpoints(
        store: LedgerStore, hashes: [Digest32], ends: [UInt64],
        report: inout ChainReport
    ) throws(LedgerError) {
        let decompressor = ZstdDecompressor()
        for entry in try store.checkpointIndex() {
            let label = "checkpoint after frame \(entry.frameCount - 1)"
            guard entry.frameCount >= 1, entry.frameCount <= hashes.count else {
                report.problem = "\(label): refers to a frame the ledger does not have"
                return
            }
            guard entry.frameHash == hashes[entry.frameCount - 1],
                entry.nextSequence == ends[entry.frameCount - 1]
            else {
                report.problem = "\(label): does not match the frame it follows"
                return
            }
            guard let record = try store.checkpoint(frameCount: entry.frameCount) else { continue }
            do {
                let state = try decompressor.decompress(
                    record.payload, expectedSize: record.stateSize, limit: 1 << 30)
                guard Sha256.hash(state) == record.stateDigest else {
                    report.problem = "\(label): state digest mismatch"
                    return
                }
            } catch {
                report.problem = "\(label): payload: \(error)"
                return
            }
            report.checkpoints += 1
        }
    }

    static func checkHead(store: LedgerStore, report: inout ChainReport) throws(LedgerError) {
        guard let head = try store.head() else {
            if report.frames > 0 {
                report.problem = "head: missing although \(report.frames) frames exist"
            }
            return
        }
        report.finished = head.finished
        if head.frameCount < report.frames {
            report.problem =
                "head: says \(head.frameCount) frames but \(report.frames) exist (head moved back)"
        } else if head.frameCount > report.frames {
            report.problem =
                "head: says \(head.frameCount) frames but only \(report.frames) exist (frames missing)"
        } else if head.eventCount != report.events {
            report.problem =
                "head: says \(head.eventCount) events but the frames hold \(report.events)"
        } else if head.headHash != report.headHash {
            report.problem = "head: hash does not match the last frame"
        }
    }
}
