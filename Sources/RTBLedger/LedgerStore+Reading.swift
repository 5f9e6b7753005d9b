import RTBCore
import RTBTrace

/// Reading a ledger: head, frames, checkpoints and measurements.
extension LedgerStore {
    /// Every measurement, in the order written (empty for a ledger that predates them).
    public func measurements() throws(LedgerError) -> [MeasurementRecord] {
        guard try LedgerMigrations.applied(in: database).count > LedgerMigrations.required else {
            return []
        }
        let query = try database.prepare(
            "SELECT sequence, name, value, unit FROM measurements ORDER BY id")
        var rows: [MeasurementRecord] = []
        while try query.step() {
            rows.append(
                MeasurementRecord(
                    sequence: UInt64(max(0, query.int(0))), name: query.text(1) ?? "",
                    value: query.double(2), unit: query.text(3) ?? ""))
        }
        return rows
    }

    /// The head row, or nil before the first frame.
    public func head() throws(LedgerError) -> HeadRecord? {
        let query = try database.prepare(
            "SELECT frame_count, event_count, head_hash, finished, market_digest FROM head WHERE id = 1"
        )
        guard try query.step() else { return nil }
        guard let hash = Digest32(bytes: query.blob(2)) else {
            throw .corrupt(path: path, location: "head", reason: "head hash is not 32 bytes")
        }
        let market = query.isNull(4) ? nil : Digest32(bytes: query.blob(4))
        return HeadRecord(
            frameCount: Int(query.int(0)), eventCount: UInt64(max(0, query.int(1))), headHash: hash,
            finished: query.int(3) != 0, marketDigest: market)
    }

    /// Number of frame rows.
    public func frameCount() throws(LedgerError) -> Int {
        let query = try database.prepare("SELECT count(*) FROM frames")
        _ = try query.step()
        return Int(query.int(0))
    }

    /// The lowest and highest frame index stored, or nil without frames.
    public func frameIndexRange() throws(LedgerError) -> ClosedRange<Int>? {
        let query = try database.prepare("SELECT min(frame_index), max(frame_index) FROM frames")
        guard try query.step(), !query.isNull(0) else { return nil }
        return Int(query.int(0))...Int(query.int(1))
    }

    /// Calls `body` with each frame row with index from `index` up to (not including) `limit`
    /// (no limit when nil), in index order; stop by returning false.
    public func forEachFrame(
        from index: Int = 0, below limit: Int? = nil, _ body: (FrameRecord) throws -> Bool
    ) throws {
        let query = try database.prepare(
            """
            SELECT frame_index, first_sequence, event_count, raw_size, prev_hash, hash, codec, payload
            FROM frames WHERE frame_index >= ? AND (? IS NULL OR frame_index < ?) ORDER BY frame_index
            """)
        query.bind(1, Int64(index))
        if let limit {
            query.bind(2, Int64(limit))
            query.bind(3, Int64(limit))
        }
        while try query.step() {
            guard let record = try frameRecord(query) else { continue }
            if try !body(record) { break }
        }
    }

    /// One frame row, or nil.
    public func frame(at index: Int) throws(LedgerError) -> FrameRecord? {
        let query = try database.prepare(
            """
            SELECT frame_index, first_sequence, event_count, raw_size, prev_hash, hash, codec, payload
            FROM frames WHERE frame_index = ?
            """)
        query.bind(1, Int64(index))
        guard try query.step() else { return nil }
        return try frameRecord(query)
    }

    /// The stored hash of one frame, or nil (reads no payload).
    public func frameHash(at index: Int) throws(LedgerError) -> Digest32? {
        if frameHashQuery == nil {
            frameHashQuery = try database.prepare("SELECT hash FROM frames WHERE frame_index = ?")
        }
        let query = frameHashQuery!
        defer { query.reset() }
        query.bind(1, Int64(index))
        guard try query.step() else { return nil }
        return Digest32(bytes: query.blob(0))
    }

    /// Every stored frame hash, in frame order (reads no payload).
    public func allFrameHashes() throws(LedgerError) -> [Digest32] {
        let query = try database.prepare("SELECT hash FROM frames ORDER BY frame_index")
        var hashes: [Digest32] = []
        while try query.step() {
            guard let hash = Digest32(bytes: query.blob(0)) else {
                throw .corrupt(
                    path: path, location: "frame \(hashes.count)",
                    reason: "hash column is not 32 bytes")
            }
            hashes.append(hash)
        }
        return hashes
    }

    /// The index of the frame holding event `sequence`, or nil.
    public func frameIndex(containing sequence: UInt64) throws(LedgerError) -> Int? {
        let query = try database.prepare(
            "SELECT frame_index FROM frames WHERE first_sequence <= ? ORDER BY first_sequence DESC LIMIT 1"
        )
        query.bind(1, Int64(sequence))
        guard try query.step() else { return nil }
        return Int(query.int(0))
    }

    func frameRecord(_ query: SQLiteStatement) throws(LedgerError) -> FrameRecord? {
        let index = Int(query.int(0))
        guard let previous = Digest32(bytes: query.blob(4)),
            let hash = Digest32(bytes: query.blob(5))
        else {
            throw .corrupt(
                path: path, location: "frame \(index)", reason: "hash column is not 32 bytes")
        }
        guard query.int(1) >= 0, query.int(2) >= 0, query.int(3) >= 0 else {
            throw .corrupt(path: path, location: "frame \(index)", reason: "negative count")
        }
        return FrameRecord(
            index: index, firstSequence: UInt64(query.int(1)), eventCount: Int(query.int(2)),
            rawSize: Int(query.int(3)), previousHash: previous, hash: hash,
            codec: Int(query.int(6)),
            payload: query.blob(7))
    }

    /// Checkpoint rows without their payloads, in order.
    public func checkpointIndex() throws(LedgerError) -> [CheckpointRecord] {
        let query = try database.prepare(
            """
            SELECT frame_count, next_sequence, frame_hash, state_size, state_digest, codec
            FROM checkpoints ORDER BY frame_count
            """)
        var records: [CheckpointRecord] = []
        while try query.step() { records.append(try checkpointRecord(query, payload: false)) }
        return records
    }

    /// The checkpoint taken after `frameCount` frames, with its payload.
    public func checkpoint(frameCount: Int) throws(LedgerError) -> CheckpointRecord? {
        let query = try database.prepare(
            """
            SELECT frame_count, next_sequence, frame_hash, state_size, state_digest, codec, payload
            FROM checkpoints WHERE frame_count = ?
            """)
        query.bind(1, Int64(frameCount))
        guard try query.step() else { return nil }
        return try checkpointRecord(query, payload: true)
    }

    /// A checkpoint row (columns in table order; the payload only when asked, as column 6).
    func checkpointRecord(_ query: SQLiteStatement, payload: Bool) throws(LedgerError)
        -> CheckpointRecord
    {
        let frameCount = Int(query.int(0))
        guard let frameHash = Digest32(bytes: query.blob(2)),
            let digest = Digest32(bytes: query.blob(4))
        else {
            throw .corrupt(
                path: path, location: "checkpoint after frame \(frameCount - 1)",
                reason: "digest not 32 bytes")
        }
        return CheckpointRecord(
            frameCount: frameCount, nextSequence: UInt64(max(0, query.int(1))),
            frameHash: frameHash, stateSize: Int(query.int(3)), stateDigest: digest,
            codec: Int(query.int(5)), payload: payload ? query.blob(6) : [])
    }
}
