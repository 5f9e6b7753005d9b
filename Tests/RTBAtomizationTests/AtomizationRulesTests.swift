@testable import RTBAtomization
import RTBCore
import RTBTrace
import Testing

/// The seed's boundaries, exactly: the product of the listed dimensions, the strict
/// graduation and termination rules, credits summing to one conversion, and reallocation that
/// conserves the budget.
@Test func theSeedsDimensionsMake432Cells() throws {
    let config = AtomizationConfig()
    #expect(config.cellCount == 432)
    let grid = CellGrid(config: config)
    #expect(grid.cells.count == 432)
    #expect(
        Set(grid.cells.map { [$0.audience, $0.creative, $0.strategy, $0.daypart, $0.platform] })
            .count == 432)
}

@Test func graduationNeedsMoreThan100ConversionsAndROASAbove3Point5() {
    let spend: Int64 = 1_000_000_000
    // Exactly 100 conversions never graduates; exactly ROAS 3.5 never graduates.
    #expect(!Lifecycle.graduates(conversionsPpm: 100_000_000, revenue: 10 * spend, spend: spend))
    #expect(!Lifecycle.graduates(conversionsPpm: 100_000_001, revenue: 3_500_000_000, spend: spend))
    #expect(Lifecycle.graduates(conversionsPpm: 100_000_001, revenue: 3_500_000_001, spend: spend))
    #expect(Lifecycle.graduates(conversionsPpm: 101_000_000, revenue: 4 * spend, spend: spend))
}

@Test func terminationNeedsSpendAboveTheMinimumAndNoConversion() {
    let minimum = Micros(200_000_000)
    #expect(!Lifecycle.terminates(conversionsPpm: 0, spend: 200_000_000, minTestBudget: minimum))
    #expect(Lifecycle.terminates(conversionsPpm: 0, spend: 200_000_001, minTestBudget: minimum))
    #expect(!Lifecycle.terminates(conversionsPpm: 1, spend: 900_000_000, minTestBudget: minimum))
}

@Test(arguments: AttributionModel.allCases)
func creditsSumToOneConversion(model: AttributionModel) {
    for count in 1...7 {
        let slots = (0..<count).map { Int64($0 * 97) }
        let fractions = Attribution.fractions(
            model, touchSlots: slots, conversionSlot: slots.last!, halfLifeSlots: 2_880)
        #expect(fractions.count == count && fractions.reduce(0, +) == 1_000_000)
        #expect(fractions.allSatisfy { $0 >= 0 })
    }
    let three = Attribution.fractions(
        model, touchSlots: [0, 10, 20], conversionSlot: 20, halfLifeSlots: 10)
    switch model {
    case .lastTouch: #expect(three == [0, 0, 1_000_000])
    case .linear: #expect(three == [333_334, 333_333, 333_333])
    case .positionBased: #expect(three == [400_000, 200_000, 400_000])
    case .timeDecay: #expect(three == [142_857, 285_714, 571_429])
    }
}

@Test func reallocationHalvesTheBottomFifthAndConservesTheBudget() {
    let candidates = (0..<10).map { cell in
        Reallocation.Candidate(
            cell: cell, budget: 1_000_001, revenue: Int64(cell) * 1_000, spend: 1_000,
            conversionsPpm: Int64(cell) * 1_000_000)
    }
    let plan = Reallocation.plan(candidates)
    // k = 2: cells 0 and 1 (lowest ROAS) keep half (floored), cells 9 and 8 share the rest.
    #expect(plan.map(\.cell) == [1, 0, 9, 8])
    #expect(plan.map(\.delta) == [-500_001, -500_001, 500_001, 500_001])
    #expect(plan.reduce(0) { $0 + $1.delta } == 0)
    #expect(Reallocation.plan(Array(candidates.prefix(1))).isEmpty)
}

/// A relative decline of -16% over the window fires, -14% and exactly -15% do not.
@Test func theFatigueRuleFiresBelowMinus15Percent() {
    func series(_ step: Int64) -> [(t: Int64, y: Int64)] {
        // Three buckets around a mean of 10,000 ppm: decline = -2 step / 10,000.
        [(0, 10_000 + step), (1, 10_000), (2, 10_000 - step)]
    }
    #expect(FatigueRule.fatigued(series(800), impressions: 50_000, minImpressions: 10_000))
    #expect(!FatigueRule.fatigued(series(750), impressions: 50_000, minImpressions: 10_000))
    #expect(!FatigueRule.fatigued(series(700), impressions: 50_000, minImpressions: 10_000))
    #expect(FatigueRule.declinePpm(series(800)) == -160_000)
    #expect(FatigueRule.declinePpm(series(700)) == -140_000)
    // Too few impressions or buckets: never.
    #expect(!FatigueRule.fatigued(series(800), impressions: 9_999, minImpressions: 10_000))
    #expect(
        !FatigueRule.fatigued(Array(series(800).prefix(2)), impressions: 50_000, minImpressions: 1))
}

/// Priority (0.8, 0.5, 0.1) is 360,000 ppm; the round takes by priority within the 0.2 risk
/// budget, skipping what would exceed it.
@Test func theDecisionEngineTakesByPriorityWithinTheRiskBudget() {
    let first = DecisionEngine.Recommendation(score: 800_000, impact: 500_000, risk: 100_000)
    #expect(first.priority == 360_000)
    let recommendations = [
        first,
        DecisionEngine.Recommendation(score: 900_000, impact: 900_000, risk: 150_000),
        DecisionEngine.Recommendation(score: 500_000, impact: 500_000, risk: 50_000),
        DecisionEngine.Recommendation(score: 100_000, impact: 100_000, risk: 10_000),
    ]
    // By priority: #1 (688,500, risk 0.15), #0 (360,000, risk 0.1: would exceed), #2 (237,500,
    // risk 0.05: fits, 0.2 in all), #3 (9,900, risk 0.01: would exceed).
    #expect(DecisionEngine.take(recommendations) == [false, true, true, false])
}

/// The agents run at the design's cadences: the monitor every 30 s, reallocation and lifecycle
/// every 2 minutes, creative optimization every 10 minutes (counted by the run's own timings).
@Test func theAgentsRunAtTheirCadences() throws {
    var config = AtomizationConfig()
    config.impressionsPerDay = 20_000
    config.users = 1_000
    let run = AtomizationRun(
        config: config,
        environment: RunEnvironment(
            sink: NullSink(), shared: MemoryFrameStore(), layout: FrameLayout()))
    while try run.step() {}
    #expect(run.agentTimes.invocations == [2_880, 720, 720, 144, 96, 288])
    // Cadences are configurable: every agent at 10 minutes.
    config.cadences.monitor = 20
    config.cadences.reallocation = 20
    config.cadences.lifecycle = 20
    config.cadences.discovery = 20
    config.cadences.synthesizer = 20
    let slower = AtomizationRun(
        config: config,
        environment: RunEnvironment(
            sink: NullSink(), shared: MemoryFrameStore(), layout: FrameLayout()))
    while try slower.step() {}
    #expect(slower.agentTimes.invocations == [144, 144, 144, 144, 144, 144])
}

/// Similar winners: the same creative (checked by the run) and bid strategy and at most one
/// targeting set different; the union is sorted. A merge needs ROAS at least 3.5: exactly 3.5
/// is a winner (graduation needs more than 3.5).
@Test func similarWinnersShareFourOfFiveDimensions() {
    let a = CellTargeting(audiences: [0], strategy: 1, dayparts: [2], platforms: [3])
    let platform = CellTargeting(audiences: [0], strategy: 1, dayparts: [2], platforms: [1])
    #expect(
        a.merged(with: platform)
            == CellTargeting(audiences: [0], strategy: 1, dayparts: [2], platforms: [1, 3]))
    let audience = CellTargeting(audiences: [4], strategy: 1, dayparts: [2], platforms: [3])
    #expect(a.merged(with: audience)?.audiences == [0, 4])
    let two = CellTargeting(audiences: [4], strategy: 1, dayparts: [2], platforms: [1])
    #expect(a.merged(with: two) == nil)
    let bid = CellTargeting(audiences: [0], strategy: 0, dayparts: [2], platforms: [3])
    #expect(a.merged(with: bid) == nil)
    #expect(Lifecycle.winner(revenue: 3_500_000, spend: 1_000_000))
    #expect(!Lifecycle.winner(revenue: 3_499_999, spend: 1_000_000))
    #expect(!Lifecycle.graduates(conversionsPpm: 200_000_000, revenue: 3_500_000, spend: 1_000_000))
}

/// The discovery confidence: the posterior's normal tail, 0.5 at the campaign's rate (up to
/// the prior), rising with the evidence; the rule needs the minimum conversions and finds the
/// ZIPs that carry the high converters' shared signals.
@Test func discoveryConfidenceGrowsWithEvidence() {
    let even = DiscoveryRule.confidencePpm(
        conversions: 999, impressions: 99_998, campaignConversions: 1_000,
        campaignImpressions: 100_000)
    #expect(abs(even - 500_000) < 5_000, "\(even)")
    let small = DiscoveryRule.confidencePpm(
        conversions: 15, impressions: 1_000, campaignConversions: 1_000,
        campaignImpressions: 100_000)
    let large = DiscoveryRule.confidencePpm(
        conversions: 150, impressions: 10_000, campaignConversions: 1_000,
        campaignImpressions: 100_000)
    #expect(small > 800_000 && small < large && large > 999_000, "\(small) \(large)")
    // z = 1: 841,344 ppm (Phi(1) = 0.8413447).
    let a = 101.0
    let b = 9_901.0
    let sd = (a * b / ((a + b) * (a + b) * (a + b + 1))).squareRoot()
    let p0 = a / (a + b) - sd
    let one = DiscoveryRule.confidencePpm(
        conversions: 100, impressions: 10_000, campaignConversions: Int64((p0 * 1e9).rounded()),
        campaignImpressions: 1_000_000_000)
    #expect(abs(one - 841_345) <= 2, "\(one)")

    var config = AtomizationConfig()
    config.seed = 11
    let pool = ZipPool(config: config)
    var impressions = [Int64](repeating: 10_000, count: pool.count)
    var conversions = [Int64](repeating: 10, count: pool.count)
    // The ZIPs carrying the first signal convert three times as often.
    for zip in 0..<pool.count where pool.signalMasks[zip] & 1 != 0 { conversions[zip] = 30 }
    let found = DiscoveryRule.find(
        zipImpressions: impressions, zipConversions: conversions, pool: pool,
        signals: config.signalVocabulary.count, known: [], thresholdPpm: 800_000,
        sharePpm: 500_000, minConversions: 30)
    #expect(found?.signals.contains(0) == true, "\(String(describing: found))")
    #expect(found.map { $0.zips.allSatisfy { pool.signalMasks[$0] & 1 != 0 } } == true)
    #expect(
        DiscoveryRule.find(
            zipImpressions: impressions, zipConversions: conversions, pool: pool,
            signals: config.signalVocabulary.count, known: found.map { [$0.zips] } ?? [],
            thresholdPpm: 800_000, sharePpm: 500_000, minConversions: 30)?.zips != found?.zips)
    impressions = impressions.map { $0 / 100 }
    conversions = conversions.map { $0 / 10 }
    #expect(
        DiscoveryRule.find(
            zipImpressions: impressions, zipConversions: conversions, pool: pool,
            signals: config.signalVocabulary.count, known: [], thresholdPpm: 800_000,
            sharePpm: 500_000, minConversions: 1_000) == nil)
}

/// The synthesizer: one audience best on every platform is scaled everywhere; otherwise each
/// platform's best on its own; a scaling moves 5% of the other cells' budgets, conserved.
@Test func theSynthesizerScalesTheBestAudiences() {
    func cell(_ audience: Int, _ platform: Int, revenue: Int64) -> Synthesizer.Cell {
        Synthesizer.Cell(
            audience: audience, platform: platform, running: true, spend: 1_000, revenue: revenue,
            budget: 1_000_001)
    }
    let everywhere = [
        cell(0, 0, revenue: 3_000), cell(1, 0, revenue: 2_000), cell(0, 1, revenue: 5_000),
        cell(1, 1, revenue: 1_000),
    ]
    let found = Synthesizer.patterns(everywhere, audiences: 2, platforms: 2)
    #expect(found.map(\.pattern) == [Synthesizer.Pattern(audience: 0, platform: nil)])
    // ROAS of audience 0: 8,000 / 2,000 = 4; of the scope: 11,000 / 4,000 = 2.75: lift 0.4545.
    #expect(found.map(\.lift) == [454_545])
    let moves = Synthesizer.moves(found[0].pattern, everywhere)
    #expect(
        moves.map(\.cell) == [1, 3, 0, 2]
            && moves.map(\.delta) == [-50_000, -50_000, 50_000, 50_000])
    var split = everywhere
    split[3].revenue = 9_000
    let perPlatform = Synthesizer.patterns(split, audiences: 2, platforms: 2)
    #expect(
        perPlatform.map(\.pattern) == [
            Synthesizer.Pattern(audience: 0, platform: 0),
            Synthesizer.Pattern(audience: 1, platform: 1),
        ])
    #expect(perPlatform.map { $0.pattern.target(audiences: 2) } == [2, 5])
}

/// A monitor killed just after a merge rebuilds the power cell's window (its winners' windows,
/// summed as the merge did) from the ledger: its memory equals the memory of the run without
/// the kill, slot after slot.
@Test func aKilledMonitorRebuildsAPowerCellsWindow() throws {
    var config = AtomizationConfig()
    config.seed = 3
    config.days = 1
    config.creatives = ["creative_a"]
    config.bidStrategies = ["balanced"]
    config.dayparts = ["prime"]
    config.platforms = ["hulu", "peacock"]
    config.audiences = Array(config.audiences.prefix(2))
    config.impressionsPerDay = 100_000
    config.users = 20_000
    config.baseCVRppm = 20_000
    config.baseCTRppm = 50_000
    config.minTestBudget = Micros(20_000_000)
    config.minImpressions = 200
    func start(_ config: AtomizationConfig) -> AtomizationRun {
        let store = MemoryFrameStore()
        return AtomizationRun(
            config: config,
            environment: RunEnvironment(sink: store, shared: store, layout: FrameLayout()))
    }
    let plain = start(config)
    while plain.merges == 0, try plain.step() {}
    #expect(plain.merges > 0)
    let power = try #require(plain.mergedInto.first { $0 >= 0 })
    let window = power * AtomizationRun.window..<(power + 1) * AtomizationRun.window
    #expect(plain.windowImpressions[window].contains { $0 > 0 })
    let killSlot = plain.slot + 2
    config.kills = [(.monitor, killSlot)]
    let plainRun = start(AtomizationConfig(config: config, kills: []))
    let killed = start(config)
    while killed.slot <= killSlot + 3, try killed.step() {
        _ = try plainRun.step()
        #expect(killed.windowImpressions == plainRun.windowImpressions, "slot \(killed.slot)")
    }
}

extension AtomizationConfig {
    init(config: AtomizationConfig, kills: [(agent: AgentName, slot: Int64)]) {
        self = config
        self.kills = kills
    }
}

/// The learning system's opening budgets: cells matching a pattern whose confidence exceeds
/// 0.85 (strictly) get weight 1.5, the split is exact; patterns match by name; campaigns in one
/// world share its effects.
@Test func confidentPatternsWeightTheOpeningBudgets() {
    var config = AtomizationConfig()
    let cells = CellGrid(config: config).cells
    let even = LearningSystem.openingBudgets(cells, config: config)
    #expect(even.reduce(0, +) == config.dailyBudget.raw)
    #expect(Set(even).count <= 2)
    config.library = [
        LearnedPattern(
            terms: [.init(.platform, "hulu")], liftPpm: 1_300_000, confidencePpm: 850_001),
        LearnedPattern(
            terms: [.init(.audience, "luxury_seekers"), .init(.platform, "peacock")],
            liftPpm: 1_200_000, confidencePpm: 900_000),
        LearnedPattern(
            terms: [.init(.daypart, "prime")], liftPpm: 1_500_000, confidencePpm: 850_000),
        LearnedPattern(
            terms: [.init(.platform, "tubi")], liftPpm: 2_000_000, confidencePpm: 990_000),
    ]
    let weighted = LearningSystem.openingBudgets(cells, config: config)
    #expect(weighted.reduce(0, +) == config.dailyBudget.raw)
    let hulu = cells.firstIndex { $0.platform == 0 }!
    let plain = cells.firstIndex { $0.platform == 1 && $0.audience == 0 }!
    let luxuryPeacock = cells.firstIndex { $0.platform == 2 && $0.audience == 2 }!
    #expect(weighted[hulu] * 2 / 3 - weighted[plain] <= 1)
    #expect(weighted[luxuryPeacock] == weighted[hulu])
    // 108 hulu and 36 luxury-on-peacock cells weigh 1.5, the other 288 weigh 1.
    let share = config.dailyBudget.raw * 10 / (144 * 15 + 288 * 10)
    #expect(weighted[plain] == share || weighted[plain] == share + 1)

    var other = AtomizationConfig()
    other.seed = 99
    other.worldSeed = 1
    #expect(CellGrid(config: other).fatiguePpm == CellGrid(config: AtomizationConfig()).fatiguePpm)
    #expect(ZipPool(config: other).liftPpm == ZipPool(config: AtomizationConfig()).liftPpm)
}

/// A spawn's funding is proportional to the donors' budgets and exact, even with budgets whose
/// products with the amount overflow 64 bits (a billion-dollar campaign).
@Test func spawnFundingIsExactWithLargeBudgets() throws {
    let budgets: [Int64] = [1_000_000_000_000_000, 3_000_000_000_000_000, 0, 7]
    let changes = try #require(
        AtomizationRun.spawnFunding(
            cell: 2, budgets: budgets, running: [true, true, true, false], amount: 200_000_001))
    #expect(changes.map(\.delta).reduce(0, +) == 0)
    #expect(changes.map(\.cell) == [0, 1, 2])
    #expect(changes.map(\.delta) == [-50_000_000, -150_000_001, 200_000_001])
}

/// A campaign whose ROAS is below one ppm learns nothing (no lift to measure), and does not trap.
@Test func aCampaignWithNoMeasurableROASLearnsNothing() {
    let cells = [
        LearningSystem.Cell(
            values: [0, 0, 0, 0, 0], spend: 50_000_000_000, revenue: 10, impressions: 1_000_000,
            conversionsPpm: 1_000_000)
    ]
    #expect(LearningSystem.learn(cells, config: AtomizationConfig()).isEmpty)
}
