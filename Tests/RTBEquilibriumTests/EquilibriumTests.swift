import Foundation
import RTBCore
import RTBEquilibrium
import RTBRunning
import RTBTestSupport
import RTBTrace
import Testing

/// Runs an economy in memory, every frame checked as it is sealed.
final class CheckedRun {
    let checker: EquilibriumChecker
    let run: EquilibriumRun

    init(_ config: EconomyConfig, threads: Int = 1, canary: String? = nil) throws {
        checker = EquilibriumChecker(config: config)
        let memory = MemoryFrameStore()
        let environment = RunEnvironment(
            sink: memory, shared: memory,
            layout: FrameLayout(frameTargetBytes: 16_384, checkpointEveryFrames: 4),
            parallel: ThreadedWork(workers: threads), canary: canary)
        run = EquilibriumRun(config: config, environment: environment)
        while try self.run.step() {}
        for frame in try memory.sealedFrames(from: 0) {
            _ = try ExchangeEconomyModel.check(
                frame: frame.bytes, firstSequence: frame.firstSequence, with: checker)
        }
        checker.finish()
    }

    var violations: [String] {
        checker.tally.first.compactMap { $0?.description }
    }

    var outcome: TatonnementOutcome? { run.outcome }
}

extension EconomyConfig {
    static func make(
        seed: UInt64, agents: Int = 400, goods: Int = 4, preference: Preference = .cobbDouglas,
        elasticity: Double = 2
    ) -> EconomyConfig {
        var config = EconomyConfig()
        config.seed = seed
        config.agents = agents
        config.goods = goods
        config.preference = preference
        config.elasticity = elasticity
        return config
    }
}

/// Gross substitutes (Cobb-Douglas; CES with sigma > 1) converge from seeded random starts,
/// and the checker finds no violation in any of them.
@Test(arguments: [
    (Preference.cobbDouglas, 1.0), (Preference.ces, 1.5), (Preference.ces, 4.0),
])
func grossSubstituteEconomiesConvergeFromRandomStarts(preference: Preference, sigma: Double)
    throws
{
    for seed: UInt64 in 1...12 {
        let goods = 2 + Int(seed % 5)
        let run = try CheckedRun(
            .make(seed: seed, goods: goods, preference: preference, elasticity: sigma))
        #expect(run.outcome == .converged, "seed \(seed)")
        #expect(run.violations.isEmpty, "seed \(seed): \(run.violations)")
    }
}

/// Walras' law and homogeneity of degree zero of demand, at seeded random prices.
@Test(arguments: [Preference.cobbDouglas, .ces, .leontief])
func demandObeysWalrasLawAndIsHomogeneousOfDegreeZero(preference: Preference) throws {
    var random = RandomStream(seed: 5, key: StreamKey("equilibrium-test-prices"))
    for seed: UInt64 in 1...8 {
        let config = EconomyConfig.make(
            seed: seed, agents: 300, goods: 5, preference: preference, elasticity: 0.7)
        let economy = Economy(config: config, parallel: SerialWork())
        let prices = (0..<5).map { _ in random.uniform(0.05, 20) }
        let excess = economy.excessDemand(at: prices, parallel: SerialWork())
        var value = 0.0
        var scale = 0.0
        for good in 0..<5 {
            value += prices[good] * excess[good]
            scale += prices[good] * economy.totals[good]
        }
        #expect(abs(value) <= 1e-12 * scale, "p.z = \(value) of p.E = \(scale)")
        for factor in [0.001, 0.5, 3.0, 1_000.0] {
            let scaled = economy.excessDemand(
                at: prices.map { $0 * factor }, parallel: SerialWork())
            for good in 0..<5 {
                #expect(
                    abs(scaled[good] - excess[good]) <= 1e-12 * economy.totals[good],
                    "good \(good), prices x \(factor)")
            }
        }
    }
}

/// Scarf's example does not converge: the run ends at its round limit, says so, and the
/// checker fails `equilibrium-found` (and nothing else).
@Test func scarfsExampleIsReportedAsNotConverging() throws {
    var config = EconomyConfig.make(seed: 3, agents: 300, goods: 3, preference: .leontief)
    config.economy = .scarf
    config.maxRounds = 400
    let run = try CheckedRun(config)
    #expect(run.outcome == .roundLimit)
    #expect(run.violations.count == 1)
    #expect(
        run.violations.first?.contains("equilibrium-found: round-limit after 400 rounds") == true)
    // The prices move away from the equilibrium (1, 1, 1) instead of towards it.
    let prices = run.run.currentPrices
    #expect(prices.map { abs($0 - 1) }.max()! > 0.9, "\(prices)")
}

/// One thread or two: the same events, bit for bit (sums reduce chunk by chunk in order).
@Test func threadsNeverChangeTheRun() throws {
    var config = EconomyConfig.make(seed: 9, agents: 12_000, goods: 6, preference: .ces)
    config.sample = 0
    let one = try CheckedRun(config, threads: 1)
    let two = try CheckedRun(config, threads: 2)
    #expect(one.run.marketDigest == two.run.marketDigest)
    config.sample = 9_000
    config.maxRounds = 40
    let sampledOne = try CheckedRun(config, threads: 1)
    let sampledTwo = try CheckedRun(config, threads: 2)
    #expect(sampledOne.run.marketDigest == sampledTwo.run.marketDigest)
    #expect(sampledOne.run.marketDigest != one.run.marketDigest)
}

/// The sampled variant's stated 95% bound covers the exact excess demand at the same prices
/// in at least 90% of (round, good) cases; the exact scan at the end decides the outcome.
@Test func theSampledErrorBoundCoversTheExactExcess() throws {
    var config = EconomyConfig.make(seed: 4, agents: 20_000, goods: 4)
    config.sample = 2_000
    config.tolerance = 1e-4
    let economy = Economy(config: config, parallel: SerialWork())
    var prices = Tatonnement.startPrices(config)
    var covered = 0
    var cases = 0
    for round in 1...30 {
        let (estimate, bound) = Tatonnement.sampledExcess(
            economy, at: prices, size: config.sample, seed: config.seed, round: round,
            parallel: SerialWork())
        let exact = economy.excessDemand(at: prices, parallel: SerialWork())
        for good in 0..<4 {
            cases += 1
            if abs(estimate[good] - exact[good]) <= bound[good] { covered += 1 }
        }
        prices = Tatonnement.update(
            prices, excess: estimate, totals: economy.totals, step: config.step)
    }
    #expect(Double(covered) >= 0.9 * Double(cases), "\(covered) of \(cases)")
    let run = try CheckedRun(config)
    #expect(run.outcome != nil)
    #expect(run.violations.allSatisfy { $0.contains("equilibrium-found") }, "\(run.violations)")
}

/// Every canary is caught by the invariant it breaks.
@Test(arguments: [
    ("walras-skew", "walras-law"), ("negative-price", "prices-positive"),
    ("wrong-step", "tatonnement-step"), ("early-stop", "outcome-truthful"),
    ("overspend", "bundle-affordable"), ("suboptimal", "bundle-optimal"),
    ("suboptimal", "no-pareto-trade"),
])
func everyCanaryIsCaught(canary: String, invariant: String) throws {
    let run = try CheckedRun(.make(seed: 2), canary: canary)
    #expect(run.violations.contains { $0.contains(": \(invariant): ") }, "\(run.violations)")
    let clean = try CheckedRun(.make(seed: 2))
    #expect(clean.violations.isEmpty)
}
