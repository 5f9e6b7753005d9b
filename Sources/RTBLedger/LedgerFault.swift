#if canImport(Glibc)
    import Glibc
#endif

/// A fault injected at a deterministic point of a ledger's write transactions: the hidden test
/// hook that crash and full-disk tests use instead of timers, so where a process dies never
/// depends on the machine's speed.
///
/// Write transactions are numbered from 1 on the connection that records (the ledger's
/// creation happens on its own connection and is not counted). A recording commits one
/// transaction per frame (frame, chain link and head), one per checkpoint, and one that marks
/// the head finished.
public struct LedgerFault: Sendable, Equatable, CustomStringConvertible {
    /// What happens at the point.
    public enum Action: String, Sendable, CaseIterable {
        /// The process sends itself SIGKILL: nothing after the point runs, no handler, no flush.
        case kill
        /// The write fails as SQLite fails on a full disk; the transaction rolls back.
        case diskFull = "disk-full"
        /// The process stops itself (SIGSTOP) holding its locks, until sent SIGCONT: a test can
        /// act on a ledger that is in the middle of being recorded.
        case stop
    }

    /// Where it happens.
    public enum Point: Sendable, Equatable {
        /// While a new ledger is being created: its temporary file is complete, the rename
        /// into place has not happened.
        case creating
        /// Right after the transaction that appends frame K has committed.
        case afterFrame(Int)
        /// Inside write transaction T, after its writes and before its COMMIT.
        case insideTransaction(Int)
    }

    public var action: Action
    public var point: Point

    public init(_ action: Action, at point: Point) {
        self.action = action
        self.point = point
    }

    /// Parses "ACTION@after-frame:K", "ACTION@in-transaction:T" or "ACTION@creating" (ACTION
    /// kill, disk-full or stop).
    public init?(_ text: String) {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let action = Action(rawValue: String(parts[0])) else { return nil }
        if parts[1] == "creating" {
            self.init(action, at: .creating)
            return
        }
        let where_ = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard where_.count == 2, let number = Int(where_[1]) else { return nil }
        switch where_[0] {
        case "after-frame" where number >= 0: self.init(action, at: .afterFrame(number))
        case "in-transaction" where number >= 1: self.init(action, at: .insideTransaction(number))
        default: return nil
        }
    }

    /// The form `init?(_:)` parses.
    public var description: String {
        switch point {
        case .creating: return "\(action.rawValue)@creating"
        case .afterFrame(let frame): return "\(action.rawValue)@after-frame:\(frame)"
        case .insideTransaction(let ordinal): return "\(action.rawValue)@in-transaction:\(ordinal)"
        }
    }

    /// The accepted forms, for usage errors.
    public static let syntax =
        "ACTION@after-frame:K, ACTION@in-transaction:T or ACTION@creating (ACTION: kill, disk-full, stop)"

    /// Performs the action for `path`: never returns for `.kill`, throws for `.diskFull`,
    /// returns once continued for `.stop`.
    public func fire(path: String, at location: String) throws(LedgerError) {
        switch action {
        case .kill:
            kill(getpid(), SIGKILL)
            while true { pause() }
        case .diskFull:
            throw .io(path: path, reason: "database or disk is full (injected fault \(location))")
        case .stop:
            kill(getpid(), SIGSTOP)
        }
    }
}
