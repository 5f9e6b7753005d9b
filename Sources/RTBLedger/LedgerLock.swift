#if canImport(Glibc)
    import Glibc
#endif

/// The recording lock of a ledger: an exclusive `flock` on the file, held by the one process
/// that writes it (recording or resuming) until it exits, however it exits (the kernel drops
/// the lock of a killed process). Readers never take it; `--overwrite` and `--resume` refuse a
/// ledger whose lock is held. (SQLite's own locks are `fcntl` locks, independent of `flock`.)
final class LedgerLock {
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock of `path` without waiting; throws `.busy` when another process holds it.
    static func acquire(_ path: String) throws(LedgerError) -> LedgerLock {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy { throw .busy(path: path) }
            throw .io(path: path, reason: "cannot lock: \(reason)")
        }
        return LedgerLock(descriptor: descriptor)
    }

    /// Whether another process is recording into `path` now.
    public static func isHeld(_ path: String) -> Bool {
        do {
            _ = try acquire(path)
            return false
        } catch .busy {
            return true
        } catch {
            return false
        }
    }
}

/// Stray files of ledger creations whose process died before the rename (`LEDGER.creating-PID`
/// and its -wal and -shm), removed before a new ledger is created at `path`.
enum CreationLeftovers {
    static func remove(for path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let prefix = String(slash.map { path[path.index(after: $0)...] } ?? path[...]) + ".creating-"
        guard let stream = opendir(directory.isEmpty ? "/" : directory) else { return }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(prefix) { names.append(name) }
        }
        for name in names.sorted() {
            let rest = name.dropFirst(prefix.count)
            let pidText = rest.prefix { $0.isNumber }
            guard let pid = Int32(pidText), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            unlink((directory.isEmpty ? "" : directory + "/") + name)
        }
    }
}
