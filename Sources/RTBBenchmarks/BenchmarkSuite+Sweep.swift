import Foundation
import RTBMarket
import RTBModels
import RTBRunning

/// Issue 20's figures: what a sweep adds to each cell, how two local jobs scale, and Ray
/// against local jobs on the same study.
extension BenchmarkSuite {
    func sweeps() throws {
        note("sweep: per-cell overhead (\(scale.sweepCells.tiny) one-day cells)")
        let tiny =
            #""base": {"days": 1, "scenario": "a", "buyers": 2, "sellers": 2, "campaigns_per_buyer": 2, "products_per_seller": 2}"#
        let tinySpec = try spec("tiny", base: tiny, cells: scale.sweepCells.tiny)
        var counter = 0
        let perCell = try Stopwatch.samples(runs: scale.runs) {
            counter += 1
            _ = try sweep(tinySpec, into: "sweep-tiny-\(counter)", jobs: 1)
        }
        // The run itself: the same cells in process, into a null sink.
        var config = MarketConfig()
        config.days = 1
        config.scenarios = [.a]
        config.buyers = 2
        config.sellers = 2
        config.campaignsPerBuyer = 2
        config.productsPerSeller = 2
        let runs = try Stopwatch.samples(runs: scale.runs) {
            for seed in 1...scale.sweepCells.tiny {
                config.seed = UInt64(seed)
                _ = try Recording.run(RTBMarketModel.self, config: config)
            }
        }
        let cells = Double(scale.sweepCells.tiny)
        let overhead = (perCell.median - runs.median) / cells * 1_000
        rows.append(
            .row(
                "sweep: per-cell overhead (process, ledger create and finish, manifest)",
                issue: "#20", value: overhead, unit: "ms", atMost: 20,
                bound: String(
                    format: "%.1f ms per cell in all, %.1f ms of it the run",
                    perCell.median / cells * 1_000,
                    runs.median / cells * 1_000), format: "%.1f"))

        note("sweep: 1 and 2 jobs (\(scale.sweepCells.throughput) 30-day cells)")
        let full = #""base": {"days": 30}"#
        let throughputSpec = try spec("throughput", base: full, cells: scale.sweepCells.throughput)
        var oneJob: [Double] = []
        var twoJobs: [Double] = []
        var cores: [Double] = []
        for run in 1...scale.runs {
            let single = try sweep(throughputSpec, into: "sweep-one-\(run)", jobs: 1)
            oneJob.append(single.seconds)
            cores.append(single.cpuSeconds / single.seconds)
            twoJobs.append(try sweep(throughputSpec, into: "sweep-two-\(run)", jobs: 2).seconds)
        }
        let speedup = Samples(oneJob).median / Samples(twoJobs).median
        let c = max(1, Samples(cores).median)
        rows.append(
            .row(
                "sweep: 2-job throughput / 1-job throughput", issue: "#20", value: speedup,
                unit: "x", atLeast: 0.9 * 2 / c,
                bound: String(
                    format:
                        "c = %.2f cores per job (CPU time / wall, 1 job); two threads of arithmetic at once do %.2fx one thread's work on this VM",
                    c, bounds.twoThreadScaling),
                format: "%.2f"))

        note("sweep: Ray against local --jobs 2 (\(scale.sweepCells.ray) 30-day cells)")
        let raySpec = try spec("ray", base: full, cells: scale.sweepCells.ray)
        let local = try sweep(raySpec, into: "sweep-local", jobs: 2)
        guard let driver = rayDriver() else {
            rows.append(
                .row(
                    "sweep: Ray (4 shards, 2 cores) / local --jobs 2, same study", issue: "#20",
                    value: 0,
                    unit: "x", bound: "not measured: tools/ray_sweep.py or Python's ray not found",
                    format: "%.2f"))
            return
        }
        let ray = try ChildProcess.run(
            "/usr/bin/env",
            [
                "python3", driver, raySpec, directory + "/sweep-ray", "--shards", "4",
                "--binaries", binaries,
            ], scratch: directory)
        guard ray.status == 0,
            let line = ray.output.split(separator: "\n").first(where: { $0.hasPrefix("shards:") }),
            let seconds = line.split(separator: " ").compactMap({ Double($0) }).dropFirst().first
        else {
            throw BenchmarkFailure(
                "tools/ray_sweep.py exited \(ray.status): \(ray.output.suffix(300))")
        }
        rows.append(
            .row(
                "sweep: Ray (4 shards, 2 cores) / local --jobs 2, same study", issue: "#20",
                value: seconds / local.seconds, unit: "x", atMost: 1.10,
                bound: String(
                    format:
                        "Ray %.1f s (cluster start excluded), local %.1f s, cells %.0f s in all",
                    seconds, local.seconds, local.cellSeconds), format: "%.2f"))
    }

    /// A spec of `cells` seeds over `base`, written into the scratch directory.
    func spec(_ name: String, base: String, cells: Int) throws -> String {
        let path = directory + "/sweep-\(name).json"
        let seeds = (1...cells).map(String.init).joined(separator: ",")
        try "{\(base), \"seeds\": [\(seeds)]}".write(
            toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// One whole `rtb-sim sweep` command: wall seconds, CPU seconds of it and its children, and
    /// the cells' own seconds (from measurements.json).
    func sweep(_ spec: String, into name: String, jobs: Int) throws -> (
        seconds: Double, cpuSeconds: Double, cellSeconds: Double
    ) {
        let before = Self.childCPUSeconds()
        let child = try ChildProcess.run(
            binaries + "/rtb-sim",
            [
                "sweep", spec, "--directory", directory + "/" + name, "--jobs", String(jobs),
                "--quiet",
            ],
            scratch: directory)
        guard child.status == 0 else {
            throw BenchmarkFailure(
                "rtb-sim sweep exited \(child.status): \(child.output.suffix(300))")
        }
        let measured =
            (try? String(
                contentsOfFile: directory + "/" + name + "/measurements.json", encoding: .utf8))
            ?? ""
        let cellSeconds = measured.components(separatedBy: "\"seconds\":").dropFirst()
            .compactMap { Double($0.prefix { "0123456789.".contains($0) }) }.reduce(0, +)
        return (child.seconds, Self.childCPUSeconds() - before, cellSeconds)
    }

    /// User and system time of this process's finished children (and theirs).
    static func childCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// tools/ray_sweep.py of the checkout these binaries were built in (or of the current
    /// directory), when Python can import ray.
    func rayDriver() -> String? {
        let candidates = [
            binaries + "/../../tools/ray_sweep.py",
            FileManager.default.currentDirectoryPath + "/tools/ray_sweep.py",
        ]
        guard let driver = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
            let check = try? ChildProcess.run(
                "/usr/bin/env", ["python3", "-c", "import ray"], scratch: directory),
            check.status == 0
        else { return nil }
        return URL(fileURLWithPath: driver).standardized.path
    }
}
