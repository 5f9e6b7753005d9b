import Foundation
import Testing
import RTBCore
@testable import RTBIntegrity
import RTBLedger
import RTBTestSupport
import RTBTrace

/// Each reproduction of the hardening issue's defects: a one-line error, the documented exit
/// code, and nothing lost.
struct Run {
    static func verify(_ arguments: [String], in directory: String? = nil) throws
        -> TestSupport.ProcessResult
    {
        try TestSupport.run("rtb-verify", arguments, in: directory)
    }
}

/// Waits until a process started with a `stop@...` fault has stopped itself (SIGSTOP), polling
/// its state: the fault point decides where it stops, never a timer (the bound, a minute, only
/// ends a run whose recorder never gets there). False if it did not stop.
func waitUntilStopped(_ process: Process) -> Bool {
    for _ in 0..<6_000 {
        let stat =
            (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8))
            ?? ""
        let state = stat.split(separator: ")").last.map { String($0.dropFirst().prefix(1)) } ?? ""
        if state == "T" { return true }
        usleep(10_000)  // timing-ok: polls for the seeded stop point; the bound only ends a hung run
    }
    return false
}

func expectOneLine(_ result: TestSupport.ProcessResult, _ code: Int32, _ mentions: String) {
    #expect(result.status == code, "\(result.status): \(result.error)")
    #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
    #expect(result.error.contains(mentions), "\(result.error)")
}

@Test func overwriteNeverRemovesADirectoryOrAForeignFile() throws {
    let directory = TestSupport.temporaryDirectory()
    try FileManager.default.createDirectory(
        atPath: directory + "/v/sub", withIntermediateDirectories: true)
    try "x".write(toFile: directory + "/v/sub/f", atomically: true, encoding: .utf8)
    let onDirectory = try Run.verify(
        ["record", "--days", "1", "--ledger", "v", "--overwrite"], in: directory)
    expectOneLine(onDirectory, 64, "is a directory")
    #expect(FileManager.default.fileExists(atPath: directory + "/v/sub/f"))
    try "not a ledger".write(toFile: directory + "/notes", atomically: true, encoding: .utf8)
    let onForeign = try Run.verify(
        ["record", "--days", "1", "--ledger", "notes", "--overwrite"], in: directory)
    expectOneLine(onForeign, 64, "not a rtb-verify ledger")
    #expect(try String(contentsOfFile: directory + "/notes", encoding: .utf8) == "not a ledger")
    // A one-letter ledger path works (it trapped in Foundation's path handling).
    let short = try Run.verify(["record", "--days", "1", "--ledger", "x"], in: directory)
    #expect(short.status == 0, "\(short.error)")
    #expect(try ChainVerifier.verify(path: directory + "/x").finished)
    let asTrace = try Run.verify(["verify", "--trace", "v"], in: directory)
    expectOneLine(asTrace, 1, "is a directory")
}

/// A full disk in the middle of a scenario C recording (injected at write transaction 9): exit
/// 1 with one line, the committed prefix verifies and resumes to the uninterrupted digest.
@Test func aFullDiskLeavesAResumablePrefix() throws {
    let directory = TestSupport.temporaryDirectory()
    let arguments = ["--scenario", "c", "--days", "4", "--frame-bytes", "2048"]
    #expect(
        try Run.verify(["record", "--ledger", directory + "/whole.ledger"] + arguments).status == 0)
    let expected = try ChainVerifier.verify(path: directory + "/whole.ledger")
    let path = directory + "/full.ledger"
    let full = try Run.verify(
        ["record", "--ledger", path, "--inject-fault", "disk-full@in-transaction:9"] + arguments)
    expectOneLine(full, 1, "database or disk is full")
    let prefix = try ChainVerifier.verify(path: path)
    #expect(prefix.isIntact && !prefix.finished && prefix.frames >= 1, "\(prefix.problem ?? "")")
    let resumed = try Run.verify(["record", "--resume", path])
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(try ChainVerifier.verify(path: path).headHash == expected.headHash)
}

/// While another process records (stopped at a seeded frame, holding its lock): verify sees a
/// consistent prefix, --resume and --overwrite refuse with exit 1, and the recording, once
/// continued, finishes with the digest of an undisturbed one.
@Test func aLedgerBeingRecordedIsReadConsistentlyAndNotTakenOver() throws {
    let directory = TestSupport.temporaryDirectory()
    let arguments = ["--scenario", "c", "--days", "3", "--frame-bytes", "2048"]
    #expect(
        try Run.verify(["record", "--ledger", directory + "/calm.ledger"] + arguments).status == 0)
    let expected = try ChainVerifier.verify(path: directory + "/calm.ledger")
    let path = directory + "/busy.ledger"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestSupport.binaries + "/rtb-verify")
    process.arguments =
        ["record", "--ledger", path, "--inject-fault", "stop@after-frame:6"] + arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    #expect(waitUntilStopped(process), "the recorder never reached its stop point")
    let verified = try Run.verify(["verify", "--trace", path])
    #expect(verified.status == 0 && verified.output.contains("another process is recording"))
    let report = try ChainVerifier.verify(path: path)
    #expect(report.isIntact && report.inProgress && report.frames == 7)
    expectOneLine(try Run.verify(["record", "--resume", path]), 1, "another process is recording")
    expectOneLine(
        try Run.verify(["record", "--ledger", path, "--overwrite"] + arguments), 1,
        "another process is recording")
    kill(process.processIdentifier, SIGCONT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(try ChainVerifier.verify(path: path).headHash == expected.headHash)
}

@Test func goldenCommandsRefuseToCheckNothing() throws {
    let empty = TestSupport.temporaryDirectory()
    expectOneLine(try Run.verify(["golden", "check"], in: empty), 1, "no such golden directory")
    try FileManager.default.createDirectory(
        atPath: empty + "/golden", withIntermediateDirectories: true)
    expectOneLine(try Run.verify(["golden", "check"], in: empty), 64, "holds no golden files")
    expectOneLine(
        try Run.verify(["golden", "check", "--directory", "/nonexistent"]), 1,
        "no such golden directory")
    let golden = TestSupport.root + "/golden"
    expectOneLine(
        try Run.verify(["golden", "check", "nosuchname", "--directory", golden]), 64,
        "no golden named 'nosuchname'")
    expectOneLine(
        try Run.verify(["golden", "update", "nosuchname", "--directory", golden]), 64,
        "no golden named 'nosuchname'")
    expectOneLine(
        try Run.verify(["golden", "add", "kills-a", "--directory", golden, "--", "--days", "1"]),
        64, "already exists")
}

@Test func aConfigFileAndAnExplicitOptionConflictEvenAtTheDefault() throws {
    let directory = TestSupport.temporaryDirectory()
    try #"{"days": 3}"#.write(toFile: directory + "/c.json", atomically: true, encoding: .utf8)
    expectOneLine(
        try Run.verify(
            [
                "record", "--config", directory + "/c.json", "--days", "30", "--ledger",
                directory + "/l",
            ]),
        64, "--days")
    expectOneLine(
        try Run.verify(["record", "--seed", "-1", "--ledger", directory + "/l"]), 64, "-1")
    expectOneLine(
        try Run.verify(["record", "--days", "-3", "--ledger", directory + "/l"]), 64, "--days")
}

@Test func compareRejectsWhatRunDidNotWrite() throws {
    let directory = TestSupport.temporaryDirectory()
    let empty = directory + "/empty.json"
    try #"{"scenario_results": []}"#.write(toFile: empty, atomically: true, encoding: .utf8)
    expectOneLine(try TestSupport.run("rtb-sim", ["compare", empty]), 64, "empty")
    let results = directory + "/results.json"
    let run = try TestSupport.run(
        "rtb-sim",
        [
            "run", "--days", "1", "--scenario", "a", "--ledger", directory + "/r", "--output",
            results,
        ])
    #expect(run.status == 0, "\(run.error)")
    let text = try String(contentsOfFile: results, encoding: .utf8)
    for (needle, replacement, field) in [
        ("\"deals\":", "\"deals\":\"many\",\"x\":", "totals.deals"),
        ("\"deals\":", "\"deals\":99999999999999999999999,\"x\":", "totals.deals"),
        ("\"take_rate\":", "\"take_rate\":1e300,\"x\":", "derived.take_rate"),
        (
            "\"buyer_surplus_micros\":", "\"buyer_surplus_micros\":1.5,\"y\":",
            "derived.buyer_surplus_micros"
        ),
    ] {
        let broken = directory + "/broken.json"
        try text.replacingOccurrences(of: needle, with: replacement).write(
            toFile: broken, atomically: true, encoding: .utf8)
        expectOneLine(try TestSupport.run("rtb-sim", ["compare", broken]), 64, field)
    }
    // Money in derived is micros, an integer of 64 bits: a surplus of $12.9M (beyond the
    // ratios' 9e12) is shown to the cent.
    let large = directory + "/large.json"
    try text.replacingOccurrences(
        of: "\"buyer_surplus_micros\":", with: "\"buyer_surplus_micros\":12894737615412,\"y\":"
    ).write(toFile: large, atomically: true, encoding: .utf8)
    let shown = try TestSupport.run("rtb-sim", ["compare", large])
    #expect(shown.status == 0, "\(shown.error)")
    #expect(shown.output.contains("12894737.62"), "\(shown.output)")
}

/// SIGINT or SIGTERM while recording: the process says what it kept and how to resume, exits
/// 130 or 143, and the ledger resumes to the uninterrupted digest.
@Test(arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
func anInterruptedRecordingSaysWhatItKept(signal: Int32, status: Int32, name: String) throws {
    let directory = TestSupport.temporaryDirectory()
    let arguments = ["--scenario", "c", "--days", "20", "--frame-bytes", "4096"]
    let path = directory + "/interrupted.ledger"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestSupport.binaries + "/rtb-verify")
    process.arguments =
        ["record", "--ledger", path, "--inject-fault", "stop@after-frame:3"] + arguments
    let errorPath = directory + "/stderr"
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    process.standardError = FileHandle(forWritingAtPath: errorPath)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    #expect(waitUntilStopped(process), "the recorder never reached its stop point")
    kill(process.processIdentifier, signal)
    kill(process.processIdentifier, SIGCONT)
    process.waitUntilExit()
    let message = try String(contentsOfFile: errorPath, encoding: .utf8)
    #expect(process.terminationStatus == status, "\(message)")
    #expect(message.contains("interrupted by \(name)") && message.contains("record --resume"))
    let prefix = try ChainVerifier.verify(path: path)
    #expect(prefix.isIntact && !prefix.finished)
    #expect(FileManager.default.fileExists(atPath: HeadFile.path(of: path)))
    #expect(try Run.verify(["record", "--resume", path]).status == 0)
    #expect(
        try Run.verify(["verify", "--trace", path, "--expect-head", HeadFile.path(of: path)]).status
            == 0)
}

/// A process killed while creating a ledger leaves its temporary file; the next creation at that
/// path removes it.
@Test func leftoversOfAKilledCreationAreRemoved() throws {
    let directory = TestSupport.temporaryDirectory()
    let killed = try Run.verify(
        ["record", "--days", "1", "--ledger", directory + "/l", "--inject-fault", "kill@creating"])
    #expect(killed.signal == SIGKILL)
    let names = try FileManager.default.contentsOfDirectory(atPath: directory)
    #expect(names.contains { $0.hasPrefix("l.creating-") })
    #expect(try Run.verify(["record", "--days", "1", "--ledger", directory + "/l"]).status == 0)
    let after = try FileManager.default.contentsOfDirectory(atPath: directory)
    #expect(!after.contains { $0.hasPrefix("l.creating-") })
}

/// Head pinning: a ledger rolled back to an earlier consistent head, or one that is longer, is
/// rejected against its head file.
@Test func aRolledBackLedgerFailsItsPinnedHead() throws {
    let directory = TestSupport.temporaryDirectory()
    let path = directory + "/pinned.ledger"
    #expect(
        try Run.verify(
            ["record", "--scenario", "b", "--days", "2", "--frame-bytes", "2048", "--ledger", path]
        ).status == 0)
    let pin = HeadFile.path(of: path)
    #expect(try Run.verify(["verify", "--trace", path, "--expect-head", pin]).status == 0)
    let rolled = directory + "/rolled.ledger"
    try TestSupport.copy(path, to: rolled)
    try TestSupport.tamper(rolled, "truncate-chain", "5")
    #expect(try ChainVerifier.verify(path: rolled).isIntact, "a consistent earlier head")
    expectOneLine(
        try Run.verify(["verify", "--trace", rolled, "--expect-head", pin]), 12, "shorter")
    let digest = try ChainVerifier.verify(path: rolled).headHash.hex
    expectOneLine(
        try Run.verify(["verify", "--trace", path, "--expect-head", digest]), 12, "longer")
    // A digest pasted in upper case is the same digest.
    let upper = try ChainVerifier.verify(path: path).headHash.hex.uppercased()
    #expect(try Run.verify(["verify", "--trace", path, "--expect-head", upper]).status == 0)
}

@Test func aVerifiedPrefixIgnoresCheckpointsTakenAfterIt() throws {
    // A recording in progress commits frames and checkpoints after verify has read its head:
    // checking the prefix below that head must not trip over the newer checkpoints.
    let store = try LedgerStore.open(path: TestSupport.root + "/traces/fixture-v1.ledger")
    let checkpoints = try store.checkpointIndex().map(\.frameCount)
    #expect(checkpoints.contains { $0 > 5 }, "the fixture needs a checkpoint past frame 5")
    let report = try ChainVerifier.verify(store: store, upTo: 5, counter: nil, threads: 1)
    #expect(report.problem == nil, "\(report.problem ?? "")")
    #expect(report.frames == 5 && report.checkpoints == checkpoints.filter { $0 <= 5 }.count)
}
