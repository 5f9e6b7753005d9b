import Foundation
import RTBEquilibrium
import RTBIntegrity
import RTBRunning

/// Issue 21's figures: tatonnement rounds per second over a million agents and ten goods
/// (the whole `rtb-verify record` command, one and two threads, identical digests), and the
/// sampled variant's speed-up and error at 1% and 10% samples.
extension BenchmarkSuite {
    func equilibrium() throws {
        let agents = scale.equilibrium.agents
        let rounds = scale.equilibrium.rounds
        note("equilibrium: \(agents) agents, 10 goods, \(rounds) rounds, 1 and 2 threads")
        var heads: [String] = []
        var rates: [Int: Samples] = [:]
        for threads in [1, 2] {
            var perRun: [Double] = []
            for run in 1...scale.runs {
                let long = try recordEconomy(
                    agents: agents, rounds: rounds, threads: threads, name: "long-\(threads)-\(run)"
                )
                let short = try recordEconomy(
                    agents: agents, rounds: 1, threads: threads, name: "short-\(threads)-\(run)")
                perRun.append(Double(rounds - 1) / max(1e-9, long.seconds - short.seconds))
                heads.append(long.head)
            }
            rates[threads] = Samples(perRun)
        }
        let identical = Set(heads).count == 1
        for threads in [1, 2] {
            rows.append(
                .row(
                    "equilibrium: tatonnement rounds/s, \(agents) agents x 10 goods, recorded, "
                        + "\(threads) thread(s)",
                    issue: "#21", samples: rates[threads], value: rates[threads]!.median,
                    unit: "rounds/s", atLeast: threads == 2 ? 10 : nil,
                    bound: threads == 2
                        ? "digests of 1 and 2 threads " + (identical ? "identical" : "DIFFER")
                            + String(
                                format:
                                    "; one core's memory reads allow %.0f rounds/s (%.0f MB a round)",
                                bounds.memoryBytesPerSecond / (Double(agents) * 160),
                                Double(agents) * 160 / 1e6)
                        : "whole command, (t(R rounds) - t(1 round)) / (R - 1)",
                    format: "%.1f"))
        }
        if !identical {
            throw BenchmarkFailure("equilibrium digests differ between 1 and 2 threads")
        }
        try sampledRounds(agents: agents)
    }

    /// One `rtb-verify record` of a 10-good Cobb-Douglas economy that runs exactly `rounds`
    /// rounds (its tolerance is never met): wall seconds and head hash.
    func recordEconomy(agents: Int, rounds: Int, threads: Int, name: String) throws
        -> (seconds: Double, head: String)
    {
        let config = directory + "/economy-\(name).json"
        try
            "{\"seed\": 1, \"agents\": \(agents), \"goods\": 10, \"tolerance\": 1e-15, \"max_rounds\": \(rounds)}"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let ledger = directory + "/economy-\(name).ledger"
        var status: Int32 = 0
        let seconds = try Stopwatch.time {
            status = try ChildProcess.run(
                binaries + "/rtb-verify",
                [
                    "record", "--model", "exchange-economy", "--config", config, "--ledger", ledger,
                    "--threads", String(threads), "--overwrite",
                ], scratch: directory
            ).status
        }
        if status != 0 { throw BenchmarkFailure("rtb-verify record of \(name) exited \(status)") }
        let head = try ChainVerifier.verify(path: ledger).headHash.hex
        try? FileManager.default.removeItem(atPath: ledger)
        return (seconds, head)
    }

    /// Exact scans against 1% and 10% samples at the same prices, in process on 2 threads: the
    /// time of one excess-demand evaluation, and the error of the estimate (largest
    /// |estimate - exact| / total endowment over the goods, median over rounds).
    func sampledRounds(agents: Int) throws {
        note("equilibrium: exact against sampled excess demand")
        var config = EconomyConfig()
        config.agents = agents
        config.goods = 10
        let parallel = ThreadedWork(workers: 2)
        let economy = Economy(config: config, parallel: parallel)
        var prices = Tatonnement.startPrices(config)
        var exact: [[Double]] = []
        var path: [[Double]] = []
        for _ in 0..<max(3, scale.equilibrium.rounds / 10) {
            let excess = economy.excessDemand(at: prices, parallel: parallel)
            path.append(prices)
            exact.append(excess)
            prices = Tatonnement.update(
                prices, excess: excess, totals: economy.totals, step: config.step)
        }
        let exactTime = Stopwatch.samples(runs: scale.runs) {
            _ = economy.excessDemand(at: path[0], parallel: parallel)
        }
        for fraction in [0.01, 0.1] {
            let size = max(2, Int(Double(agents) * fraction))
            var errors: [Double] = []
            var covered = 0
            let sampled = Stopwatch.samples(runs: scale.runs) {
                _ = Tatonnement.sampledExcess(
                    economy, at: path[0], size: size, seed: 1, round: 1, parallel: parallel)
            }
            for (round, point) in path.enumerated() {
                let (estimate, bound) = Tatonnement.sampledExcess(
                    economy, at: point, size: size, seed: 1, round: round + 1, parallel: parallel)
                var worst = 0.0
                for good in 0..<10 {
                    let error = abs(estimate[good] - exact[round][good])
                    worst = max(worst, error / economy.totals[good])
                    if error <= bound[good] { covered += 1 }
                }
                errors.append(worst)
            }
            let percent = Int(fraction * 100)
            rows.append(
                .row(
                    "equilibrium: sampled excess demand (\(percent)% of agents): speed-up of a round",
                    issue: "#21", value: exactTime.median / sampled.median, unit: "x",
                    bound: String(
                        format: "exact scan %.1f ms, sample %.2f ms (2 threads)",
                        exactTime.median * 1_000, sampled.median * 1_000),
                    format: "%.1f"))
            rows.append(
                .row(
                    "equilibrium: sampled excess demand (\(percent)% of agents): error",
                    issue: "#21", value: Samples(errors).median * 1e6,
                    unit: "ppm of total endowment",
                    bound: String(
                        format: "median over %d rounds of the worst good; the 95%% bound covered "
                            + "%d of %d estimates", path.count, covered, path.count * 10),
                    format: "%.1f"))
        }
    }
}
