import Foundation
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBTrace
import RTBIntegrity
import RTBModels
import RTBRunning
import RTBTrace

/// Sizes of one benchmark run: the full targets, or a smoke run of seconds that only proves
/// every measurement works.
public struct BenchmarkScale: Sendable {
    public var runs: Int
    public var defaultDays: Int
    public var largeDays: Int
    public var largeProfile: VolumeProfile
    public var divergenceDays: Int
    public var divergenceProfile: VolumeProfile
    public var recorderEvents: Int
    public var killPoints: Int
    public var scaleRounds: (small: Int, large: Int)
    public var scaleAgents: (small: Int, large: Int)
    /// Sweep cells: tiny ones for the per-cell overhead, 30-day ones for throughput, and the
    /// cells of the Ray study (at least 60 s of cells at full size).
    public var sweepCells: (tiny: Int, throughput: Int, ray: Int)
    /// Tatonnement: agents (10 goods each) and rounds of the long run.
    public var equilibrium: (agents: Int, rounds: Int)
    /// Campaign atomization: days, opportunities a day, users.
    public var atomization: (days: Int, impressionsPerDay: Int, users: Int)
    /// Auction lab: rounds of the throughput run; runs and iterations of SP_Truthful_TS.
    public var auctionLab: (rounds: Int, runs: Int, iterations: Int)

    public static let full = BenchmarkScale(
        runs: 5, defaultDays: 30, largeDays: 30, largeProfile: .large, divergenceDays: 10,
        divergenceProfile: .enterprise,
        recorderEvents: 6_000_000, killPoints: 100, scaleRounds: (300, 40),
        scaleAgents: (100_000, 1_000_000), sweepCells: (40, 12, 200),
        equilibrium: (1_000_000, 100), atomization: (30, 7_200_000, 1_000_000),
        auctionLab: (2_000_000, 3, 20))
    public static let smoke = BenchmarkScale(
        runs: 1, defaultDays: 2, largeDays: 1, largeProfile: .small, divergenceDays: 1,
        divergenceProfile: .small,
        recorderEvents: 100_000, killPoints: 3, scaleRounds: (20, 5), scaleAgents: (10_000, 50_000),
        sweepCells: (3, 2, 2), equilibrium: (20_000, 6), atomization: (1, 200_000, 20_000),
        auctionLab: (50_000, 1, 2))
}

/// Runs every measurement and returns the table rows, printing progress to stderr.
public final class BenchmarkSuite {
    let scale: BenchmarkScale
    let directory: String
    let binaries: String
    var rows: [BenchmarkRow] = []
    var bounds = PhysicalBounds()
    /// A directory holding another build's `rtb-verify` (`--baseline`): the `llm` section times
    /// the default rule-based run with both, alternately (the chokepoint's overhead).
    public var baseline: String?

    public init(scale: BenchmarkScale, directory: String, binaries: String) {
        self.scale = scale
        self.directory = directory
        self.binaries = binaries
    }

    func note(_ text: String) {
        FileHandle.standardError.write(Data("rtb-bench: \(text)\n".utf8))
    }

    /// Section names, in run order.
    public static let sections = [
        "scale", "default", "large", "recorder", "divergence", "recovery", "sweep", "equilibrium",
        "llm", "atomization", "electricity", "auction-lab", "bounds",
    ]

    public func runAll(only: Set<String>? = nil) throws -> [BenchmarkRow] {  // determinism-ok: section filter
        func wanted(_ name: String) -> Bool { only?.contains(name) ?? true }
        note("physical bounds")
        bounds = try PhysicalBounds.measure(directory: directory)
        if wanted("scale") { try scaleMode() }
        if wanted("default") { try defaultRun() }
        if wanted("large") { try largeProfile() }
        if wanted("recorder") { try recorderAlone() }
        if wanted("divergence") { try divergenceLocalisation() }
        if wanted("recovery") { try recovery() }
        if wanted("sweep") { try sweeps() }
        if wanted("equilibrium") { try equilibrium() }
        if wanted("llm") { try llm() }
        if wanted("atomization") { try atomization() }
        if wanted("electricity") { try electricity() }
        if wanted("auction-lab") { try auctionLab() }
        if wanted("bounds") { rows += bounds.rows }
        return rows
    }

    var defaultConfig: MarketConfig {
        var config = MarketConfig()
        config.days = scale.defaultDays
        return config
    }

    func defaultRun() throws {
        note("default run (\(scale.defaultDays) days, a,b,c)")
        let config = defaultConfig
        var counter = 0
        let recorded = try Stopwatch.samples(runs: scale.runs) {
            counter += 1
            _ = try Recording.record(
                RTBMarketModel.self, config: config, path: directory + "/default-\(counter).ledger")
        }
        let null = try Stopwatch.samples(runs: scale.runs) {
            _ = try Recording.run(RTBMarketModel.self, config: config)
        }
        rows.append(
            .row(
                "default run, recording included (wall)", issue: "#3", samples: recorded,
                value: recorded.median,
                unit: "s", atMost: 0.25))
        // The same recording as a user runs it: the whole `rtb-verify record` process.
        var processCounter = 0
        var failed: Int32 = 0
        let whole = try Stopwatch.samples(runs: scale.runs) {
            processCounter += 1
            let child = try ChildProcess.run(
                binaries + "/rtb-verify",
                [
                    "record", "--days", String(scale.defaultDays), "--ledger",
                    directory + "/default-process-\(processCounter).ledger",
                ], scratch: directory)
            if child.status != 0 { failed = child.status }
        }
        if failed != 0 {
            throw BenchmarkFailure(
                "rtb-verify record exited \(failed) in the whole-command benchmark")
        }
        rows.append(
            .row(
                "default run: rtb-verify record, whole command (wall)", issue: "#12",
                samples: whole, value: whole.median, unit: "s",
                bound: String(format: "in-process %.3f s", recorded.median), format: "%.3f"))
        // Peak memory of a separate `rtb-verify record` process (its own VmHWM).
        let child = try ChildProcess.run(
            binaries + "/rtb-verify",
            [
                "record", "--days", String(scale.defaultDays), "--ledger",
                directory + "/default-memory.ledger",
                "--print-peak-memory",
            ], scratch: directory)
        let peak =
            child.output.split(separator: "\n").first { $0.hasPrefix("peak memory KiB:") }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
        rows.append(
            .row(
                "default run, peak memory (separate process)", issue: "#3", value: peak / 1_024,
                unit: "MiB", atMost: 64, format: "%.1f"))
        rows.append(
            .row(
                "recording overhead vs null sink (same run)", issue: "#4",
                value: recorded.median / null.median,
                unit: "x", atMost: 1.25, bound: String(format: "null sink %.3f s", null.median),
                format: "%.2f"))
    }
}
