import BankModel
import Foundation
import Testing
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBModels
import RTBRunning
import RTBTestSupport
import RTBTrace

/// The minimal test model goes through the whole harness, which knows it only through the
/// contract and one registration line (`Tests/rtb-test-model/main.swift`, and the in-process
/// registration below).
enum Bank {
    static let registered: Void = ModelRegistry.register(BankModel.self)

    static func config(steps: Int = 3_000, oracle: Bool = false, seed: UInt64 = 3) -> BankConfig {
        var config = BankConfig()
        config.seed = seed
        config.accounts = 5
        config.steps = steps
        config.oracle = oracle
        return config
    }

    /// Writes `config` as the JSON file `record --model test-bank --config` reads.
    static func configFile(_ config: BankConfig, in directory: String) throws -> String {
        let path = directory + "/bank.json"
        let text =
            "{\"seed\": \(config.seed), \"accounts\": \(config.accounts), \"steps\": \(config.steps), "
            + "\"opening_balance\": \(config.openingBalance), \"oracle\": \(config.oracle)}"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let layout = ["--frame-bytes", "2048", "--checkpoint-every", "3"]

    /// `rtb-test-model record` of `config` into `path`, with more arguments.
    @discardableResult
    static func record(_ config: BankConfig, path: String, _ more: [String] = []) throws
        -> TestSupport.ProcessResult
    {
        let file = try configFile(config, in: (path as NSString).deletingLastPathComponent)
        return try TestSupport.run(
            "rtb-test-model",
            ["record", "--model", "test-bank", "--config", file, "--ledger", path] + layout + more)
    }
}

@Test func theTestModelIsRecordedVerifiedReplayedAndCheckedThroughTheHarness() throws {
    let directory = TestSupport.temporaryDirectory()
    let path = directory + "/bank.ledger"
    let recorded = try Bank.record(Bank.config(), path: path)
    #expect(recorded.status == 0, "\(recorded.error)")
    let store = try LedgerStore.open(path: path)
    #expect(store.header.formatVersion == 2)
    #expect(store.header.model == ModelIdentity(name: "test-bank", version: 1))
    let verified = try TestSupport.run("rtb-test-model", ["verify", "--trace", path, "--deep"])
    #expect(verified.status == 0 && verified.output.hasPrefix("intact: "), "\(verified.error)")
    let replayed = try TestSupport.run("rtb-test-model", ["replay", "--trace", path])
    #expect(replayed.status == 0 && replayed.output.contains("identical"), "\(replayed.output)")
    let checked = try TestSupport.run("rtb-test-model", ["check", "--trace", path])
    #expect(checked.status == 0 && checked.output.contains("no violations"), "\(checked.output)")
    let dumped = try TestSupport.run(
        "rtb-test-model", ["dump", "--trace", path, "--count", "2", "--format", "jsonl"])
    #expect(dumped.output.hasPrefix("{\"seq\":0,\"tick\":0,\"kind\":\"AccountOpened\""))
    // dump --kind, export and report read any model's ledger.
    let transfers = try TestSupport.run(
        "rtb-test-model", ["dump", "--trace", path, "--kind", "Transfer", "--count", "3"])
    #expect(transfers.output.split(separator: "\n").allSatisfy { $0.contains("kind=Transfer") })
    let exported = try TestSupport.run(
        "rtb-test-model", ["export", "--trace", path, "--output", directory + "/tables"])
    #expect(exported.status == 0 && exported.output.contains("transfer.csv"), "\(exported.error)")
    let report = try TestSupport.run(
        "rtb-test-model", ["report", "--trace", path, "--format", "json"])
    #expect(report.status == 0 && report.output.contains("\"id\":\"events-by-kind\""))
    #expect(report.output.contains("\"value\":\"intact, finished\""))
    // The independent reader finds the model's schema from the header's model name.
    let reader = try TestSupport.run(
        "/usr/bin/env", ["python3", TestSupport.root + "/tools/ledger_reader.py", path, "--json"])
    #expect(reader.status == 0 && reader.output.contains("\"model\": \"test-bank\""))
    #expect(reader.output.contains(verified.output.dropFirst(8).prefix(64)))
}

/// A planted divergence is named at its event, by full replay and by bisection.
@Test func aPlantedDivergenceInTheTestModelIsFoundAtItsEvent() throws {
    _ = Bank.registered
    let path = TestSupport.temporaryDirectory() + "/bank.ledger"
    var settings = RecordingSettings(
        layout: FrameLayout(frameTargetBytes: 2_048, checkpointEveryFrames: 3))
    settings.canary = nil
    let (outcome, _) = try Recording.record(
        BankModel.self, config: Bank.config(), path: path, settings: settings)
    let replayer = try Replayer(path: path)
    #expect(try replayer.replay(ReplayOptions()).runDigest == outcome.runDigest)
    for target: UInt64 in [1, outcome.events / 2, outcome.events - 1] {
        let planted = try replayer.replay(ReplayOptions(perturbation: .event(target)))
        #expect(planted.divergence?.sequence == target)
        let bisected = try replayer.replay(ReplayOptions(bisect: true, perturbation: .from(target)))
        #expect(bisected.divergence?.sequence == target)
        #expect(bisected.segmentsRerun > 0)
    }
    let cli = try TestSupport.run(
        "rtb-test-model", ["replay", "--trace", path, "--perturb-event", "1234"])
    #expect(cli.status == 10 && cli.output.hasPrefix("divergence at event 1234"))
}

/// Each canary of the test model is caught by its checker, naming the event.
@Test(arguments: [("overdraw", "no-overdraft"), ("leak", "money-conserved")])
func theTestModelsCanariesAreCaught(canary: String, invariant: String) throws {
    let path = TestSupport.temporaryDirectory() + "/bank.ledger"
    let recorded = try Bank.record(Bank.config(steps: 200), path: path, ["--canary", canary])
    #expect(recorded.status == 0, "\(recorded.error)")
    let checked = try TestSupport.run("rtb-test-model", ["check", "--trace", path])
    #expect(checked.status == 11)
    #expect(checked.output.contains("first violation: event "), "\(checked.output)")
    #expect(checked.output.contains(": \(invariant): "), "\(checked.output)")
}

@Test func aCanaryOfAnotherModelIsRefusedBeforeTheOldLedgerIsReplaced() throws {
    let path = TestSupport.temporaryDirectory() + "/bank.ledger"
    #expect(try Bank.record(Bank.config(steps: 200), path: path).status == 0)
    let before = try LedgerStore.open(path: path).head()?.headHash
    let refused = try Bank.record(
        Bank.config(steps: 300), path: path, ["--overwrite", "--canary", "overspend"])
    #expect(refused.status == 64, "\(refused.error)")
    #expect(
        refused.error.contains("invalid --canary 'overspend' for test-bank"), "\(refused.error)")
    #expect(try LedgerStore.open(path: path).head()?.headHash == before)
}

/// SIGKILL at seeded write transactions, then `record --resume`: the same head hash as an
/// uninterrupted recording, every committed frame unchanged.
@Test func aKilledRecordingOfTheTestModelResumesToTheSameDigest() throws {
    let directory = TestSupport.temporaryDirectory()
    let baseline = directory + "/baseline.ledger"
    #expect(try Bank.record(Bank.config(), path: baseline).status == 0)
    let expected = try ChainVerifier.verify(path: baseline)
    var random = RandomStream(seed: 77, key: StreamKey("bank-kill-points"))
    for attempt in 0..<4 {
        let path = directory + "/killed-\(attempt).ledger"
        let frame = random.int(in: 1...(expected.frames - 2))
        let killed = try Bank.record(
            Bank.config(), path: path, ["--inject-fault", "kill@after-frame:\(frame)"])
        #expect(killed.signal == SIGKILL, "\(killed.error)")
        let prefix = try ChainVerifier.verify(path: path)
        #expect(prefix.isIntact && !prefix.finished && prefix.frames == frame + 1)
        let resumed = try TestSupport.run("rtb-test-model", ["record", "--resume", path])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(try ChainVerifier.verify(path: path).headHash == expected.headHash)
    }
}

/// Decisions from outside the engine: the oracle answers differently in every process, yet the
/// recording replays bit for bit without a source (every answer comes from its recorded event),
/// the latencies are kept as measurements outside the digest, and a resumed recording re-derives
/// its committed frames from the recorded answers before asking the oracle again.
@Test func outsideDecisionsAreRecordedAndNeverAskedAgain() throws {
    _ = Bank.registered
    let directory = TestSupport.temporaryDirectory()
    let config = Bank.config(steps: 2_000, oracle: true)
    let first = directory + "/first.ledger"
    let second = directory + "/second.ledger"
    #expect(try Bank.record(config, path: first).status == 0)
    #expect(try Bank.record(config, path: second).status == 0)
    let digests = try [first, second].map { try ChainVerifier.verify(path: $0).headHash }
    #expect(digests[0] != digests[1], "the oracle answers differently in each process")
    // Replay has no live source: any question not answered by the recording would fail it.
    let replayed = try Replayer(path: first).replay(ReplayOptions())
    #expect(replayed.divergence == nil && replayed.runDigest == digests[0])
    let measured = try LedgerStore.open(path: first).measurements()
    #expect(measured.filter { $0.name == "decision.latency" }.count == 2_000)
    #expect(measured.filter { $0.name == "decision.asked" }.allSatisfy { $0.value == 1 })
    #expect(measured.count == 4_000)
    // Resume after a kill: the re-derived frames use the recorded answers (any other answer
    // would make the resumed run differ from the stored frames and be refused).
    let killed = directory + "/killed.ledger"
    let result = try Bank.record(config, path: killed, ["--inject-fault", "kill@after-frame:40"])
    #expect(result.signal == SIGKILL)
    let before = try ChainVerifier.verify(path: killed)
    let resumed = try TestSupport.run("rtb-test-model", ["record", "--resume", killed])
    #expect(resumed.status == 0, "\(resumed.error)")
    let after = try ChainVerifier.verify(path: killed)
    #expect(after.isIntact && after.finished && after.frames > before.frames)
    var prefix: [Digest32] = []
    try LedgerStore.open(path: killed).forEachFrame {
        prefix.append($0.hash)
        return prefix.count < before.frames
    }
    #expect(prefix.last == before.headHash)
    let checked = try TestSupport.run("rtb-test-model", ["check", "--trace", killed])
    #expect(checked.status == 0, "\(checked.output)")
}

/// A ledger of a model this binary does not know, or of a newer version of one it knows, is
/// refused in one line naming both, exit 12, and nothing is written.
@Test func unknownModelsAndNewerVersionsAreRefused() throws {
    let directory = TestSupport.temporaryDirectory()
    let path = directory + "/bank.ledger"
    #expect(try Bank.record(Bank.config(steps: 100), path: path).status == 0)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    for command in [
        ["replay", "--trace", path], ["check", "--trace", path], ["record", "--resume", path],
    ] {
        let result = try TestSupport.run("rtb-verify", command)
        #expect(result.status == 12, "\(command): \(result.error)")
        #expect(result.error.split(separator: "\n").count == 1)
        #expect(result.error.contains("model test-bank 1") && result.error.contains("rtb-market 1"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes, "\(command) wrote")
    }
    try TestSupport.tamper(path, "model-version", "2")
    let newer = try TestSupport.run("rtb-test-model", ["replay", "--trace", path])
    #expect(newer.status == 12 && newer.error.contains("model test-bank 2"), "\(newer.error)")
    #expect(newer.error.contains("test-bank 1 or older"))
    // An older version replays (with a warning) but never continues an interrupted recording:
    // its rules may differ from this binary's.
    let older = directory + "/older.ledger"
    let killed = try Bank.record(
        Bank.config(), path: older, ["--inject-fault", "kill@after-frame:2"])
    #expect(killed.signal == SIGKILL, "\(killed.error)")
    try TestSupport.tamper(older, "model-version", "0")
    let olderBytes = try Data(contentsOf: URL(fileURLWithPath: older))
    let resumed = try TestSupport.run("rtb-test-model", ["record", "--resume", older])
    #expect(resumed.status == 12, "\(resumed.error)")
    #expect(
        resumed.error.contains("model test-bank 0") && resumed.error.contains("refusing to resume"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: older)) == olderBytes)
}

/// The committed format-2 fixture (tools/make-fixtures.sh): the test model with recorded
/// oracle answers still verifies, decodes, checks and replays to its pinned digest (recorded by
/// engine 0.1.0: its events and frames are compared, a strict replay refuses it).
@Test func theCommittedFormatTwoFixtureStillVerifiesChecksAndReplays() throws {
    _ = Bank.registered
    let path = TestSupport.temporaryDirectory() + "/fixture-bank-v2.ledger"
    try TestSupport.copy(TestSupport.root + "/traces/fixture-bank-v2.ledger", to: path)
    let chain = try ChainVerifier.verify(path: path, deep: true)
    #expect(chain.isIntact && chain.finished)
    #expect(
        chain.headHash.hex == "debb8deaeb7e36d962419b29817e29a2a0dbc36dd92ba6d112c6aa57ff667b4b")
    #expect(chain.frames == 16 && chain.events == 605 && chain.checkpoints == 8)
    #expect(try LedgerChecker.check(path: path).tally.totalViolations == 0)
    #expect(throws: LedgerRunError.self) {
        try Replayer(path: path).replay(ReplayOptions(strict: true))
    }
    let replay = try Replayer(path: path).replay(ReplayOptions())
    #expect(replay.engineWarning?.contains("recorded by engine 0.1.0") == true)
    #expect(replay.divergence == nil && replay.runDigest == chain.headHash)
}
