import CSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// The project's one SQLite wrapper: a connection owned by one object on one thread,
/// statements finalised in `deinit`, writes inside `transaction`.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    enum Mode {
        case readOnly
        case readWrite
        case create
    }

    init(path: String, mode: Mode) throws(LedgerError) {
        self.path = path
        if mode != .create {
            if access(path, F_OK) != 0 { throw .cannotOpen(path: path, reason: "no such file") }
            if access(path, mode == .readOnly ? R_OK : R_OK | W_OK) != 0 {
                throw .cannotOpen(path: path, reason: "permission denied")
            }
        }
        var flags: Int32 = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        var connection: OpaquePointer?
        let status = sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK, let connection else {
            let reason =
                connection.map { String(cString: sqlite3_errmsg($0)) } ?? "status \(status)"
            sqlite3_close(connection)
            throw .cannotOpen(path: path, reason: reason)
        }
        handle = connection
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, SQLiteDatabase.busyTimeoutMilliseconds)
    }

    /// How long a statement waits for another connection's lock before failing busy.
    static let busyTimeoutMilliseconds: Int32 = 5_000

    /// Runs `body` with the busy wait switched off (for best-effort steps that must not stall).
    func withoutBusyWait<T>(_ body: () -> T) -> T {
        sqlite3_busy_timeout(handle, 0)
        defer { sqlite3_busy_timeout(handle, SQLiteDatabase.busyTimeoutMilliseconds) }
        return body()
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs SQL without results (one or more statements).
    func execute(_ sql: String) throws(LedgerError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text =
                message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_free(message)
            throw error(status, text, sql)
        }
    }

    func prepare(_ sql: String) throws(LedgerError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw error(status, String(cString: sqlite3_errmsg(handle)), sql)
        }
        return SQLiteStatement(statement, database: self, sql: sql)
    }

    /// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back if it throws.
    func transaction<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Maps a SQLite status to a ledger error naming the file.
    func error(_ status: Int32, _ message: String, _ sql: String) -> LedgerError {
        switch status & 0xFF {
        case SQLITE_NOTADB: return .notSQLite(path: path)
        case SQLITE_CORRUPT: return .corrupt(path: path, location: "database", reason: message)
        case SQLITE_FULL, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM:
            return .io(path: path, reason: message)
        case SQLITE_CONSTRAINT:
            return .rejected(path: path, reason: message)
        default:
            return .sql(path: path, reason: message, statement: String(sql.prefix(80)))
        }
    }
}

/// A prepared statement, finalised when released.
final class SQLiteStatement {
    let handle: OpaquePointer
    unowned let database: SQLiteDatabase
    let sql: String

    init(_ handle: OpaquePointer, database: SQLiteDatabase, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Double) {
        sqlite3_bind_double(handle, index, value)
    }

    func bind(_ index: Int32, _ value: String) {
        sqlite3_bind_text(
            handle, index, value, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
    }

    func bind(_ index: Int32, _ value: [UInt8]) {
        value.withUnsafeBytes { buffer in
            _ = sqlite3_bind_blob64(
                handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                sqlite3_uint64(buffer.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    /// Advances; true when a row is available.
    func step() throws(LedgerError) -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(status, String(cString: sqlite3_errmsg(database.handle)), sql)
        }
    }

    /// Runs to completion (for writes).
    func run() throws(LedgerError) {
        while try step() {}
        reset()
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    /// The column as bytes (BLOB or TEXT); empty for NULL.
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// The declared type of a column is not enforced by SQLite: true when the value is a BLOB.
    func isBlob(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_BLOB }
}
