import Foundation
import Testing
import RTBCore
import RTBLedger
import RTBVerify

/// SIGKILL a recording process at 24 seeded moments: every ledger left behind verifies as a
/// valid prefix, `record --resume` finishes it with the digest of an uninterrupted recording,
/// and nothing committed before the kill changes.
@Test func killedRecordingsLeaveValidPrefixesAndResumeToTheSameDigest() throws {
    let directory = TestSupport.temporaryDirectory()
    let arguments = [
        "--scenario", "b,c", "--days", "15", "--seed", "5", "--frame-bytes", "2048",
        "--checkpoint-every", "3",
    ]
    let baseline = try TestSupport.run(
        "rtb-verify", ["record", "--ledger", directory + "/baseline.ledger"] + arguments)
    #expect(baseline.status == 0, "\(baseline.error)")
    let expected = try ChainVerifier.verify(path: directory + "/baseline.ledger").headHash
    var random = RandomStream(seed: 2026, key: StreamKey("kill-moments"))
    var killedMidRun = 0
    for attempt in 0..<24 {
        let path = directory + "/killed-\(attempt).ledger"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.binaries + "/rtb-verify")
        process.arguments = ["record", "--ledger", path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(UInt32(random.int(in: 20_000...650_000 as ClosedRange<Int64>)))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        guard FileManager.default.fileExists(atPath: path) else { continue }  // killed before creating it
        let prefix = try ChainVerifier.verify(path: path)
        #expect(prefix.isIntact, "attempt \(attempt): \(prefix.problem ?? "")")
        if prefix.finished { continue }
        var committed: [Digest32] = []
        try LedgerStore.open(path: path).forEachFrame {
            committed.append($0.hash); return true
        }
        let resumed = try TestSupport.run("rtb-verify", ["record", "--resume", path])
        if prefix.frames == 0 && resumed.status == 64 { continue }  // nothing committed yet: record again
        #expect(resumed.status == 0, "attempt \(attempt): \(resumed.error)")
        let final = try ChainVerifier.verify(path: path)
        #expect(final.isIntact && final.finished)
        #expect(
            final.headHash == expected, "attempt \(attempt) killed after \(prefix.frames) frames")
        var after: [Digest32] = []
        try LedgerStore.open(path: path).forEachFrame {
            after.append($0.hash); return after.count < committed.count
        }
        #expect(after == committed)
        if final.headHash == expected && after == committed { killedMidRun += 1 }
    }
    #expect(
        killedMidRun >= 20, "only \(killedMidRun) mid-run kills resumed to the identical digest")
}
