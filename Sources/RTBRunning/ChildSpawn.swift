import Foundation

/// Runs a program and waits for it with posix_spawn and waitpid: no run loop, so the wait ends
/// when the child does (Foundation's `Process.waitUntilExit` polls a run loop and adds up to
/// tens of milliseconds per child, which a sweep of short cells pays per cell).
public enum ChildSpawn {
    /// How the child ended.
    public struct Ending: Sendable, Equatable {
        /// The exit code, or nil when a signal ended it.
        public var status: Int32?
        public var signal: Int32?
    }

    /// Runs `executable` with `arguments`; its stdout and stderr go to the file `output`
    /// (created or truncated), its stdin is /dev/null.
    public static func run(_ executable: String, _ arguments: [String], output: String) throws
        -> Ending
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] =
            ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let started = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard started == 0 else {
            throw ChildSpawnError(
                executable: executable, reason: String(cString: strerror(started)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw ChildSpawnError(
                    executable: executable, reason: String(cString: strerror(errno)))
            }
        }
        // The wait status: the low 7 bits are the signal (0 when it exited), then the exit code.
        let signal = status & 0x7F
        return signal == 0
            ? Ending(status: (status >> 8) & 0xFF, signal: nil)
            : Ending(status: nil, signal: signal)
    }
}

/// A program that could not be started or waited for.
public struct ChildSpawnError: Error, CustomStringConvertible {
    public var executable: String
    public var reason: String

    public var description: String { "\(executable): cannot run: \(reason)" }
}
