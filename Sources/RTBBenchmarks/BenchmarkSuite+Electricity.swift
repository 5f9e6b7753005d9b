import Foundation
import RTBCommandLine
import RTBCore
import RTBElectricity
import RTBModels
import RTBRunning
import RTBTrace

/// Issue 14's figures: seed 002's whole v4 run book (studies/p2p-v4: 525 runs of 288
/// intervals up to N = 500) recorded by `rtb-sim sweep --jobs 2`, one command per experiment
/// as a user runs it (target 120 s), the same grid in process into a null sink on two threads
/// (recording at most 1.5x that), runs, decisions and offers scanned per second, and the CDA's
/// match rate alone. Smoke size: every experiment at N = 50, one seed.
extension BenchmarkSuite {
    func electricity() throws {
        guard let source = studies() else {
            throw BenchmarkFailure(
                "electricity: no studies/p2p-v4 in the current directory or above the binaries (\(binaries))"
            )
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: source)
            .filter { $0.hasPrefix("exp_") && $0.hasSuffix(".json") }.sorted()
        let smoke = scale.runs == 1
        var specs: [(name: String, path: String, cells: [ElectricityConfig])] = []
        for name in names {
            guard
                case .success(var spec) = JSONValue.parse(
                    try String(contentsOfFile: source + "/" + name, encoding: .utf8)),
                case .object(var members) = spec
            else { throw BenchmarkFailure("electricity: \(name) is not a JSON object") }
            if smoke, case .object(var axes) = members["axes"] {
                axes["agents"] = .array([.number("50")])
                members["axes"] = .object(axes)
                members["seeds"] = .array([.number("1000")])
                spec = .object(members)
            }
            let path = directory + "/" + name
            try spec.canonicalText.write(toFile: path, atomically: true, encoding: .utf8)
            specs.append((name, path, try Self.cells(of: path)))
        }
        let cells = specs.flatMap(\.cells)
        note("electricity: the v4 run book, \(cells.count) runs of \(specs.count) experiments")
        // Recorded and null rounds alternate, so that the ratio of each pair compares two runs
        // minutes apart: this machine's speed drifts by 20% and more over an hour (the null
        // grid alone took 47 s to 73 s on different days).
        var recorded: [Double] = []
        var nullSeconds: [Double] = []
        var ratios: [Double] = []
        var totals = (decisions: Int64(0), scanned: Int64(0))
        for round in 0..<min(scale.runs, 3) {
            var seconds = 0.0
            for spec in specs {
                let child = try ChildProcess.run(
                    binaries + "/rtb-sim",
                    [
                        "sweep", spec.path, "--directory",
                        directory + "/runbook-\(round)/" + spec.name, "--jobs", "2",
                    ],
                    scratch: directory)
                if child.status != 0 {
                    throw BenchmarkFailure("rtb-sim sweep \(spec.name) exited \(child.status)")
                }
                seconds += child.seconds
            }
            recorded.append(seconds)
            try? FileManager.default.removeItem(atPath: directory + "/runbook-\(round)")
            let bare = Stopwatch.time {
                let work = ThreadedWork(workers: 2)
                let counts = work.map(cells.count) { index in
                    let run = ElectricityRun(
                        config: cells[index],
                        environment: RunEnvironment(
                            sink: NullSink(), shared: MemoryFrameStore(), layout: FrameLayout()))
                    while (try? run.step()) == true {}
                    return (run.decisionsTaken, run.offersLookedAt)
                }
                totals = counts.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
            }
            nullSeconds.append(bare)
            ratios.append(seconds / bare)
        }
        let null = Samples(nullSeconds)
        let wall = Samples(recorded).median
        let bare = null.median
        rows.append(
            .row(
                "electricity: v4 run book (\(cells.count) runs), recorded by rtb-sim sweep --jobs 2, one command per experiment",
                issue: "#14", samples: Samples(recorded), value: wall, unit: "s",
                atMost: smoke ? nil : 120,
                bound: "the reference logged about 3.5 hours for nine of the experiments",
                format: "%.1f"))
        rows.append(
            .row(
                "electricity: the same grid into a null sink (in process, 2 threads)", issue: "#14",
                samples: null, value: bare, unit: "s", format: "%.1f"))
        rows.append(
            .row(
                "electricity: recorded / null sink (median of the rounds' ratios)", issue: "#14",
                samples: Samples(ratios), value: Samples(ratios).median, unit: "x",
                atMost: smoke ? nil : 1.5,
                bound:
                    "rounds alternate; recording adds process starts, ledgers (zstd, SHA-256, SQLite) and manifests",
                format: "%.2f"))
        rows.append(
            .row(
                "electricity: runs/s, recorded", issue: "#14", value: Double(cells.count) / wall,
                unit: "runs/s", format: "%.2f"))
        rows.append(
            .row(
                "electricity: decisions/s, recorded", issue: "#14",
                value: Double(totals.decisions) / wall,
                unit: "decisions/s", bound: "\(totals.decisions) decisions", format: "%.0f"))
        rows.append(
            .row(
                "electricity: offers scanned/s, recorded", issue: "#14",
                value: Double(totals.scanned) / wall,
                unit: "offers/s",
                bound:
                    "\(totals.scanned) offers seen and solver calls (each an order's limit and quantity read)",
                format: "%.3g"))
        try matchRate()
    }

    /// The CDA's matching alone: a seeded stream of orders on a narrow price grid (ties,
    /// partial fills, sweeps across makers) submitted to a bare market, every order and fill
    /// encoded as an event (kept in memory: no frame boundary falls inside the stream).
    func matchRate() throws {
        let orders = scale.runs == 1 ? 200_000 : 2_000_000
        var config = ElectricityConfig()
        config.agents = 100
        config.intervals = 1
        let samples = try Stopwatch.samples(runs: min(scale.runs, 3)) {
            let run = ElectricityRun(
                config: config,
                environment: RunEnvironment(
                    sink: NullSink(), shared: MemoryFrameStore(), layout: FrameLayout()))
            var random = RandomStream(seed: 1, key: StreamKey("electricity-match-rate"))
            for index in 0..<orders {
                let side: Side = random.chance(0.5) ? .buy : .sell
                let price = random.int(in: Int64(150)...Int64(180)) * ElectricityConfig.tick
                run.submitOrder(
                    agent: index % 100, side: side, price: price,
                    quantity: random.int(in: Int64(1)...Int64(9)) * 100_000)
            }
        }
        rows.append(
            .row(
                "electricity: CDA match rate (orders submitted, matched and recorded as events)",
                issue: "#14", samples: Samples(samples.values.map { Double(orders) / $0 }),
                value: Double(orders) / samples.median, unit: "orders/s",
                bound: "\(orders) orders, prices on 31 ticks, 1-9 units", format: "%.0f"))
    }

    /// The run book's specs: `studies/p2p-v4` in the current directory, or in the checkout the
    /// binaries were built in (the first directory above them that holds it).
    func studies() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath]
        var directory = URL(fileURLWithPath: binaries).resolvingSymlinksInPath()
        while directory.path != "/" {
            candidates.append(directory.path)
            directory.deleteLastPathComponent()
        }
        return candidates.map { $0 + "/studies/p2p-v4" }.first {
            FileManager.default.fileExists(atPath: $0)
        }
    }

    /// The cells of a sweep spec, as the sweep runner expands them (docs/sweeps.md).
    static func cells(of path: String) throws -> [ElectricityConfig] {
        let spec = try SweepSpec.load(
            path: path, text: String(contentsOfFile: path, encoding: .utf8))
        return try spec.cells.map { cell in
            guard case .success(let json) = JSONValue.parse(cell.config) else {
                throw BenchmarkFailure("electricity: cell \(cell.name) of \(path) is not JSON")
            }
            return try ElectricityConfig(json: json)
        }
    }
}
