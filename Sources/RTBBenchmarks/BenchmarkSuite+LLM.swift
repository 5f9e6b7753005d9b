import Foundation
import RTBEvents
import RTBLLM
import RTBLedger
import RTBModels
import RTBRunning

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 17's figures: decisions (calls at one call per decision) per scenario of the default
/// configuration against the seed's table, what a run costs against the loopback server with
/// and without the response cache, and replay of a recorded LLM run against a rule-based run
/// of the same size.
extension BenchmarkSuite {
    func llm() throws {
        let days = scale.defaultDays
        note("llm: decisions of the default \(days)-day run (rule-based-service)")
        let service = directory + "/llm-service.ledger"
        try recordMarket(["--policy", "rule-based-service", "--ledger", service], days: days)
        let perScenario = try decisionsPerScenario(service)
        let seed = ["a": 15_000, "b": 22_500, "c": 18_000]
        for (scenario, count) in perScenario {
            rows.append(
                .row(
                    "llm: decisions (calls at one per decision), scenario \(scenario.uppercased()), \(days) days",
                    issue: "#17", value: Double(count), unit: "calls",
                    bound: "seed 000's table: \(seed[scenario] ?? 0) (30 days)", format: "%.0f"))
        }
        guard let script = serverScript() else {
            rows.append(
                .row(
                    "llm: run against the loopback server", issue: "#17", value: 0, unit: "s",
                    bound: "not measured: Tests/Fixtures/llm_server.py not found", format: "%.0f"))
            return
        }
        for lever in [
            "one call per decision", "response cache", "decision tree", "decision tree and cache",
            "batches of 10", "batches of 10, decision tree and cache",
        ] {
            note("llm: \(days)-day run against the loopback server, \(lever)")
            let server = try LoopbackServer(script: script, scratch: directory)
            defer { server.stop() }
            var environment = llmEnvironment(port: server.port)
            let cache = directory + "/llm-cache-\(rows.count).jsonl"
            if lever.contains("cache") { environment["RTB_LLM_CACHE"] = cache }
            if lever.contains("tree") { environment["RTB_LLM_ESCALATE"] = "edge-cases" }
            if lever.contains("batches") { environment["RTB_LLM_BATCH"] = "10" }
            let ledger = directory + "/llm-\(rows.count).ledger"
            let run = try ChildProcess.run(
                binaries + "/rtb-verify",
                ["record", "--policy", "llm", "--days", String(days), "--ledger", ledger],
                scratch: directory, environment: environment)
            if run.status != 0 {
                throw BenchmarkFailure("the llm run (\(lever)) exited \(run.status)")
            }
            guard let costs = try LLMUsage(store: LedgerStore.open(path: ledger)) else {
                throw BenchmarkFailure("the llm run (\(lever)) recorded no calls")
            }
            let decisions = costs.decisions
            rows.append(
                .row(
                    "llm: \(days)-day run, \(lever): calls to the model", issue: "#17",
                    value: Double(costs.calls), unit: "calls",
                    bound: "of \(decisions) decisions: \(costs.cacheHits) cache hits, "
                        + "\(costs.treeAnswers) answered by the tree; seed: 55,500 calls at one per decision",
                    format: "%.0f"))
            rows.append(
                .row(
                    "llm: \(days)-day run, \(lever): dollars at claude-3-5-haiku prices",
                    issue: "#17",
                    value: costs.dollars, unit: "$",
                    bound:
                        "\(costs.inputTokens) input + \(costs.outputTokens) output tokens as the "
                        + "loopback server counts them (4 characters a token); seed: $277 baseline, $8-15 with every lever",
                    format: "%.2f"))
            if lever == "one call per decision" {
                rows.append(
                    .row(
                        "llm: \(days)-day run, \(lever): whole record command against the loopback server (wall)",
                        issue: "#17", value: run.seconds, unit: "s",
                        bound: String(
                            format: "%.2f ms per call, server included",
                            run.seconds / Double(max(1, costs.calls)) * 1_000),
                        format: "%.1f"))
                try replaySpeed(ledger: ledger, days: days)
            }
        }
        try llmConcurrency(script: script, days: min(days - 1, 5))
        if let baseline { try chokepointOverhead(baseline: baseline, days: days) }
    }

    /// The default rule-based run recorded by this build and by a baseline build (the commit
    /// before the decision chokepoint), alternately, so that both see the same machine state.
    func chokepointOverhead(baseline: String, days: Int) throws {
        note("llm: default rule-based run, this build against the baseline in \(baseline)")
        var this: [Double] = []
        var other: [Double] = []
        let runs = max(scale.runs, 7)
        for run in 0..<runs * 2 {
            let binary = run % 2 == 0 ? binaries : baseline
            let ledger = directory + "/chokepoint-\(run % 2).ledger"
            try? FileManager.default.removeItem(atPath: ledger)
            let child = try ChildProcess.run(
                binary + "/rtb-verify", ["record", "--days", String(days), "--ledger", ledger],
                scratch: directory)
            if child.status != 0 {
                throw BenchmarkFailure("rtb-verify record in \(binary) exited \(child.status)")
            }
            if run % 2 == 0 { this.append(child.seconds) } else { other.append(child.seconds) }
        }
        let mine = Samples(this).median
        let theirs = Samples(other).median
        rows.append(
            .row(
                "llm: the chokepoint's overhead: default rule-based record, this build / baseline build (wall)",
                issue: "#17", value: mine / theirs, unit: "x",
                bound: String(
                    format:
                        "%.3f s against %.3f s, medians of %d alternating whole commands (%.3f-%.3f against %.3f-%.3f)",
                    mine, theirs, runs, this.min() ?? 0, this.max() ?? 0, other.min() ?? 0,
                    other.max() ?? 0),
                format: "%.3f"))
    }

    /// The environment of a child run against the loopback server on `port`.
    func llmEnvironment(port: Int) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment  // determinism-ok: the benchmark child inherits PATH and the like
        for name in environment.keys where name.hasPrefix("RTB_LLM") { environment[name] = nil }
        environment["RTB_LLM_API_KEY"] = "benchmark"
        environment["RTB_LLM_BASE_URL"] = "http://127.0.0.1:\(port)"
        environment["RTB_LLM_PROVIDER"] = "anthropic"
        environment["RTB_AGENT_MODEL"] = "claude-3-5-haiku-20241022"
        environment["RTB_MANAGER_MODEL"] = nil
        return environment
    }

    /// The concurrency limit against a server that holds every answer 20 ms (a stand-in for a
    /// provider's latency): the same batched run with 1 and 4 calls in flight, whole commands.
    func llmConcurrency(script: String, days: Int) throws {
        var seconds: [Int: Double] = [:]  // determinism-ok: lookups only
        var heads: [Int: String] = [:]  // determinism-ok: lookups only
        for limit in [1, 4] {
            note("llm: \(days)-day batched run, \(limit) calls in flight, 20 ms a call")
            let server = try LoopbackServer(
                script: script, scratch: directory, arguments: ["--delay", "0.02"])
            defer { server.stop() }
            var environment = llmEnvironment(port: server.port)
            environment["RTB_LLM_BATCH"] = "10"
            environment["RTB_LLM_CONCURRENCY"] = String(limit)
            let ledger = directory + "/llm-concurrency-\(limit).ledger"
            let run = try ChildProcess.run(
                binaries + "/rtb-verify",
                ["record", "--policy", "llm", "--days", String(days), "--ledger", ledger],
                scratch: directory, environment: environment)
            if run.status != 0 {
                throw BenchmarkFailure("the llm run (\(limit) in flight) exited \(run.status)")
            }
            seconds[limit] = run.seconds
            heads[limit] = try LedgerStore.open(path: ledger).head()?.headHash.hex
        }
        guard let one = seconds[1], let four = seconds[4] else { return }
        rows.append(
            .row(
                "llm: \(days)-day run, batches of 10, 20 ms a call: 4 calls in flight / 1 (wall)",
                issue: "#17", value: four / one, unit: "x",
                bound: String(
                    format: "%.1f s against %.1f s, whole record commands; same head hash: %@",
                    four, one, heads[1] == heads[4] ? "yes" : "NO"),
                format: "%.2f"))
    }

    /// Replay of the recorded LLM run (answers read from the ledger, no prompt rendered)
    /// against a rule-based run of the same size.
    func replaySpeed(ledger: String, days: Int) throws {
        note("llm: replay of the recorded run against a rule-based run")
        let replay = try Stopwatch.samples(runs: scale.runs) {
            let child = try ChildProcess.run(
                binaries + "/rtb-verify", ["replay", "--trace", ledger], scratch: directory)
            if child.status != 0 {
                throw BenchmarkFailure("replay of the llm run exited \(child.status)")
            }
        }
        var counter = 0
        let rules = directory + "/llm-rules.ledger"
        let ruled = try Stopwatch.samples(runs: scale.runs) {
            counter += 1
            try? FileManager.default.removeItem(atPath: rules)
            try recordMarket(["--ledger", rules], days: days)
        }
        let ruledReplay = try Stopwatch.samples(runs: scale.runs) {
            let child = try ChildProcess.run(
                binaries + "/rtb-verify", ["replay", "--trace", rules], scratch: directory)
            if child.status != 0 {
                throw BenchmarkFailure("replay of the rule-based run exited \(child.status)")
            }
        }
        let llmEvents = Double(try LedgerStore.open(path: ledger).head()?.eventCount ?? 0)
        let rulesEvents = Double(try LedgerStore.open(path: rules).head()?.eventCount ?? 0)
        let replayRate = llmEvents / replay.median
        let recordRate = rulesEvents / ruled.median
        rows.append(
            .row(
                "llm: replay of the recorded run, events/s / rule-based record, events/s (same size: per event)",
                issue: "#17", value: replayRate / recordRate, unit: "x", atLeast: 1,
                bound: String(
                    format:
                        "replay %.0f events in %.3f s (%.2f M/s); rule-based record %.0f events in %.3f s (%.2f M/s); whole commands",
                    llmEvents, replay.median, replayRate / 1e6, rulesEvents, ruled.median,
                    recordRate / 1e6),
                format: "%.2f"))
        rows.append(
            .row(
                "llm: replay of the recorded run / rule-based record of the same days (wall)",
                issue: "#17", value: replay.median / ruled.median, unit: "x",
                bound: String(
                    format:
                        "replay %.3f s, rule-based record %.3f s; the llm run has %.1f x the events (its decisions, its calls, and the trades the model's answers made)",
                    replay.median, ruled.median, llmEvents / max(1, rulesEvents)),
                format: "%.2f"))
        rows.append(
            .row(
                "llm: replay of the recorded run / replay of the rule-based run (wall)",
                issue: "#17", value: replay.median / ruledReplay.median, unit: "x",
                bound: String(
                    format: "replay %.3f s against %.3f s", replay.median, ruledReplay.median),
                format: "%.2f"))
    }

    func recordMarket(_ arguments: [String], days: Int) throws {
        let child = try ChildProcess.run(
            binaries + "/rtb-verify", ["record", "--days", String(days)] + arguments,
            scratch: directory)
        if child.status != 0 {
            throw BenchmarkFailure("rtb-verify record \(arguments) exited \(child.status)")
        }
    }

    /// Decision events per scenario, in scenario order.
    func decisionsPerScenario(_ path: String) throws -> [(scenario: String, count: Int)] {
        var counts = [0, 0, 0]
        try LedgerEvents.forEach(RTBMarketModel.self, store: LedgerStore.open(path: path)) {
            _, event in
            if case .decision = event.body, event.scenario.rawValue < 3 {
                counts[Int(event.scenario.rawValue)] += 1
            }
            return true
        }
        return zip(["a", "b", "c"], counts).map { ($0, $1) }
    }

    /// The tests' loopback server, found in the checkout that holds the binaries (searched
    /// upwards from the binaries' directory as written, so that `.build/release`, a symlink,
    /// still leads to the checkout) or in the working directory.
    func serverScript() -> String? {
        let relative = "/Tests/Fixtures/llm_server.py"
        var candidates = [FileManager.default.currentDirectoryPath + relative]
        var components = binaries.split(separator: "/").map(String.init)
        while !components.isEmpty {
            components.removeLast()
            candidates.append("/" + components.joined(separator: "/") + relative)
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}

/// The loopback LLM server of the tests, for the benchmark.
final class LoopbackServer {
    let process = Process()
    let port: Int

    init(script: String, scratch: String, arguments: [String] = []) throws {
        let portFile = scratch + "/llm-port-\(UInt64.random(in: 0...UInt64.max)).txt"  // determinism-ok: a scratch file name
        FileManager.default.createFile(atPath: portFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        process.standardOutput = FileHandle(forWritingAtPath: portFile)
        process.standardError = FileHandle.nullDevice
        try process.run()
        var found: Int?
        for _ in 0..<500 where found == nil {
            let text = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
            found = text.split(separator: "\n").first.flatMap { Int($0) }
            if found == nil { usleep(20_000) }
        }
        guard let found else { throw BenchmarkFailure("the loopback LLM server did not start") }
        port = found
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
