import RTBAtomization
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
    #expect(run.agentTimes.invocations == [2_880, 720, 720, 144, 96])
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
