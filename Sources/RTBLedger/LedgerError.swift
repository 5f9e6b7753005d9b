/// What can go wrong opening, reading or writing a ledger file, with the exit code each maps to
/// (README, "Exit codes").
public enum LedgerError: Error, Equatable, CustomStringConvertible {
    /// The file cannot be opened: missing or unreadable (exit 1).
    case cannotOpen(path: String, reason: String)
    /// Reading or writing failed at the OS level: disk full, I/O error (exit 1).
    case io(path: String, reason: String)
    /// The file exists and recording would overwrite it (exit 64).
    case alreadyExists(path: String)
    /// Another process is recording into the ledger now (exit 1).
    case busy(path: String)
    /// The file is not an SQLite database (exit 12).
    case notSQLite(path: String)
    /// An SQLite database of another application (its application id is not RTBV) (exit 12).
    case foreignDatabase(path: String)
    /// A rtb-verify ledger (by its application id) whose structure is not one: a damaged
    /// schema, no header (exit 12).
    case notALedger(path: String, reason: String)
    /// A ledger of a format this build does not read (exit 12).
    case unsupportedVersion(path: String, found: String, supported: String)
    /// Structure or content is damaged (exit 12).
    case corrupt(path: String, location: String, reason: String)
    /// The database refused a write (append-only trigger or constraint) (exit 12).
    case rejected(path: String, reason: String)
    /// Any other SQLite failure (exit 1).
    case sql(path: String, reason: String, statement: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot open: \(reason)"
        case .io(let path, let reason): return "\(path): I/O error: \(reason)"
        case .alreadyExists(let path):
            return
                "\(path): already exists; pass --overwrite to replace it, choose another file, or continue an "
                + "interrupted recording with rtb-verify record --resume"
        case .busy(let path):
            return
                "\(path): another process is recording into it now; wait for it to finish (or stop it and continue with rtb-verify record --resume)"
        case .notSQLite(let path): return "\(path): not a ledger (not an SQLite database)"
        case .foreignDatabase(let path):
            return "\(path): not a rtb-verify ledger: SQLite application id is not RTBV"
        case .notALedger(let path, let reason): return "\(path): not a rtb-verify ledger: \(reason)"
        case .unsupportedVersion(let path, let found, let supported):
            return "\(path): unsupported ledger version \(found) (this build reads \(supported))"
        case .corrupt(let path, let location, let reason): return "\(path): \(location): \(reason)"
        case .rejected(let path, let reason): return "\(path): write rejected: \(reason)"
        case .sql(let path, let reason, let statement):
            return "\(path): SQLite error: \(reason) (in: \(statement))"
        }
    }

    /// The documented process exit code.
    public var exitCode: Int32 {
        switch self {
        case .cannotOpen, .io, .sql, .busy: return 1
        case .alreadyExists: return 64
        case .notSQLite, .foreignDatabase, .notALedger, .unsupportedVersion, .corrupt, .rejected:
            return 12
        }
    }
}
