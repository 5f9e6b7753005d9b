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
    /// True when another process was recording into the ledger: only the frames its head had
    /// committed when verification began were checked.
    public var inProgress = false
    /// `deep` on a finished ledger: the market digest was recomputed from the events and
    /// matches the head's.
    public var marketDigestChecked = false
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

    /// Verifies the whole ledger; when another process is recording into it, only the frames
    /// committed up to the head read first (a consistent prefix: frame, chain link and head
    /// commit together).
    /// `progress` is called on the calling thread as frames are checked, with the frames
    /// checked and the head's frame count.
    public static func verify(
        store: LedgerStore, deep: Bool = false, threads: Int = 2,
        progress: ((_ frames: Int, _ total: Int) -> Void)? = nil
    ) throws(LedgerError) -> ChainReport {
        let model = deep ? try modelOf(store) : nil
        let counter = model.map { eventCounter($0) }
        let recording = LedgerStore.isBeingRecorded(store.path)
        let startHead = try store.head()
        var report = try verify(
            store: store, upTo: recording ? (startHead?.frameCount ?? 0) : nil, counter: counter,
            threads: threads,
            progress: progress.map { call in { call($0, startHead?.frameCount ?? 0) } })
        if report.problem != nil && !recording && LedgerStore.isBeingRecorded(store.path) {
            // A recording started (resumed) while we read: check the prefix it had then.
            report = try verify(
                store: store, upTo: startHead?.frameCount ?? 0, counter: counter, threads: threads)
            report.inProgress = true
        } else {
            report.inProgress = recording
        }
        if report.problem == nil, let model, report.finished {
            try checkMarketDigest(model, store: store, report: &report)
        }
        return report
    }

    static func modelOf(_ store: LedgerStore) throws(LedgerError) -> any SimulationModel.Type {
        do {
            return try ModelRegistry.model(of: store)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw .notALedger(path: store.path, reason: "\(error)")
        }
    }

    /// Frames (below `limit` when given), checkpoints, column types and the head.
    static func verify(
        store: LedgerStore, upTo limit: Int?, counter: EventCounter?, threads: Int,
        progress: ((Int) -> Void)? = nil
    ) throws(LedgerError) -> ChainReport {
        var report = ChainReport(headHash: store.genesisHash)
        if let problem = try store.columnTypeProblem(upTo: limit) {
            report.problem = problem
            return report
        }
        var hashByFrame: [Digest32] = []
        var endSequenceByFrame: [UInt64] = []
        if var indexes = try store.frameIndexRange(), limit.map({ $0 > indexes.lowerBound }) ?? true
        {
            if let limit { indexes = indexes.lowerBound...min(indexes.upperBound, limit - 1) }
            let work = FrameVerificationWork(
                path: store.path, indexes: indexes, workers: max(1, threads), counter: counter)
            defer { work.stop() }
            chunks: for chunk in 0..<work.chunkCount {
                for item in try work.wait(for: chunk).get() {
                    let record = item.record
                    if let limit, record.index >= limit { break chunks }
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
                progress?(report.frames)
            }
        }
        if report.problem != nil { return report }
        try checkCheckpoints(
            store: store, hashes: hashByFrame, ends: endSequenceByFrame, limit: limit,
            report: &report)
        if report.problem != nil { return report }
        try checkHead(store: store, limit: limit, report: &report)
        if report.problem != nil { return report }
        try checkRequiredCheckpoints(store: store, report: &report)
        return report
    }

    /// Every `checkpointEveryFrames` frames the recording takes a checkpoint, and one after its
    /// last frame; only the checkpoint after the newest frame of an unfinished recording may be
    /// missing (the process died between the two commits). A header with the no-checkpoint
    /// interval requires none.
    static func checkRequiredCheckpoints(store: LedgerStore, report: inout ChainReport)
        throws(LedgerError)
    {
        let every = store.header.checkpointEveryFrames
        guard every < RunHeader.noCheckpoints, report.frames > 0 else { return }
        let stored = Set(try store.checkpointIndex().map(\.frameCount))  // determinism-ok: membership only
        var required = Array(stride(from: every, to: report.frames, by: every))
        if report.finished {
            required.append(report.frames)
        }
        if let missing = required.first(where: { !stored.contains($0) }) {
            report.problem =
                "checkpoint after frame \(missing - 1): missing (one is taken every \(every) frames and at the end)"
        }
    }

    /// Recomputes the model's digest (its events minus those it excludes) and compares it with
    /// the finished head's.
    static func checkMarketDigest(
        _ model: any SimulationModel.Type, store: LedgerStore, report: inout ChainReport
    ) throws(LedgerError) {
        guard let expected = try store.head()?.marketDigest else {
            report.problem = "head: finished without a market digest"
            return
        }
        let digest: Digest32
        do {
            digest = try marketDigest(model, store: store)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw .corrupt(path: store.path, location: "events", reason: "\(error)")
        }
        if digest != expected {
            report.problem =
                "head: market digest \(expected.short) does not match the events' \(digest.short)"
        } else {
            report.marketDigestChecked = true
        }
    }

    static func marketDigest<Model: SimulationModel>(_ model: Model.Type, store: LedgerStore)
        throws -> Digest32
    {
        var digest = ChunkedDigest()
        let decompressor = ZstdDecompressor()
        try store.forEachFrame { record in
            let bytes = try decompressor.decompress(record.payload, expectedSize: record.rawSize)
            var reader = CanonicalReader(bytes)
            var included = 0
            bytes.withUnsafeBytes { buffer in
                while !reader.isAtEnd {
                    let start = reader.offset
                    guard let event = try? Model.Event.decode(from: &reader) else { return }
                    if Model.excludedFromDigest(event) {
                        digest.update(UnsafeRawBufferPointer(rebasing: buffer[included..<start]))
                        included = reader.offset
                    }
                }
                digest.update(UnsafeRawBufferPointer(rebasing: buffer[included...]))
            }
            return true
        }
        return digest.finalize()
    }

    /// Decodes events of `model` and counts them.
    static func eventCounter(_ model: any SimulationModel.Type) -> EventCounter {
        typedEventCounter(model)
    }

    static func typedEventCounter<Model: SimulationModel>(_ model: Model.Type) -> EventCounter {
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

    /// Checkpoints after the verified frames (a recording in progress may have taken newer
    /// ones after `limit`, the prefix verified).
    static func checkCheckpoints(
        store: LedgerStore, hashes: [Digest32], ends: [UInt64], limit: Int?,
        report: inout ChainReport
    ) throws(LedgerError) {
        let decompressor = ZstdDecompressor()
        for entry in try store.checkpointIndex() {
            if let limit, entry.frameCount > limit { continue }
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

    static func checkHead(store: LedgerStore, limit: Int?, report: inout ChainReport)
        throws(LedgerError)
    {
        guard var head = try store.head() else {
            if report.frames > 0 {
                report.problem = "head: missing although \(report.frames) frames exist"
            }
            return
        }
        if let limit, head.frameCount > limit {
            // Recording in progress: the head has moved on; the prefix is what was checked.
            head = HeadRecord(
                frameCount: report.frames, eventCount: report.events, headHash: report.headHash,
                finished: false, marketDigest: nil)
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
