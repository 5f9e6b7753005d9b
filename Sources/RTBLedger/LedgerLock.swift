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

    deinit { close(descriptor) }

    static func request(_ type: Int32) -> flock {
        var request = flock()
        request.l_type = Int16(type)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = offset
        request.l_len = 1
        return request
    }

    /// How long a busy lock is asked again before `.busy` is thrown: the pauses, in
    /// microseconds, between the attempts (about 0.3 s in all).
    static let retryPauses: [UInt32] = [
        1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 100_000,
    ]

    /// Takes the lock of `path`; throws `.busy` when another process holds it.
    ///
    /// A lock this process has just dropped can still look held for a moment: a thread that
    /// spawns a child copies every descriptor into it, and the copy of a closed lock's
    /// descriptor keeps the lock until the child's exec closes it (`O_CLOEXEC` acts at exec,
    /// not at fork). So a busy answer is asked again a few times, about 0.3 s in all, before it
    /// is believed; a real recorder holds the lock for the whole run.
    static func acquire(_ path: String) throws(LedgerError) -> LedgerLock {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var pauses = retryPauses[...]
        while true {
            var lock = request(F_WRLCK)
            if fcntl(descriptor, setCommand, &lock) == 0 {
                return LedgerLock(descriptor: descriptor)
            }
            let busy = errno == EAGAIN || errno == EACCES
            if busy, let pause = pauses.popFirst() {
                usleep(pause)
                continue
            }
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy { throw .busy(path: path) }
            throw .io(path: path, reason: "cannot lock: \(reason)")
        }
    }

    /// Whether another process is recording into `path` now (asked without taking the lock).
    /// A held answer is asked again on `acquire`'s schedule before it is believed, for the
    /// same reason: a just-dropped lock can live on for a moment in a spawning child.
    public static func isHeld(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var pauses = retryPauses[...]
        while true {
            var probe = request(F_WRLCK)
            guard fcntl(descriptor, getCommand, &probe) == 0 else { return false }
            if probe.l_type == Int16(F_UNLCK) { return false }
            guard let pause = pauses.popFirst() else { return true }
            usleep(pause)
        }
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
