import Foundation
import RTBCore
import RTBEvents
import RTBMarket
import RTBIntegrity
import RTBModels
import RTBRunning
import RTBTrace

/// Recovery of killed agents, and scale mode.
extension BenchmarkSuite {
    func recovery() throws {
        note("recovery: \(scale.killPoints) kill points in scenario C")
        var config = defaultConfig
        config.scenarios = [.c]
        var study: RecoveryStudy?
        // The whole study (record, then every kill point replayed with its kill), warm-up first.
        let seconds = try Stopwatch.samples(runs: scale.runs) {
            study = try RecoveryHarness.study(
                config: config, agents: [.buyer(1)], killPoints: scale.killPoints, killSeed: 42)
        }
        let times = Samples(study!.results.map { $0.recoverySeconds * 1_000 })
        rows.append(
            .row(
                "one agent recovered from the ledger (kill step)", issue: "#6", samples: times,
                value: times.median,
                unit: "ms", atMost: 10,
                bound: "\(study!.recoveredCount)/\(study!.results.count) exact", format: "%.3f"))
        rows.append(
            .row(
                "test-recovery with \(scale.killPoints) kill points (wall)", issue: "#6",
                samples: seconds,
                value: seconds.median, unit: "s",
                atMost: 30, format: "%.1f"))
    }

    func scaleMode() throws {
        for agents in [scale.scaleAgents.small, scale.scaleAgents.large] {
            var config = ScaleConfig()
            config.agents = agents
            config.rounds =
                agents == scale.scaleAgents.small
                ? scale.scaleRounds.small : scale.scaleRounds.large
            note("scale mode: \(agents) agents")
            var digests: [Digest32] = []
            var rates: [Int: [Double]] = [:]  // determinism-ok: benchmark bookkeeping
            // Alternating thread counts, so machine noise hits both alike.
            for _ in 0..<scale.runs {
                for threads in [1, 2] {
                    let (digest, seconds) = try scaleRun(config, threads: threads)
                    digests.append(digest)
                    rates[threads, default: []].append(Double(config.rounds) / seconds)
                }
            }
            guard Set(digests).count == 1 else {
                throw BenchmarkFailure("scale digests differ between thread counts")
            }
            let one = Samples(rates[1]!)
            let two = Samples(rates[2]!)
            let target = agents >= 1_000_000 ? 10.0 : 100.0
            rows.append(
                .row(
                    "scale mode, \(agents) agents: rounds per second (1 thread)", issue: "#8",
                    samples: one,
                    value: one.median, unit: "rounds/s", atLeast: target, format: "%.0f"))
            rows.append(
                .row(
                    "scale mode, \(agents) agents: 2-thread speedup (identical digests)",
                    issue: "#8",
                    value: two.median / one.median, unit: "x",
                    atLeast: agents >= 1_000_000 ? 1.6 : nil,
                    bound: String(format: "%.0f rounds/s on 2 threads", two.median), format: "%.2f")
            )
        }
        rows.append(
            .row(
                "scale mode: agent state", issue: "#8", value: Double(ScaleMarket.bytesPerAgent),
                unit: "B/agent",
                atMost: 64, format: "%.0f"))
    }

    /// One scale run without a ledger (frames hashed): its run digest and the seconds its
    /// rounds took (set-up excluded).
    func scaleRun(_ config: ScaleConfig, threads: Int) throws -> (Digest32, Double) {
        let layout = FrameLayout()
        let hasher = ChainHashingSink(
            ScaleMarketModel.self,
            header: RunHeader.of(ScaleMarketModel.self, config: config, layout: layout),
            chunkEvents: nil)
        let run = try RunWiring(sink: hasher, parallel: ThreadedWork(workers: threads)).start(
            ScaleMarketModel.self, config: config, layout: layout)
        let started = DispatchTime.now().uptimeNanoseconds  // determinism-ok: measurement
        while try run.step() {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9  // determinism-ok: measurement
        return (hasher.headHash, seconds)
    }
}
