#if canImport(Glibc)
    import Glibc
#endif

/// The recording lock of a ledger: an exclusive open-file-description lock (Linux `F_OFD_*`)
/// on one byte far past anything SQLite locks, held by the one process that writes the ledger
/// (recording or resuming) until it exits, however it exits (the kernel drops the locks of a
/// closed descriptor). Readers never take it: they ask the kernel whether it is held
/// (`F_OFD_GETLK`), so a reader looking can never make a writer's attempt fail. `--overwrite`
/// and `--resume` refuse a ledger whose lock is held. SQLite's own POSIX locks sit at 1 GiB
/// and never overlap this byte.
final class LedgerLock {
    let descriptor: Int32

    /// `F_OFD_GETLK` and `F_OFD_SETLK` (Linux 3.15+; Glibc's headers hide them from Swift).
    static let getCommand: Int32 = 36
    static let setCommand: Int32 = 37
    /// The locked byte.
    static let offset = 0x7FFF_0000_0000

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Unlocks before closing. Closing alone is not enough: a thread that spawns a child copies
    /// every descriptor into it, and the copy keeps an open-file-description lock until the
    /// child's exec closes it (`O_CLOEXEC` acts at exec, not at fork), so a lock released by
    /// `close` could still look held for a moment. An explicit `F_UNLCK` through any descriptor
    /// of the open file description releases it at once, copies or not.
    deinit {
        var unlock = Self.request(F_UNLCK)
        _ = fcntl(descriptor, Self.setCommand, &unlock)
        close(descriptor)
    }

    static func request(_ type: Int32) -> flock {
        var request = flock()
        request.l_type = Int16(type)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = offset
        request.l_len = 1
        return request
    }

    /// Takes the lock of `path` without waiting; throws `.busy` when another process holds it.
    static func acquire(_ path: String) throws(LedgerError) -> LedgerLock {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var lock = request(F_WRLCK)
        guard fcntl(descriptor, setCommand, &lock) == 0 else {
            let busy = errno == EAGAIN || errno == EACCES
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy { throw .busy(path: path) }
            throw .io(path: path, reason: "cannot lock: \(reason)")
        }
        return LedgerLock(descriptor: descriptor)
    }

    /// Whether another process is recording into `path` now (asked without taking the lock).
    public static func isHeld(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var probe = request(F_WRLCK)
        guard fcntl(descriptor, getCommand, &probe) == 0 else { return false }
        return probe.l_type != Int16(F_UNLCK)
    }
}

/// Stray files of ledger creations whose process died before the rename (`LEDGER.creating-PID`
/// and its -wal and -shm), removed before a new ledger is created at `path`.
enum CreationLeftovers {
    static func remove(for path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let prefix =
            String(slash.map { path[path.index(after: $0)...] } ?? path[...]) + ".creating-"
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
