import Foundation
import Testing
@testable import RTBLedger

@Test func theRecordingLockExcludesASecondWriter() throws {
    let path = scratchPath("locked.ledger")
    _ = try LedgerStore.create(path: path, header: testHeader)
    #expect(!LedgerLock.isHeld(path))
    do {
        let first = try LedgerLock.acquire(path)
        #expect(LedgerLock.isHeld(path))
        #expect(throws: LedgerError.busy(path: path)) { _ = try LedgerLock.acquire(path) }
        withExtendedLifetime(first) {}
    }
    #expect(!LedgerLock.isHeld(path))
}

@Test func lookingAtTheLockNeverMakesAWriterFail() throws {
    // Readers ask whether a recording is under way while a writer takes and drops the lock:
    // the question takes no lock, so every one of the writer's attempts succeeds. A third
    // thread spawns children all the while, as the other tests of this process do: each child
    // holds a copy of the writer's descriptors until its exec, which must not fail the writer.
    let path = scratchPath("watched.ledger")
    _ = try LedgerStore.create(path: path, header: testHeader)
    let done = ManagedAtomicFlag()
    let watcher = Thread {
        while !done.isSet { _ = LedgerLock.isHeld(path) }
    }
    let spawner = Thread {
        while !done.isSet {
            var child: pid_t = 0
            var arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
            defer { free(arguments[0]) }
            guard posix_spawn(&child, "/bin/true", nil, nil, &arguments, environ) == 0 else {
                return
            }
            var status: Int32 = 0
            waitpid(child, &status, 0)
        }
    }
    watcher.start()
    spawner.start()
    defer { done.set() }
    for _ in 0..<2_000 {
        let lock = try LedgerLock.acquire(path)
        withExtendedLifetime(lock) {}
    }
}

/// A flag one thread sets and another polls.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
