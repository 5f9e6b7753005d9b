import Foundation
import RTBCore
import RTBIntegrity
import RTBLLM
import RTBLedger
import RTBRunning
import RTBTestSupport
import Testing

/// The loopback stand-in for the providers' APIs (Tests/Fixtures/llm_server.py), started by the
/// test on 127.0.0.1 and stopped when done. No test touches any other address.
final class LoopbackLLM {
    let process = Process()
    let port: Int

    init(_ arguments: [String] = []) throws {
        let directory = TestSupport.temporaryDirectory()
        let portFile = directory + "/port"
        FileManager.default.createFile(atPath: portFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", TestSupport.root + "/Tests/Fixtures/llm_server.py"] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: portFile)
        process.standardError = FileHandle.nullDevice
        try process.run()
        var found: Int?
        for _ in 0..<600 where found == nil {
            let text = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first { found = Int(line) }
            if found == nil { usleep(20_000) }  // timing-ok: waiting for the server's port line
        }
        guard let found else { throw LLMTestError("the loopback server did not start") }
        port = found
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The server's own counts.
    func stats() throws -> (
        requests: Int, answered: Int, input: Int, output: Int, maxInFlight: Int, batched: Int
    ) {
        let fetched = try TestSupport.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('\(url)/stats').read().decode())",
            ])
        let numbers = fetched.output.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard numbers.count == 6 else { throw LLMTestError("stats: \(fetched.output)") }
        return (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5])
    }

    /// `rtb-verify ARGUMENTS` with the llm policy pointed at this server.
    func verify(
        _ arguments: [String], provider: String = "anthropic", extra: [String: String] = [:]
    )
        throws -> TestSupport.ProcessResult
    {
        var environment = ProcessInfo.processInfo.environment
        for name in environment.keys where name.hasPrefix("RTB_LLM") || name.hasSuffix("_API_KEY") {
            environment[name] = nil
        }
        environment["RTB_LLM_API_KEY"] = "test-key"
        environment["RTB_LLM_BASE_URL"] = url
        environment["RTB_LLM_PROVIDER"] = provider
        for (name, value) in extra { environment[name] = value }
        return try TestSupport.run("rtb-verify", arguments, environment: environment)
    }
}

struct LLMTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum LLMRun {
    static let record = ["record", "--policy", "llm", "--days", "1", "--frame-bytes", "8192"]
    /// One call in flight at a time: the server's request numbers (its scripted faults and
    /// changes) then name the same decisions in every run.
    static let oneAtATime = ["RTB_LLM_CONCURRENCY": "1"]

    static func decisions(_ path: String) throws -> Int {
        let dumped = try TestSupport.run(
            "rtb-verify", ["dump", "--trace", path, "--kind", "Decision"])
        return dumped.output.split(separator: "\n").count
    }
}

/// A run against the server in each API shape records every call; the cost report equals the
/// server's own count of requests and tokens; with the server stopped, replay is identical.
@Test(arguments: ["anthropic", "openai"])
func anLLMRunRecordsEveryCallAndReplaysOffline(provider: String) throws {
    let server = try LoopbackLLM()
    let path = TestSupport.temporaryDirectory() + "/llm.ledger"
    let recorded = try server.verify(
        LLMRun.record + ["--ledger", path, "--json"], provider: provider)
    #expect(recorded.status == 0, "\(recorded.error)")
    let stats = try server.stats()
    let costs = try #require(try LLMUsage(store: LedgerStore.open(path: path)))
    #expect(costs.calls == stats.requests && stats.requests == stats.answered)
    #expect(costs.inputTokens == stats.input && costs.outputTokens == stats.output)
    let decisions = try LLMRun.decisions(path)
    #expect(costs.fallbacks == 0 && costs.calls == decisions)
    #expect(recorded.output.contains("\"llm\":{\"cache_hits\":0,\"calls\":\(costs.calls)"))
    server.stop()
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 0, "\(checked.output)")
}

/// 429 and 500 are retried (Retry-After honoured), a truncated body is retried, an invalid
/// answer falls back to the rules and says so; the run finishes and the counts still agree.
@Test func faultsAreRetriedAndInvalidAnswersFallBack() throws {
    let server = try LoopbackLLM(["--fault", "429@2,500@4,truncated@6,invalid@8"])
    let path = TestSupport.temporaryDirectory() + "/faults.ledger"
    let recorded = try server.verify(LLMRun.record + ["--ledger", path], extra: LLMRun.oneAtATime)
    #expect(recorded.status == 0, "\(recorded.error)")
    let stats = try server.stats()
    let costs = try #require(try LLMUsage(store: LedgerStore.open(path: path)))
    let decisions = try LLMRun.decisions(path)
    #expect(stats.requests == decisions + 3, "\(stats) for \(decisions) decisions")
    #expect(costs.calls == decisions && costs.fallbacks == 1)
    #expect(costs.inputTokens == stats.input && costs.outputTokens == stats.output)
    let fallback = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", path, "--kind", "Decision", "--count", "10"])
    #expect(fallback.output.split(separator: "\n").filter { $0.contains(":fallback") }.count == 1)
    #expect(
        recorded.output.contains("1 invalid answers replaced by the rules"), "\(recorded.output)")
}

/// A missing key, an unknown model, an unreachable endpoint, a server that never answers: one
/// line, exit 1, never a hang; a missing key writes no ledger.
@Test func llmSetupErrorsAreOneLineAndExitOne() throws {
    let directory = TestSupport.temporaryDirectory()
    let server = try LoopbackLLM(["--known-models", "some-other-model", "--fault", "hang@1"])
    let missing = try server.verify(
        LLMRun.record + ["--ledger", directory + "/a.ledger"], extra: ["RTB_LLM_API_KEY": ""])
    #expect(missing.status == 1 && missing.error.contains("needs an API key"), "\(missing.error)")
    #expect(!FileManager.default.fileExists(atPath: directory + "/a.ledger"))
    let hung = try server.verify(
        LLMRun.record + ["--ledger", directory + "/b.ledger"],
        extra: ["RTB_LLM_TIMEOUT": "1", "RTB_LLM_RETRIES": "0", "RTB_LLM_CONCURRENCY": "1"])
    #expect(hung.status == 1 && hung.error.contains("timed out"), "\(hung.error)")
    let unknown = try server.verify(LLMRun.record + ["--ledger", directory + "/c.ledger"])
    #expect(unknown.status == 1, "\(unknown.error)")
    #expect(
        unknown.error.contains("HTTP 404") && unknown.error.contains("not found"),
        "\(unknown.error)")
    server.stop()
    let unreachable = try server.verify(
        LLMRun.record + ["--ledger", directory + "/d.ledger"], extra: ["RTB_LLM_RETRIES": "1"])
    #expect(
        unreachable.status == 1 && unreachable.error.contains("cannot reach"),
        "\(unreachable.error)")
    for result in [missing, hung, unknown, unreachable] {
        #expect(result.error.split(separator: "\n").count == 1, "\(result.error)")
    }
}

/// Killed after a seeded frame, then resumed against the same server: the digest of an
/// uninterrupted run, and the resumed process asks only the decisions the prefix did not record.
/// A budget stop resumes the same way.
@Test func aKilledOrOverBudgetLLMRecordingResumesWithoutPayingTwice() throws {
    let directory = TestSupport.temporaryDirectory()
    let baselineServer = try LoopbackLLM()
    let baseline = directory + "/baseline.ledger"
    #expect(try baselineServer.verify(LLMRun.record + ["--ledger", baseline]).status == 0)
    let expected = try ChainVerifier.verify(path: baseline)
    let total = try LLMRun.decisions(baseline)
    baselineServer.stop()
    var random = RandomStream(seed: 31, key: StreamKey("llm-kill-points"))
    let frame = random.int(in: 1...(expected.frames - 2))
    for (name, stop) in [
        ("killed", ["--inject-fault", "kill@after-frame:\(frame)"]),
        ("budget", ["--llm-budget", "0.05"]),
    ] {
        let server = try LoopbackLLM()
        let path = directory + "/\(name).ledger"
        let stopped = try server.verify(LLMRun.record + ["--ledger", path] + stop)
        #expect(stopped.status != 0, "\(name): \(stopped.output)")
        let recordedBefore = try LLMRun.decisions(path)
        let before = try server.stats().requests
        let resumed = try server.verify(["record", "--resume", path])
        #expect(resumed.status == 0, "\(name): \(resumed.error)")
        let head = try ChainVerifier.verify(path: path).headHash
        #expect(head == expected.headHash, "\(name)")
        let after = try server.stats().requests
        #expect(after - before == total - recordedBefore, "\(name)")
    }
}

/// `replay --live` re-sends every recorded prompt, continues with the recorded answers, and
/// names the first decision whose new answer differs (the server changes its 57th answer).
@Test func aLiveReplayNamesTheDecisionWhoseAnswerChanged() throws {
    let path = TestSupport.temporaryDirectory() + "/live.ledger"
    let recording = try LoopbackLLM()
    #expect(try recording.verify(LLMRun.record + ["--ledger", path]).status == 0)
    let head = try ChainVerifier.verify(path: path).headHash
    recording.stop()
    let changing = try LoopbackLLM(["--change", "57"])
    let live = try changing.verify(
        ["replay", "--trace", path, "--live", "--json"], extra: LLMRun.oneAtATime)
    #expect(live.status == 0, "\(live.error)")
    #expect(
        live.output.contains("\"identical\":true") || live.output.contains(head.hex),
        "\(live.output)")
    let total = try LLMRun.decisions(path)
    #expect(
        live.output.contains(
            "\"live\":{\"asked\":\(total),\"differing\":1,\"first\":{\"decision\":56,"),
        "\(live.output)")
    #expect(try changing.stats().requests == total)
    changing.stop()
    let again = try LoopbackLLM(["--change", "57"])
    let text = try again.verify(["replay", "--trace", path, "--live"], extra: LLMRun.oneAtATime)
    #expect(text.output.contains("1 answered differently"), "\(text.output)")
    #expect(text.output.contains("first: decision 56 (event "), "\(text.output)")
}

/// The decision tree lever: common cases are answered by the rules (source "decision-tree"),
/// only edge cases reach the model, and the run replays offline like any other.
@Test func theDecisionTreeEscalatesOnlyEdgeCases() throws {
    let server = try LoopbackLLM()
    let path = TestSupport.temporaryDirectory() + "/tree.ledger"
    let recorded = try server.verify(
        LLMRun.record + ["--ledger", path], extra: ["RTB_LLM_ESCALATE": "edge-cases"])
    #expect(recorded.status == 0, "\(recorded.error)")
    let costs = try #require(try LLMUsage(store: LedgerStore.open(path: path)))
    let decisions = try LLMRun.decisions(path)
    #expect(costs.treeAnswers > 0 && costs.calls > 0, "\(costs)")
    #expect(costs.calls + costs.treeAnswers == decisions)
    #expect(try server.stats().requests == costs.calls)
    let tree = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", path, "--kind", "Decision"])
    #expect(
        tree.output.split(separator: "\n").filter { $0.contains("source=decision-tree") }.count
            == costs.treeAnswers)
    server.stop()
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    let bad = try server.verify(
        LLMRun.record + ["--ledger", path + "2"], extra: ["RTB_LLM_ESCALATE": "sometimes"])
    #expect(bad.status == 64 && bad.error.contains("RTB_LLM_ESCALATE"), "\(bad.error)")
}

/// Batching and the concurrency limit: one agent's decisions of one kind share a call (the
/// server sees arrays), calls overlap up to the limit and never beyond it, every call is a
/// `ModelCall` event whose tokens equal the server's count, and the ledger is the same bytes
/// whether the calls ran one at a time or three at once. Replay needs no server.
@Test func batchedConcurrentCallsAreRecordedAndReplayOffline() throws {
    let directory = TestSupport.temporaryDirectory()
    let batched = ["RTB_LLM_BATCH": "10", "RTB_LLM_CONCURRENCY": "3"]
    let server = try LoopbackLLM(["--gather", "3"])
    let path = directory + "/batched.ledger"
    let recorded = try server.verify(LLMRun.record + ["--ledger", path], extra: batched)
    #expect(recorded.status == 0, "\(recorded.error)")
    let stats = try server.stats()
    #expect(stats.maxInFlight == 3, "\(stats)")
    #expect(stats.batched > 0 && stats.batched < stats.requests, "\(stats)")
    let costs = try #require(try LLMUsage(store: LedgerStore.open(path: path)))
    let decisions = try LLMRun.decisions(path)
    #expect(costs.calls == stats.requests && costs.calls * 2 < decisions, "\(costs) \(decisions)")
    #expect(costs.inputTokens == stats.input && costs.outputTokens == stats.output)
    #expect(costs.fallbacks == 0 && costs.decisions == decisions)
    let calls = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", path, "--kind", "ModelCall"])
    #expect(calls.output.split(separator: "\n").count == costs.calls, "\(calls.output.prefix(400))")
    server.stop()
    let sequential = try LoopbackLLM()
    let again = directory + "/sequential.ledger"
    let one = try sequential.verify(
        LLMRun.record + ["--ledger", again],
        extra: ["RTB_LLM_BATCH": "10", "RTB_LLM_CONCURRENCY": "1"])
    #expect(one.status == 0, "\(one.error)")
    #expect(try sequential.stats().maxInFlight == 1)
    sequential.stop()
    #expect(
        try ChainVerifier.verify(path: again).headHash == ChainVerifier.verify(path: path).headHash)
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 0, "\(checked.output)")
}
