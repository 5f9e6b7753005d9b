import Dispatch
import RTBCore
import RTBEvents
import RTBMarket
import RTBModels
import RTBTrace

/// One run with an agent killed at one tick, compared with the uninterrupted baseline.
public struct KillPointResult: Sendable {
    public var tick: Int64
    /// Memory fields (open orders, archive, prices, reputation, pending) equal before the kill
    /// and after recovery, per killed agent, summed.
    public var fieldsMatching: Int
    public var fieldsTotal: Int
    public var marketDigestMatches: Bool
    public var eventsReplayed: Int64
    public var keysLost: Int64
    public var keysRecovered: Int64
    /// Wall time of the step that killed and recovered the agents.
    public var recoverySeconds: Double
    public var totals: Counters
    public var goalAttainmentPpm: Int64

    public var stateMatches: Bool { fieldsMatching == fieldsTotal }
    public var recovered: Bool { stateMatches && marketDigestMatches }
}

/// The study `rtb-sim test-recovery` runs: a baseline and one run per kill point.
public struct RecoveryStudy: Sendable {
    public var scenario: Scenario
    public var agents: [AgentRef]
    public var baseline: Counters
    public var baselineGoalAttainmentPpm: Int64
    public var baselineMarketDigest: Digest32
    public var results: [KillPointResult]

    /// Kill points whose state and market digest both match.
    public var recoveredCount: Int { results.filter(\.recovered).count }

    /// Mean change of a counter against the baseline (negative = lost).
    public func meanChange(_ counter: Counter) -> Double {
        guard !results.isEmpty else { return 0 }
        return Double(results.reduce(Int64(0)) { $0 + $1.totals[counter] - baseline[counter] })
            / Double(results.count)
    }

    /// Mean change of goal attainment, in ppm.
    public var meanGoalAttainmentChangePpm: Double {
        guard !results.isEmpty else { return 0 }
        return Double(
            results.reduce(Int64(0)) { $0 + $1.goalAttainmentPpm - baselineGoalAttainmentPpm })
            / Double(results.count)
    }
}

/// Kills agents at seeded random ticks and measures what comes back.
public enum RecoveryHarness {
    /// `config` must hold exactly one scenario and no kills; kill ticks are drawn from
    /// `killSeed` over the whole run.
    /// `progress` is called after each kill point with the number done.
    public static func study(
        config: MarketConfig, agents: [AgentRef], killPoints: Int, killSeed: UInt64,
        progress: ((_ done: Int) -> Void)? = nil
    ) throws -> RecoveryStudy {
        precondition(
            config.scenarios.count == 1 && config.kills.isEmpty, "one scenario, no planned kills")
        let (baseline, baselineRun) = try Recording.run(RTBMarketModel.self, config: config)
        let baselineMetrics = baselineRun.metrics.last!
        var random = RandomStream(seed: killSeed, key: StreamKey("kill-points"))
        var results: [KillPointResult] = []
        for _ in 0..<killPoints {
            let tick = random.int(in: 0...config.lastTick)
            var killed = config
            killed.kills = agents.map { AgentKill(agent: $0, tick: tick) }
            results.append(try runKilled(config: killed, baselineDigest: baseline.marketDigest))
            progress?(results.count)
        }
        return RecoveryStudy(
            scenario: config.scenarios[0], agents: agents, baseline: baselineMetrics.totals,
            baselineGoalAttainmentPpm: ScenarioSummary(baselineMetrics).goalAttainmentPpm ?? 0,
            baselineMarketDigest: baseline.marketDigest, results: results)
    }

    static func runKilled(config: MarketConfig, baselineDigest: Digest32) throws -> KillPointResult
    {
        let store = MemoryFrameStore()
        let engine = try RunWiring(sink: store, reader: store).start(
            RTBMarketModel.self, config: config, layout: FrameLayout())
        var fieldsMatching = 0
        var fieldsTotal = 0
        var seconds = 0.0
        while !engine.isFinished {
            guard case .kill(let killed) = engine.nextAction else {
                try engine.step()
                continue
            }
            let before = engine.memory(of: killed)
            let started = DispatchTime.now().uptimeNanoseconds  // determinism-ok: harness timing, outside the engine
            try engine.step()
            seconds += Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9  // determinism-ok: harness timing
            // Only the agent this step killed: the others were not touched. An agent without
            // memory (the exchange) has nothing to compare; a memory that appears or vanishes
            // across the kill counts as five mismatching fields.
            switch (before, engine.memory(of: killed)) {
            case let (memory?, after?):
                let comparisons = [
                    memory.deals == after.deals, memory.archive == after.archive,
                    memory.priceReferences == after.priceReferences,
                    memory.reputation == after.reputation,
                    memory.pending == after.pending,
                ]
                fieldsMatching += comparisons.filter { $0 }.count
                fieldsTotal += comparisons.count
            case (nil, nil):
                break
            default:
                fieldsTotal += 5
            }
        }
        let metrics = engine.metrics.last!
        var replayed: Int64 = 0
        var lost: Int64 = 0
        var recovered: Int64 = 0
        for event in try store.allEvents() {
            if case .recovery(let recovery) = event.body, recovery.trigger == .kill {
                replayed += recovery.eventsReplayed
                lost += recovery.keysLost
                recovered += recovery.keysRecovered
            }
        }
        return KillPointResult(
            tick: config.kills.first?.tick ?? 0, fieldsMatching: fieldsMatching,
            fieldsTotal: fieldsTotal,
            marketDigestMatches: engine.marketDigest == baselineDigest, eventsReplayed: replayed,
            keysLost: lost,
            keysRecovered: recovered, recoverySeconds: seconds, totals: metrics.totals,
            goalAttainmentPpm: ScenarioSummary(metrics).goalAttainmentPpm ?? 0)
    }
}
