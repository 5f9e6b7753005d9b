import Foundation
import RTBCore
import RTBRunning
import RTBTrace
import Testing

@testable import RTBAuctionLab

/// Runs `config` in memory and returns its events with the run.
func labEvents(_ config: LabConfig, canary: String? = nil) throws -> (
    events: [LabEvent], run: LabRun
) {
    let store = MemoryFrameStore()
    var settings = RecordingSettings()
    settings.canary = canary
    let (_, run) = try Recording.run(
        AuctionLabModel.self, config: config, settings: settings, sink: store)
    var events: [LabEvent] = []
    for frame in store.frames { events += try LabEvent.decodeEvents(frame.bytes) }
    return (events, run)
}

/// A small custom experiment: `agents` copies of one agent spec.
func labConfig(
    _ rule: PriceRule, agents: Int = 4, items: Int = 3, participants: Int = 3,
    rounds: Int = 3_000, iterations: Int = 2, configure: (inout LabAgentSpec) -> Void = { _ in }
) -> LabConfig {
    var config = LabConfig()
    config.seed = 7
    config.priceRule = rule
    config.rounds = rounds
    config.iterations = iterations
    config.participants = participants
    var agent = LabAgentSpec()
    agent.items = items
    configure(&agent)
    config.agents = Array(repeating: agent, count: agents)
    return config
}

/// The rounds of a run with each participant's integers.
func rounds(_ events: [LabEvent]) -> [RoundPlayed] {
    events.compactMap {
        if case .roundPlayed(let round) = $0.body { return round } else { return nil }
    }
}

/// In second price a truthful oracle bidder never loses money on a round it wins, and no other
/// bid would have earned it more: the hindsight best response to the others' bids (over every
/// bid, the regret terms) gains nothing over the truthful bid, checked directly on a grid of
/// deviations too.
@Test func truthfulOracleBiddingInSecondPriceIsABestResponse() throws {
    let config = labConfig(.secondPrice)
    let (events, _) = try labEvents(config)
    let played = rounds(events)
    #expect(played.count == config.rounds * config.iterations)
    var wins = 0
    for round in played {
        let stride = config.bidStride
        let count = round.bids.rows
        for slot in 0..<(round.outcome.count / 3) {
            let p = Int(round.outcome[slot * 3])
            // Expected utility of the win: true expected value - price >= 0.
            let value = try #require(
                RoundAccounting.value(in: round.bids.cells, at: p, stride: stride))
            #expect(value - round.outcome[slot * 3 + 1] >= 0)
            wins += 1
        }
        // Deviations: any bid in a grid around the truthful one, against the others' bids.
        for p in 0..<count {
            // A truthful oracle bids its value: the recorded value minus the bid is 0.
            #expect(round.bids.cells[p * stride + 3] == 0)
            let value = try #require(
                RoundAccounting.value(in: round.bids.cells, at: p, stride: stride))
            let others = (0..<count).filter { $0 != p }.map { round.bids.cells[$0 * stride + 2] }
            let highest = others.max() ?? 0
            let truthful = value > highest ? value - highest : 0
            for factor in [0.0, 0.5, 0.9, 1.1, 1.5, 3.0] {
                let deviation = Int64(Double(value) * factor)
                let utility = deviation > highest ? value - highest : 0
                #expect(utility <= truthful)
            }
        }
    }
    #expect(wins > 1_000)
    for event in events {
        guard case .agentIteration(let summary) = event.body else { continue }
        #expect(summary.overbidRegret == 0 && summary.underbidRegret == 0)
        #expect(summary.allocationRegret == 0 && summary.optimum == summary.expected)
    }
}

/// A recorded round holds each value as its difference from the bid; reading it back refuses a
/// sum that overflows or is negative (the checker counts such a round as malformed).
@Test func recordedValuesAreTheBidPlusTheDifference() {
    let stride = 6
    #expect(RoundAccounting.value(in: [0, 0, 40_000, 0, 0, 0], at: 0, stride: stride) == 40_000)
    #expect(
        RoundAccounting.value(
            in: [0, 0, 0, 0, 0, 0, 1, 0, 30_000, -5_000, 0, 0], at: 1, stride: stride)
            == 25_000)
    #expect(RoundAccounting.value(in: [0, 0, 10, -11, 0, 0], at: 0, stride: stride) == nil)
    #expect(RoundAccounting.value(in: [0, 0, .max, 1, 0, 0], at: 0, stride: stride) == nil)
    #expect(RoundAccounting.value(in: [0, 0, .min, -1, 0, 0], at: 0, stride: stride) == nil)
}

/// In first price the revenue of every iteration is the sum of the winning bids.
@Test func firstPriceRevenueIsTheSumOfWinningBids() throws {
    let config = labConfig(.firstPrice) {
        $0.bidder = .empiricalShaded; $0.gammaSigma = 0.1
    }
    let (events, _) = try labEvents(config)
    var winning: Int64 = 0
    var closed = 0
    for event in events {
        switch event.body {
        case .roundPlayed(let round):
            for slot in 0..<(round.outcome.count / 3) {
                winning += round.bids.cells[Int(round.outcome[slot * 3]) * config.bidStride + 2]
            }
        case .iterationClosed(let iteration):
            #expect(iteration.revenue == winning)
            #expect(winning > 0)
            winning = 0
            closed += 1
        default: break
        }
    }
    #expect(closed == config.iterations)
}

/// Thompson sampling on a two-arm problem (constant context: each item's CTR is one number)
/// concentrates its choices on the better arm as its posterior sharpens.
@Test func thompsonSamplingConcentratesOnTheBetterArm() {
    var posterior = LogisticPosterior(items: 2, width: 1)
    var world = RandomStream(seed: 3, key: StreamKey("two-arms"))
    let rates = [0.05, 0.02]
    let x = [1.0]
    var shares: [Double] = []
    for _ in 0..<8 {
        var data = [ImpressionData(), ImpressionData()]
        var better = 0
        for _ in 0..<2_000 {
            let draws = (0..<2).map { posterior.sample($0, x, &world) }
            let arm = draws[0] >= draws[1] ? 0 : 1
            if arm == 0 { better += 1 }
            data[arm].features.append(1)
            data[arm].clicks.append(world.nextUnit() < rates[arm])
        }
        shares.append(Double(better) / 2_000)
        for arm in 0..<2 where !data[arm].clicks.isEmpty {
            posterior.update(arm, features: data[arm].features, clicks: data[arm].clicks)
        }
    }
    #expect(shares.last! > 0.9, "\(shares)")
    #expect(shares.last! > shares.first!, "\(shares)")
    // The MAP estimate of the better arm is near its rate.
    #expect(abs(posterior.estimate(0, x) - 0.05) < 0.01, "\(posterior.estimate(0, x))")
}

/// The round event written field by field decodes to the generated type and re-encodes to
/// the same bytes.
@Test func theRoundEventsDirectEncodingIsTheGeneratedLayout() throws {
    let config = labConfig(.secondPrice, rounds: 50, iterations: 1)
    let store = MemoryFrameStore()
    _ = try Recording.run(AuctionLabModel.self, config: config, sink: store)
    var reader = CanonicalReader(store.frames[0].bytes)
    var seen = 0
    while !reader.isAtEnd {
        let start = reader.offset
        let event = try LabEvent.decode(from: &reader)
        #expect(event.canonicalBytes == Array(store.frames[0].bytes[start..<reader.offset]))
        if case .roundPlayed = event.body { seen += 1 }
    }
    #expect(seen == 50)
}

/// The fast exp agrees with the platform's to about 2 ulp and gives the same bits on every
/// call (it is built from basic operations only).
@Test func fastExpIsAccurate() {
    var stream = RandomStream(seed: 1, key: StreamKey("exp"))
    for _ in 0..<100_000 {
        let x = stream.uniform(-700, 700)
        let ours = DeterministicMath.fastExp(x)
        let reference = Foundation.exp(x)  // determinism-ok: a test's reference value
        #expect(abs(ours - reference) <= 4 * reference.ulp, "\(x)")
    }
    #expect(DeterministicMath.fastExp(0) == 1)
    #expect(DeterministicMath.fastExp(-1_000) == 0 && DeterministicMath.fastExp(1_000) == .infinity)
}

/// fastExp rounds its reduction index with `roundedToEvenWithInteger`: the same integers as
/// `rounded(.toNearestOrEven)` over fastExp's whole range, exact halves (ties to even) included,
/// and the integers it reads from the bits are those values.
@Test func fastExpRoundingIsTiesToEven() {
    var stream = RandomStream(seed: 2, key: StreamKey("exp-rounding"))
    var values: [Double] = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 32_000.5]
    for _ in 0..<100_000 { values.append(stream.uniform(-34_400, 34_400)) }
    for _ in 0..<10_000 { values.append(Double(stream.int(in: -34_400...34_400)) + 0.5) }
    for y in values {
        let (value, integer) = DeterministicMath.roundedToEvenWithInteger(y)
        #expect(value == y.rounded(.toNearestOrEven), "\(y)")
        #expect(Double(integer) == value && Int(value) == integer, "\(y)")
    }
}

/// Empirical shading moves to the gamma bucket with the best lower confidence bound.
@Test func empiricalShadingPicksTheBestLowerBound() {
    var spec = LabAgentSpec()
    spec.bidder = .empiricalShaded
    var bidder = BidderState(spec)
    var samples: [BidSample] = []
    // Gamma 0.6: mean 1.0 with spread; gamma 0.8: mean 1.2 but very noisy; gamma 0.7: 1.1 tight.
    for index in 0..<40 {
        let sign = index % 2 == 0 ? 1.0 : -1.0
        samples.append(BidSample(estimate: 1, gamma: 0.6, won: true, utility: 1.0 + 0.1 * sign))
        samples.append(BidSample(estimate: 1, gamma: 0.8, won: true, utility: 1.2 + 3 * sign))
        samples.append(BidSample(estimate: 1, gamma: 0.7, won: true, utility: 1.1 + 0.05 * sign))
    }
    #expect(bidder.update(samples) == [0.7])
}

/// Seed 003's persona pass: each persona's click rate follows its CTR factor (the same agents,
/// contexts and items for all), and creative fatigue lowers the click rate of the same
/// experiment.
@Test func personasScaleClicksAndFatigueLowersThem() throws {
    var config = labConfig(.secondPrice, rounds: 6_000, iterations: 1)
    config.personas = Persona.defaults
    config.users = 300
    func clickRates(_ config: LabConfig) throws -> (byPersona: [Double], all: Double) {
        let (events, run) = try labEvents(config)
        var counts = Array(repeating: (0.0, 0.0), count: config.personas.count)
        for round in rounds(events) {
            let persona = run.userPersonas[round.user]
            for slot in 0..<(round.outcome.count / 3) {
                counts[persona].0 += 1
                counts[persona].1 += Double(round.outcome[slot * 3 + 2])
            }
        }
        let all = counts.reduce(0) { $0 + $1.1 } / counts.reduce(0) { $0 + $1.0 }
        return (counts.map { $0.1 / max(1, $0.0) }, all)
    }
    let fresh = try clickRates(config)
    // The personas' CTR factors order their click rates (1.4 teen, 1.3 concerned parent ...
    // 0.7 busy professional); a 3,000-impression sample per persona keeps the order.
    let order = config.personas.indices.sorted {
        config.personas[$0].ctrPpm > config.personas[$1].ctrPpm
    }
    #expect(fresh.byPersona[order.first!] > fresh.byPersona[order.last!], "\(fresh.byPersona)")
    #expect(fresh.byPersona[order[1]] > fresh.byPersona[order[4]], "\(fresh.byPersona)")
    config.fatigueHalfLife = 2
    let tired = try clickRates(config)
    #expect(tired.all < 0.8 * fresh.all, "\(tired.all) vs \(fresh.all)")
}
