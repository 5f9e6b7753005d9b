import Foundation
import Testing
import RTBCore
import RTBLedger
import RTBEvents
import RTBTrace
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

@Test func helpListsEverySubcommandAndEachHasHelp() throws {
    let sim = try TestSupport.run("rtb-sim", ["--help"])
    #expect(sim.status == 0)
    for subcommand in ["run", "compare"] {
        #expect(sim.output.contains(subcommand))
        #expect(try TestSupport.run("rtb-sim", [subcommand, "--help"]).status == 0)
    }
    let verify = try TestSupport.run("rtb-verify", ["--help"])
    #expect(verify.status == 0)
    for subcommand in ["record", "verify", "dump"] {
        #expect(verify.output.contains(subcommand))
        #expect(try TestSupport.run("rtb-verify", [subcommand, "--help"]).status == 0)
    }
}

@Test func versionNamesEngineAndLedgerFormat() throws {
    for tool in ["rtb-sim", "rtb-verify"] {
        let result = try TestSupport.run(tool, ["--version"])
        #expect(result.status == 0)
        #expect(result.output.contains("engine \(BuildInfo.engineVersion)"))
        #expect(result.output.contains("ledger formats 1-\(BuildInfo.ledgerFormatVersion)"))
    }
}

@Test(arguments: [
    (["run", "--bogus"], "Unknown option '--bogus'"),
    (["run", "--scenario", "a,x"], "--scenario"),
    (["run", "--days", "0"], "--days"),
    (["run", "--days", "100000"], "--days"),
    (["run", "--buyers", "0"], "--buyers"),
    (["run", "--sellers", "0"], "--sellers"),
    (["run", "--fee", "25%"], "--fee"),
    (["run", "--fee", "9%"], "--fee"),
    // A negative decimal is the option's value, refused as one (not "missing value").
    (["run", "--fee", "-5%"], "invalid --fee '-5%'"),
    (["run", "--rot-rate", "-0.1"], "invalid --rot-rate '-0.1'"),
    (["run", "--decay-rate", "-0.5"], "invalid --decay-rate '-0.5'"),
    (["run", "--restart-rate", "-1"], "invalid --restart-rate '-1'"),
    (["run", "--hallucination-rate", "-0.1"], "invalid --hallucination-rate '-0.1'"),
    (["run", "--platform-fee", "-0.05"], "invalid --platform-fee '-0.05'"),
    (["run", "--seed", "99999999999999999999999"], "--seed"),
    (["run", "--volume", "huge"], "--volume"),
    (["run", "--mechanism", "dutch"], "--mechanism"),
    (["run", "--kill", "buyer-009@d1"], "--kill"),
    (["run", "--kill", "buyer-001@d99"], "--kill"),
    (["compare", "x.json", "--format", "pdf"], "--format"),
])
func badOptionsExit64WithOneLine(arguments: [String], mentions: String) throws {
    let result = try TestSupport.run("rtb-sim", arguments)
    #expect(result.status == 64, "\(arguments): \(result.error)")
    #expect(result.error.split(separator: "\n").count == 1, "\(arguments): \(result.error)")
    #expect(result.error.contains(mentions), "\(arguments): \(result.error)")
    #expect(result.output.isEmpty)
}

@Test func configFilesNameTheFileAndKey() throws {
    let directory = TestSupport.temporaryDirectory()
    let unknown = directory + "/unknown.json"
    try Data(#"{"days": 2, "buyerz": 3}"#.utf8).write(to: URL(fileURLWithPath: unknown))
    let result = try TestSupport.run("rtb-sim", ["run", "--config", unknown])
    #expect(result.status == 64)
    #expect(result.error.contains(unknown) && result.error.contains("'buyerz'"))
    let malformed = directory + "/malformed.json"
    try Data(#"{"days": "many"}"#.utf8).write(to: URL(fileURLWithPath: malformed))
    let second = try TestSupport.run("rtb-sim", ["run", "--config", malformed])
    #expect(second.status == 64 && second.error.contains("'days'"))
    let missing = try TestSupport.run("rtb-sim", ["run", "--config", directory + "/none.json"])
    #expect(missing.status == 1)
}

@Test func coreVectorsAreTheSameInASecondProcess() throws {
    let result = try TestSupport.run("rtb-verify", ["vectors"])
    #expect(result.status == 0)
    #expect(result.output.split(separator: "\n").map(String.init) == CoreVectors.lines())
}

@Test func twoProcessesWithTheSameSeedWriteIdenticalResults() throws {
    let directory = TestSupport.temporaryDirectory()
    func run(_ name: String, seed: String, deterministicHashing: Bool) throws -> (
        json: Data, output: String
    ) {
        var environment = ProcessInfo.processInfo.environment
        if deterministicHashing {
            environment["SWIFT_DETERMINISTIC_HASHING"] = "1"
        } else {
            environment.removeValue(forKey: "SWIFT_DETERMINISTIC_HASHING")
        }
        let result = try TestSupport.run(
            "rtb-sim",
            [
                "run", "--days", "4", "--seed", seed, "--ledger", directory + "/\(name).ledger",
                "--output", directory + "/\(name).json",
            ], environment: environment)
        #expect(result.status == 0, "\(result.error)")
        return (
            try Data(contentsOf: URL(fileURLWithPath: directory + "/\(name).json")), result.output
        )
    }
    let first = try run("first", seed: "8", deterministicHashing: false)
    let second = try run("second", seed: "8", deterministicHashing: true)
    let other = try run("other", seed: "9", deterministicHashing: false)
    #expect(first.json == second.json)
    #expect(first.json != other.json)
    func digest(_ output: String) -> Substring? {
        output.split(separator: "\n").first { $0.hasPrefix("run digest:") }
    }
    #expect(digest(first.output) != nil && digest(first.output) == digest(second.output))
    #expect(digest(first.output) != digest(other.output))
    let compared = try TestSupport.run(
        "rtb-sim", ["compare", directory + "/first.json", "--format", "json"])
    #expect(compared.status == 0)
    #expect(Data(compared.output.utf8) == first.json)
}

@Test func dumpPrintsOneEventPerLineInBothFormats() throws {
    let directory = TestSupport.temporaryDirectory()
    let (path, _) = try TestSupport.record(TestSupport.smallConfig(seed: 3, days: 1), in: directory)
    let text = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", path, "--from", "5", "--count", "3"])
    #expect(text.status == 0)
    let lines = text.output.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix("seq=5 scenario="))
    let json = try TestSupport.run("rtb-verify", ["dump", "--trace", path, "--format", "jsonl"])
    let objects = try json.output.split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    #expect(objects.count > 100)
    #expect(objects.enumerated().allSatisfy { ($1["seq"] as? Int) == $0 })
    #expect(objects[0]["kind"] as? String == "RunStarted")
    let missing = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", directory + "/none.ledger"])
    #expect(missing.status == 1 && missing.error.split(separator: "\n").count == 1)
}

/// `rtb-sim run` without --ledger rewrites its config-named ledger when the same run repeats,
/// but never one recorded with other options (or interrupted) unless --overwrite is given.
@Test func runReplacesOnlyAFinishedRecordingOfTheSameRun() throws {
    let directory = TestSupport.temporaryDirectory()
    let first = try TestSupport.run("rtb-sim", ["run", "--days", "2"], in: directory)
    #expect(first.status == 0, "\(first.error)")
    let again = try TestSupport.run("rtb-sim", ["run", "--days", "2"], in: directory)
    #expect(again.status == 0, "\(again.error)")
    let other = try TestSupport.run(
        "rtb-sim", ["run", "--days", "2", "--frame-bytes", "8192"], in: directory)
    #expect(other.status == 64 && other.error.contains("--overwrite"), "\(other.error)")
    let forced = try TestSupport.run(
        "rtb-sim", ["run", "--days", "2", "--frame-bytes", "8192", "--overwrite"], in: directory)
    #expect(forced.status == 0, "\(forced.error)")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/traces")
    #expect(files.filter { $0.hasSuffix(".ledger") }.count == 1)
}
