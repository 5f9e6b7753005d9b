import RTBCore
import RTBTrace

#if canImport(Glibc)
    import Glibc
#endif

/// A ledger file: header, frames, checkpoints and head in SQLite (WAL mode).
///
/// Fsync policy: `synchronous=NORMAL` by default. A process that dies (even SIGKILL) loses
/// nothing it committed; a power failure may lose the last few commits but leaves a valid
/// prefix. `durable: true` selects `synchronous=FULL` (every commit reaches the disk).
public final class LedgerStore {
    let database: SQLiteDatabase
    public let path: String
    public let header: RunHeader
    public let headerBytes: [UInt8]
    public let genesisHash: Digest32
    private var insertFrame: SQLiteStatement?
    private var insertCheckpoint: SQLiteStatement?
    private var writeHead: SQLiteStatement?
    var frameHashQuery: SQLiteStatement?
    private var insertMeasurement: SQLiteStatement?
    /// A fault to inject at a deterministic write (hidden test hook; nil in normal use).
    public var fault: LedgerFault?
    /// Write transactions run on this connection so far.
    public private(set) var writeTransactions = 0

    /// SQLite application id of a ledger: "RTBV".
    static let applicationID: Int64 = 0x5254_4256

    /// Held while this store may write (the recording lock).
    let lock: LedgerLock?
    /// Every commit synced (`synchronous=FULL`).
    let durable: Bool

    private init(
        database: SQLiteDatabase, header: RunHeader, headerBytes: [UInt8], genesisHash: Digest32,
        lock: LedgerLock?, durable: Bool
    ) {
        self.lock = lock
        self.durable = durable
        self.database = database
        self.path = database.path
        self.header = header
        self.headerBytes = headerBytes
        self.genesisHash = genesisHash
    }

    /// Creates a new ledger; refuses an existing file. The schema and header are written to a
    /// temporary file that is renamed into place once complete, so a crash during creation
    /// never leaves a half-made ledger at `path` (at worst a stray `path.creating-PID`).
    public static func create(
        path: String, header: RunHeader, durable: Bool = false, fault: LedgerFault? = nil
    ) throws(LedgerError) -> LedgerStore {
        if access(path, F_OK) == 0 { throw .alreadyExists(path: path) }
        CreationLeftovers.remove(for: path)
        let temporary = path + ".creating-\(getpid())"
        unlink(temporary)
        unlink(temporary + "-wal")
        unlink(temporary + "-shm")
        do {
            let database = try SQLiteDatabase(path: temporary, mode: .create)
            // SQLite neither journals nor syncs the setup's steps (it synced ten times, up to a
            // millisecond each on this machine's disk, and wrote every page twice, to the WAL
            // and back): a failed creation leaves only the temporary file. The file is synced
            // once, whole, before it is renamed into place, and is in WAL mode from then on.
            try database.execute("PRAGMA synchronous=OFF")
            try database.execute("PRAGMA journal_mode=OFF")
            try database.execute("PRAGMA application_id=\(applicationID)")
            try database.execute("PRAGMA user_version=\(header.formatVersion)")
            try database.transaction { () throws(LedgerError) in
                try LedgerMigrations.applyAll(to: database)
                let insert = try database.prepare(
                    "INSERT INTO header (id, format_version, header_bytes, genesis_hash) VALUES (1, ?, ?, ?)"
                )
                insert.bind(1, Int64(header.formatVersion))
                insert.bind(2, header.canonicalBytes)
                insert.bind(3, header.genesisHash.bytes)
                try insert.run()
            }
            try database.execute("PRAGMA journal_mode=WAL")
        }
        try syncFile(temporary)
        // The lock moves with the file: whoever renames it into place is already recording.
        let lock = try LedgerLock.acquire(temporary)
        if let fault, fault.point == .creating {
            try fault.fire(path: temporary, at: "while creating")
        }
        if access(path, F_OK) == 0 {
            unlink(temporary)
            throw .alreadyExists(path: path)
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .io(path: path, reason: "cannot move the new ledger into place")
        }
        unlink(temporary + "-wal")
        unlink(temporary + "-shm")
        let store = try open(path: path, writable: true, durable: durable, lock: lock)
        store.fault = fault
        return store
    }

    /// Flushes a file's contents to the disk (a new ledger before it is renamed into place).
    static func syncFile(_ path: String) throws(LedgerError) {
        let descriptor = Glibc.open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw .io(
                path: path, reason: "cannot open to sync: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw .io(path: path, reason: "cannot sync: \(String(cString: strerror(errno)))")
        }
    }

    /// Opens an existing ledger, checking it is one of a supported format.
    public static func open(path: String, writable: Bool = false, durable: Bool = false)
        throws(LedgerError) -> LedgerStore
    {
        try open(path: path, writable: writable, durable: durable, lock: nil)
    }

    /// A writable open takes the recording lock (or keeps `lock`, taken at creation).
    static func open(path: String, writable: Bool, durable: Bool, lock: LedgerLock?)
        throws(LedgerError) -> LedgerStore
    {
        if access(path, F_OK) == 0, isDirectory(path) {
            throw .cannotOpen(path: path, reason: "is a directory")
        }
        var held = lock
        if writable && held == nil { held = try LedgerLock.acquire(path) }
        let database = try SQLiteDatabase(path: path, mode: writable ? .readWrite : .readOnly)
        // Pages are read through a memory map: no copy from the page cache per read.
        try database.execute("PRAGMA mmap_size=1073741824")
        let application = try database.prepare("PRAGMA application_id")
        _ = try application.step()
        guard application.int(0) == applicationID else {
            throw .foreignDatabase(path: path)
        }
        let known = LedgerMigrations.all.map(\.name)
        let applied: [String]
        do {
            applied = try LedgerMigrations.applied(in: database)
        } catch {
            throw .notALedger(path: path, reason: "no migrations table")
        }
        guard applied.count <= known.count, Array(known.prefix(applied.count)) == applied else {
            throw .unsupportedVersion(
                path: path, found: "migrations \(applied.joined(separator: ","))",
                supported: "migrations up to \(known.last ?? "")")
        }
        guard applied.count >= LedgerMigrations.required else {
            throw .notALedger(
                path: path,
                reason: "incomplete schema (migrations \(applied.joined(separator: ",")))")
        }
        if let problem = try schemaProblemOf(
            database, hasMeasurements: applied.count > LedgerMigrations.required)
        {
            throw .notALedger(path: path, reason: "damaged schema: \(problem)")
        }
        if writable && applied.count < known.count {
            try database.transaction { () throws(LedgerError) in
                try LedgerMigrations.apply(from: applied.count, to: database)
            }
        }
        let query = try database.prepare(
            "SELECT format_version, header_bytes, genesis_hash FROM header WHERE id = 1")
        guard try query.step() else { throw .notALedger(path: path, reason: "no header row") }
        let version = query.int(0)
        guard version >= 0, RunHeader.supportedFormats.contains(UInt32(clamping: version)) else {
            throw .unsupportedVersion(
                path: path, found: "format \(version)", supported: "formats 1 and 2")
        }
        let bytes = query.blob(1)
        let header: RunHeader
        do {
            header = try RunHeader(canonical: bytes)
        } catch .unsupportedFormat(let found) {
            throw .unsupportedVersion(
                path: path, found: "format \(found)", supported: "formats 1 and 2")
        } catch {
            throw .corrupt(path: path, location: "header", reason: error.description)
        }
        guard Int64(header.formatVersion) == version else {
            throw .corrupt(
                path: path, location: "header",
                reason: "format \(header.formatVersion) in the header bytes, \(version) in its row")
        }
        guard let stored = Digest32(bytes: query.blob(2)), stored == header.genesisHash else {
            throw .corrupt(
                path: path, location: "header",
                reason: "genesis hash does not match the header bytes")
        }
        if writable {
            try database.execute("PRAGMA synchronous=\(durable ? "FULL" : "NORMAL")")
        }
        return LedgerStore(
            database: database, header: header, headerBytes: bytes, genesisHash: stored,
            lock: held, durable: durable)
    }

    /// Whether another process is recording into `path` now.
    public static func isBeingRecorded(_ path: String) -> Bool { LedgerLock.isHeld(path) }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Appends one frame, an optional checkpoint and the new head in one transaction: a crash
    /// leaves either all of them or none.
    public func append(
        frame: FrameRecord, checkpoint: CheckpointRecord?, head: HeadRecord,
        measurements: [MeasurementRecord] = []
    ) throws(LedgerError) {
        try writeTransaction(appendingFrame: frame.index) { () throws(LedgerError) in
            if insertFrame == nil {
                insertFrame = try database.prepare(
                    """
                    INSERT INTO frames (frame_index, first_sequence, event_count, raw_size, prev_hash, hash, codec, payload)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            }
            let statement = insertFrame!
            statement.bind(1, Int64(frame.index))
            statement.bind(2, Int64(frame.firstSequence))
            statement.bind(3, Int64(frame.eventCount))
            statement.bind(4, Int64(frame.rawSize))
            statement.bind(5, frame.previousHash.bytes)
            statement.bind(6, frame.hash.bytes)
            statement.bind(7, Int64(frame.codec))
            statement.bind(8, frame.payload)
            try statement.run()
            if let checkpoint { try insert(checkpoint) }
            try insert(measurements)
            try write(head)
        }
    }

    /// Appends a checkpoint taken after the last committed frame.
    public func appendCheckpoint(_ checkpoint: CheckpointRecord) throws(LedgerError) {
        try writeTransaction { () throws(LedgerError) in try insert(checkpoint) }
    }

    /// Marks the ledger finished (no frame may follow), with the last measurements.
    public func finish(head: HeadRecord, measurements: [MeasurementRecord] = [])
        throws(LedgerError)
    {
        try writeTransaction { () throws(LedgerError) in
            try insert(measurements)
            try write(head)
        }
    }

    private func insert(_ measurements: [MeasurementRecord]) throws(LedgerError) {
        guard !measurements.isEmpty else { return }
        if insertMeasurement == nil {
            insertMeasurement = try database.prepare(
                "INSERT INTO measurements (sequence, name, value, unit) VALUES (?, ?, ?, ?)")
        }
        let statement = insertMeasurement!
        for measurement in measurements {
            statement.bind(1, Int64(clamping: measurement.sequence))
            statement.bind(2, measurement.name)
            statement.bind(3, measurement.value)
            statement.bind(4, measurement.unit)
            try statement.run()
        }
    }

    /// One numbered write transaction, with the injected fault (if any) at its point.
    private func writeTransaction(
        appendingFrame frame: Int? = nil, _ body: () throws(LedgerError) -> Void
    ) throws(LedgerError) {
        writeTransactions += 1
        let ordinal = writeTransactions
        try database.transaction { () throws(LedgerError) in
            try body()
            if let fault, fault.point == .insideTransaction(ordinal) {
                try fault.fire(path: path, at: "inside write transaction \(ordinal)")
            }
        }
        if let fault, let frame, fault.point == .afterFrame(frame) {
            try fault.fire(path: path, at: "after frame \(frame) committed")
        }
    }

    private func insert(_ checkpoint: CheckpointRecord) throws(LedgerError) {
        if insertCheckpoint == nil {
            insertCheckpoint = try database.prepare(
                """
                INSERT INTO checkpoints (frame_count, next_sequence, frame_hash, state_size, state_digest, codec, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        }
        let statement = insertCheckpoint!
        statement.bind(1, Int64(checkpoint.frameCount))
        statement.bind(2, Int64(checkpoint.nextSequence))
        statement.bind(3, checkpoint.frameHash.bytes)
        statement.bind(4, Int64(checkpoint.stateSize))
        statement.bind(5, checkpoint.stateDigest.bytes)
        statement.bind(6, Int64(checkpoint.codec))
        statement.bind(7, checkpoint.payload)
        try statement.run()
    }

    private func write(_ head: HeadRecord) throws(LedgerError) {
        if writeHead == nil {
            writeHead = try database.prepare(
                """
                INSERT INTO head (id, frame_count, event_count, head_hash, finished, market_digest)
                VALUES (1, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET frame_count = excluded.frame_count, event_count = excluded.event_count,
                    head_hash = excluded.head_hash, finished = excluded.finished, market_digest = excluded.market_digest
                """)
        }
        let statement = writeHead!
        statement.bind(1, Int64(head.frameCount))
        statement.bind(2, Int64(head.eventCount))
        statement.bind(3, head.headHash.bytes)
        statement.bind(4, Int64(head.finished ? 1 : 0))
        if let digest = head.marketDigest { statement.bind(5, digest.bytes) }
        try statement.run()
    }

    /// Bytes on disk: the database plus its WAL.
    public var bytesOnDisk: Int64 {
        var total: Int64 = 0
        for suffix in ["", "-wal"] {
            var info = stat()
            if stat(path + suffix, &info) == 0 { total += Int64(info.st_size) }
        }
        return total
    }

    /// At the end of a recording (after the finished head is committed): folds the WAL into the
    /// database file and leaves WAL mode, so a finished ledger is one self-contained file that
    /// readers open without creating -wal and -shm files next to it. Best effort: while another
    /// connection has the file open SQLite refuses the switch (busy), and the WAL is folded in
    /// as far as that reader allows; the ledger then stays in WAL mode, which is just as valid.
    ///
    /// The WAL is folded in first, with the syncs of the store's mode (the WAL's, then the
    /// database's). Leaving WAL mode then only rewrites the mode bytes of page 1; outside
    /// `durable` mode that switch is not synced (its journal took two syncs): a crash leaves
    /// page 1 as it was (WAL mode, an empty WAL) or as it is meant to be, a whole ledger either
    /// way.
    public func checkpointWAL() {
        database.withoutBusyWait {
            // Busy (a reader holds frames): as much is folded in as that reader allows.
            guard foldWAL() else { return }
            if !durable { try? database.execute("PRAGMA synchronous=OFF") }
            _ = try? database.execute("PRAGMA journal_mode=DELETE")
        }
    }

    /// Folds the whole WAL into the database and truncates it; false when a reader kept part
    /// of it.
    private func foldWAL() -> Bool {
        guard let checkpoint = try? database.prepare("PRAGMA wal_checkpoint(TRUNCATE)"),
            (try? checkpoint.step()) == true
        else { return false }
        return checkpoint.int(0) == 0
    }
}
