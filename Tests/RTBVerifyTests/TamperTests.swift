import Foundation
import Testing
import RTBCore
import RTBEvents
import RTBTrace
import RTBLedger
import RTBMarket
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// One recorded ledger shared by the tamper tests (each works on its own copy).
enum TamperFixture {
    static let directory = TestSupport.temporaryDirectory()
    static let original: String = {
        try! TestSupport.record(
            TestSupport.smallConfig(seed: 21, days: 3), in: directory, name: "original.ledger"
        ).path
    }()
    static let other: String = {
        try! TestSupport.record(
            TestSupport.smallConfig(seed: 22, days: 3), in: directory, name: "other.ledger"
        ).path
    }()

    static func copy(_ name: String) throws -> String {
        let path = directory + "/" + name + ".ledger"
        try TestSupport.copy(original, to: path)
        return path
    }

    /// The problem verify reports, or the error opening it, as (exit code, text).
    static func verdict(_ path: String) -> (Int32, String) {
        do {
            let report = try ChainVerifier.verify(path: path)
            return report.problem.map { (12, $0) } ?? (0, "intact")
        } catch {
            return (error.exitCode, error.description)
        }
    }
}

@Test func aCleanLedgerIsIntact() throws {
    let report = try ChainVerifier.verify(path: TamperFixture.original, deep: true)
    #expect(report.isIntact)
    #expect(report.finished)
    #expect(report.checkpoints > 0)
}

@Test(arguments: [
    ("frames", "payload", 3, 40),
    ("frames", "hash", 2, 7),
    ("frames", "prev_hash", 5, 31),
    ("checkpoints", "payload", 1, 100),
    ("checkpoints", "state_digest", 1, 0),
    ("checkpoints", "frame_hash", 0, 3),
    ("header", "header_bytes", 0, 30),
    ("header", "genesis_hash", 0, 9),
    ("head", "head_hash", 0, 4),
])
func oneChangedByteIsDetected(table: String, column: String, row: Int, offset: Int) throws {
    let path = try TamperFixture.copy("flip-\(table)-\(column)")
    try TestSupport.tamper(path, "flip", table, column, String(row), String(offset))
    let (code, message) = TamperFixture.verdict(path)
    #expect(code == 12, "\(table).\(column): \(message)")
}

@Test func structuralTamperingIsLocated() throws {
    let cases: [(String, [String], String)] = [
        ("swap", ["swap-frames", "3", "4"], "frame 3"),
        ("delete", ["delete-frame", "4"], "frame"),
        ("truncate", ["truncate-payload", "2"], "frame 2"),
        ("garbage", ["garbage-payload", "6"], "frame 6"),
        ("head-back", ["head-back"], "head moved back"),
        ("graft", ["graft-frame", TamperFixture.other], "frame"),
        ("index-max", ["reindex-frame", "5", "9223372036854775807"], "frame 6: expected frame 5"),
        (
            "index-min", ["reindex-frame", "0", "-9223372036854775808"],
            "frame -9223372036854775808"
        ),
    ]
    _ = TamperFixture.other
    for (name, arguments, location) in cases {
        let path = try TamperFixture.copy(name)
        let result = try TestSupport.run(
            "/usr/bin/env",
            ["python3", TestSupport.root + "/Tests/Fixtures/tamper.py", path] + arguments)
        #expect(result.status == 0, "\(name): \(result.error)")
        let (code, message) = TamperFixture.verdict(path)
        #expect(code == 12, "\(name): \(message)")
        #expect(message.contains(location), "\(name): \(message)")
    }
}

@Test func unreadableAndForeignFilesAreReportedWithTheirExitCodes() throws {
    let directory = TestSupport.temporaryDirectory()
    #expect(TamperFixture.verdict(directory + "/missing.ledger").0 == 1)
    #expect(TamperFixture.verdict(directory).0 == 1)
    let garbage = directory + "/garbage.ledger"
    try Data((0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(
        to: URL(fileURLWithPath: garbage))
    #expect(
        TamperFixture.verdict(garbage) == (12, "\(garbage): not a ledger (not an SQLite database)"))
    let foreign = directory + "/foreign.sqlite"
    let made = try TestSupport.run(
        "/usr/bin/env",
        [
            "python3", "-c",
            "import sqlite3; db = sqlite3.connect('\(foreign)'); db.execute('CREATE TABLE t (x)'); db.commit()",
        ])
    #expect(made.status == 0)
    let verdict = TamperFixture.verdict(foreign)
    #expect(verdict.0 == 12 && verdict.1.contains("not a rtb-verify ledger"))
}

@Test func futureFormatsAreRefused() throws {
    let version = try TamperFixture.copy("future-version")
    try TestSupport.tamper(version, "format-version", "3")
    let versionVerdict = TamperFixture.verdict(version)
    #expect(versionVerdict.0 == 12 && versionVerdict.1.contains("unsupported ledger version"))
    let migration = try TamperFixture.copy("future-migration")
    try TestSupport.tamper(migration, "future-migration")
    let migrationVerdict = TamperFixture.verdict(migration)
    #expect(migrationVerdict.0 == 12 && migrationVerdict.1.contains("unsupported ledger version"))
}

@Test func theDatabaseItselfRefusesUpdatesAndDeletes() throws {
    let path = try TamperFixture.copy("triggers")
    for statement in [
        "UPDATE frames SET codec = 2 WHERE frame_index = 0",
        "DELETE FROM frames WHERE frame_index = 1",
        "DELETE FROM checkpoints", "UPDATE header SET format_version = 1",
        "UPDATE head SET frame_count = 1",
        "INSERT INTO frames SELECT 999, 0, 0, 0, prev_hash, hash, 1, x'00' FROM frames LIMIT 1",
    ] {
        let result = try TestSupport.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sqlite3,sys\ntry:\n sqlite3.connect('\(path)').execute(\"\(statement)\")\nexcept sqlite3.DatabaseError as e:\n print(e); sys.exit(3)",
            ])
        #expect(result.status == 3, "\(statement) was accepted")
        #expect(result.output.contains("append-only"), "\(statement): \(result.output)")
    }
    #expect(TamperFixture.verdict(path).0 == 0)
}

@Test func recordingIntoAnExistingLedgerIsRefused() throws {
    let config = TestSupport.smallConfig(seed: 21, days: 1)
    #expect(throws: LedgerError.alreadyExists(path: TamperFixture.original)) {
        try recordMarket(config, path: TamperFixture.original)
    }
}

@Test func valuesOfTheWrongTypeADamagedSchemaAndAMissingCheckpointAreReported() throws {
    let store = try LedgerStore.open(path: TamperFixture.original)
    let checkpoints = try store.checkpointIndex().map(\.frameCount)
    let interior = try #require(checkpoints.dropLast().last)
    let cases: [(String, [String], String)] = [
        (
            "text-payload", ["column-type", "frames", "payload", "2"],
            "frame 2: a value does not have"
        ),
        (
            "text-state", ["column-type", "checkpoints", "payload", "0"],
            "checkpoint after frame count \(checkpoints[0]): a value does not have"
        ),
        (
            "text-head", ["column-type", "head", "market_digest", "0"],
            "head 1: a value does not have"
        ),
        ("no-checkpoints", ["drop-table", "checkpoints"], "damaged schema"),
        (
            "missing-checkpoint", ["delete-checkpoint", String(interior)],
            "checkpoint after frame \(interior - 1): missing"
        ),
    ]
    for (name, arguments, location) in cases {
        let path = try TamperFixture.copy(name)
        try TestSupport.tamper(path, arguments[0], Array(arguments.dropFirst()))
        let (code, message) = TamperFixture.verdict(path)
        #expect(code == 12, "\(name): \(message)")
        #expect(message.contains(location), "\(name): \(message)")
        let verified = try TestSupport.run("rtb-verify", ["verify", "--trace", path])
        #expect(verified.status == 12, "\(name): \(verified.error)")
        #expect(verified.error.split(separator: "\n").count == 1, "\(name): \(verified.error)")
        // The independent reader reaches the same verdict at the same place.
        let independent = try TestSupport.run(
            "/usr/bin/env", ["python3", TestSupport.root + "/tools/ledger_reader.py", path])
        #expect(independent.status == 12, "\(name): \(independent.output)")
        #expect(independent.output.contains(location), "\(name): \(independent.output)")
    }
}

@Test func deepVerificationRecomputesTheMarketDigest() throws {
    let path = try TamperFixture.copy("market-digest")
    try TestSupport.tamper(path, "flip", "head", "market_digest", "0", "7")
    #expect(try TestSupport.run("rtb-verify", ["verify", "--trace", path]).status == 0)
    let deep = try TestSupport.run("rtb-verify", ["verify", "--trace", path, "--deep"])
    #expect(deep.status == 12, "\(deep.output) \(deep.error)")
    #expect((deep.output + deep.error).contains("market digest"), "\(deep.output) \(deep.error)")
}
