import RTBCore
import RTBTrace

/// Checks a campaign atomization run from its events alone: it keeps every cell's budget,
/// spend, conversions and revenue from the recorded events, recomputes each conversion's
/// credit and each touchpoint's viewer, and holds the lifecycle to seed 004's rules.
public final class AtomizationChecker: ModelChecker {
    public static let invariants = [
        InvariantInfo(
            name: "cells-registered",
            summary:
                "one cell per point of the dimensions' product, in order; events name only those"
        ),
        InvariantInfo(
            name: "budget-conserved",
            summary:
                "every reallocation's changes sum to 0 and the budgets always sum to the daily budget"
        ),
        InvariantInfo(
            name: "spend-within-budget",
            summary:
                "spend = impressions x price, and no cell spends above its daily budget left"),
        InvariantInfo(
            name: "attribution-exact",
            summary: "a conversion's credits sum to 1,000,000 and equal the attribution model's"),
        InvariantInfo(
            name: "touchpoints-recorded",
            summary:
                "every touchpoint is an impression recorded for that cell and slot, seen by that user, within the lookback"
        ),
        InvariantInfo(
            name: "lifecycle-rules",
            summary:
                "graduation only above 100 conversions and ROAS 3.5, termination only above the minimum spend with none"
        ),
        InvariantInfo(
            name: "terminated-silent", summary: "a terminated cell never delivers again"),
        InvariantInfo(
            name: "fatigue-rule",
            summary:
                "every 10 minutes, exactly the creatives whose 3-hour CTR declines more than 15% are reported, with their decline"
        ),
        InvariantInfo(
            name: "risk-budget",
            summary:
                "priorities are score x impact x (1 - risk); the round takes greedily by priority within the 0.2 risk budget"
        ),
        InvariantInfo(
            name: "synthesis-rule",
            summary:
                "every 15 minutes the synthesizer recommends exactly the best-audience patterns, and a taken one moves exactly its 5% shares"
        ),
        InvariantInfo(
            name: "rotation-rule",
            summary:
                "a rotation moves a cell off a fatigued creative whose rotation was taken, to the best other creative"
        ),
        InvariantInfo(
            name: "discovery-rule",
            summary:
                "at every discovery round exactly the rule's audience is discovered (ZIP counts recomputed from the ledger), with its test cell and funding"
        ),
        InvariantInfo(
            name: "merge-rule",
            summary:
                "only similar winners merge, into the next cell with the union and their summed counters and budgets; no similar winners are left after a round"
        ),
        InvariantInfo(
            name: "learning-rule",
            summary:
                "opening budgets weight exactly the cells of confident library patterns; the run's end records exactly the winning patterns with their figures"
        ),
    ]

    let config: AtomizationConfig
    let runFinished: Bool
    public internal(set) var tally = CheckTally(invariants: AtomizationChecker.invariants)
    let expectedCells: [CellSpec]
    var cells = 0
    var price: [Int64] = []
    var budget: [Int64] = []
    var spentToday: [Int64] = []
    var spend: [Int64] = []
    var conversionsPpm: [Int64] = []
    var revenue: [Int64] = []
    var status: [CellStatus] = []
    /// The deliveries of the last `lookback` slots: (slot, cells, impressions), by slot modulo.
    var recent: [(slot: Int64, cells: [Int64], impressions: [Int64])]
    let lookback: Int64
    var impressions: Int64 = 0
    var clicks: Int64 = 0
    var conversions: Int64 = 0
    var flagged: Int64 = 0
    var reallocations: Int64 = 0
    var graduated: Int64 = 0
    var terminated: Int64 = 0
    var rotations: Int64 = 0
    var creativeOf: [Int] = []
    var window: CreativeWindow
    /// Creatives reported fatigued at the bucket end being checked (declines), and the
    /// rotations the decision round took there.
    var reported: [Int64?]
    var takenRotations: [Bool]
    /// Patterns the last synthesizer round took, whose moves are still to come.
    var takenPatterns: [Synthesizer.Pattern] = []
    var lastDelivered: Int64 = -1
    var lastSequence: UInt64 = 0
    // Cells added as the run goes.
    var targeting: [CellTargeting] = []
    var reach: [[Int]] = []
    var mergedInto: [Int] = []
    var discovered: [[Int]] = []
    let zipPool: ZipPool
    var zipImpressions: [Int64]
    var zipConversions: [Int64]
    /// The discovery round being checked, its audience once recorded, and the spawn to come.
    var discoveryRound: Int64 = -1
    var discoveryRecorded = false
    var pendingSpawn: (audience: Int, best: Int?)?
    var pendingFunding: Int?
    /// Winners named by the last merge, whose status and budget changes are to come.
    var pendingMerge: (cells: [Int], into: Int)?
    var merges: Int64 = 0
    /// Impressions per cell (moved to a power cell with the other counters).
    var cellImpressions: [Int64] = []
    /// The learned patterns recorded, checked at the run's end.
    var learned: [(pattern: PatternLearned, sequence: UInt64)] = []

    public init(config: AtomizationConfig, runFinished: Bool = true) {
        self.config = config
        self.runFinished = runFinished
        expectedCells = CellGrid(config: config).cells
        lookback = Int64(config.lookbackDays * AtomizationRun.slotsPerDay)
        recent = Array(repeating: (-1, [], []), count: Int(lookback) + 1)
        window = CreativeWindow(creatives: config.creatives.count)
        reported = [Int64?](repeating: nil, count: config.creatives.count)
        takenRotations = [Bool](repeating: false, count: config.creatives.count)
        zipPool = ZipPool(config: config)
        zipImpressions = [Int64](repeating: 0, count: zipPool.count)
        zipConversions = zipImpressions
    }

    public func observe(_ event: AtomEvent, sequence: UInt64, size: Int) {
        lastSequence = sequence
        switch event.body {
        case .campaignStarted(let started):
            tally.count(
                0, holds: started.cells == expectedCells.count, at: sequence,
                witness: "\(started.cells) cells for a product of \(expectedCells.count)")
        case .cellCreated(let created): observe(created, at: sequence)
        case .slotDelivered(let delivered): observe(delivered, at: sequence)
        case .conversion(let conversion): observe(conversion, at: sequence)
        case .cellFlagged(let flag):
            flagged += 1
            tally.count(
                0, holds: flag.cell < cells, at: sequence, witness: "flag of cell \(flag.cell)")
        case .budgetReallocated(let moved): observe(moved, at: sequence)
        case .cellStatusChanged(let change): observe(change, at: sequence)
        case .dayClosed:
            for cell in spentToday.indices { spentToday[cell] = 0 }
        case .creativeFatigued(let fatigued): observe(fatigued, at: sequence)
        case .decisionRound(let round): observe(round, at: sequence)
        case .cellRotated(let rotated): observe(rotated, at: sequence)
        case .agentKilled, .agentRecovered: break
        case .audienceDiscovered(let found): observe(found, at: sequence)
        case .cellsMerged(let merged): observe(merged, at: sequence)
        case .patternLearned(let pattern): learned.append((pattern, sequence))
        }
    }

    /// At a bucket's end, the creatives reported fatigued must be exactly those the rule
    /// finds (checked when the next bucket's first delivery arrives, or at the run's end).
    func closeBucket(endingAt slot: Int64, at sequence: UInt64) {
        guard config.fatigue, slot >= 0, Cadences.due(config.cadences.fatigue, after: slot)
        else { return }
        let verdicts = window.fatigue(endingAt: slot, minImpressions: config.fatigueMinImpressions)
        for creative in verdicts.indices {
            tally.count(
                7, holds: verdicts[creative] == reported[creative], at: sequence,
                witness:
                    "slot \(slot): creative \(creative) reported \(reported[creative].map(String.init) ?? "not fatigued"), the rule gives \(verdicts[creative].map(String.init) ?? "not fatigued")"
            )
        }
        for creative in reported.indices {
            reported[creative] = nil
            takenRotations[creative] = false
        }
    }

    func observe(_ fatigued: CreativeFatigued, at sequence: UInt64) {
        guard fatigued.creative < reported.count else {
            tally.count(7, holds: false, at: sequence, witness: "creative \(fatigued.creative)")
            return
        }
        reported[fatigued.creative] = fatigued.decline
        tally.count(
            7, holds: fatigued.impressions == window.total(fatigued.creative).impressions,
            at: sequence,
            witness: "creative \(fatigued.creative): \(fatigued.impressions) impressions reported")
    }

    func observe(_ round: DecisionRound, at sequence: UInt64) {
        let count = round.targets.count
        guard round.kinds.count == count, round.scores.count == count, round.impacts.count == count,
            round.risks.count == count, round.priorities.count == count, round.taken.count == count,
            let kind = round.kinds.first, round.kinds.allSatisfy({ $0 == kind }), kind >= 0,
            kind <= 2
        else {
            tally.count(8, holds: false, at: sequence, witness: "malformed decision round")
            return
        }
        let recommendations = (0..<count).map {
            DecisionEngine.Recommendation(
                score: round.scores[$0], impact: round.impacts[$0], risk: round.risks[$0])
        }
        let taken = DecisionEngine.take(recommendations).map { Int64($0 ? 1 : 0) }
        let spent = zip(round.risks, round.taken).reduce(0) { $0 + ($1.1 == 1 ? $1.0 : 0) }
        tally.count(
            8,
            holds: round.priorities == recommendations.map(\.priority) && round.taken == taken
                && spent <= DecisionEngine.riskBudget,
            at: sequence,
            witness:
                "slot \(round.slot): priorities \(round.priorities), taken \(round.taken); the engine gives \(recommendations.map(\.priority)), \(taken)"
        )
        if kind == 0 {
            let reportedTargets = round.targets.allSatisfy {
                $0 >= 0 && $0 < Int64(reported.count) && reported[Int($0)] != nil
            }
            tally.count(
                7, holds: reportedTargets, at: sequence,
                witness: "slot \(round.slot): a rotation recommended for a creative not reported")
            for (target, flag) in zip(round.targets, round.taken) where flag == 1 && reportedTargets
            {
                takenRotations[Int(target)] = true
            }
            return
        }
        let audiences = config.audiences.count + discovered.count
        let expected = Synthesizer.patterns(
            synthesizerCells(), audiences: audiences, platforms: config.platforms.count)
        tally.count(
            9,
            holds: round.kinds == expected.map(\.pattern.kind)
                && round.targets == expected.map { $0.pattern.target(audiences: audiences) }
                && round.scores == expected.map(\.lift),
            at: sequence,
            witness:
                "slot \(round.slot): recommended \(round.targets) (scores \(round.scores)), the patterns are \(expected.map { $0.pattern.target(audiences: audiences) }) (\(expected.map(\.lift)))"
        )
        takenPatterns = zip(expected, round.taken).filter { $0.1 == 1 }.map(\.0.pattern)
    }

    func synthesizerCells() -> [Synthesizer.Cell] {
        (0..<cells).map { cell in
            Synthesizer.Cell(
                audience: targeting[cell].audiences[0], platform: targeting[cell].platforms[0],
                running: status[cell].isRunning, spend: spend[cell], revenue: revenue[cell],
                budget: budget[cell])
        }
    }

    func observe(_ rotated: CellRotated, at sequence: UInt64) {
        rotations += 1
        guard rotated.cell < creativeOf.count, rotated.from < reported.count,
            rotated.to < reported.count
        else {
            tally.count(10, holds: false, at: sequence, witness: "rotation of cell \(rotated.cell)")
            return
        }
        let best = window.best(from: rotated.from, fatigued: reported.map { $0 != nil })
        tally.count(
            10,
            holds: creativeOf[rotated.cell] == rotated.from && takenRotations[rotated.from]
                && best == rotated.to,
            at: sequence,
            witness:
                "cell \(rotated.cell) on creative \(creativeOf[rotated.cell]) rotated \(rotated.from) -> \(rotated.to); the best other creative is \(best.map(String.init) ?? "none")"
        )
        creativeOf[rotated.cell] = rotated.to
    }

    func observe(_ created: CellCreated, at sequence: UInt64) {
        if cells >= expectedCells.count {
            observeSpawn(created, at: sequence)
            return
        }
        let expected = cells < expectedCells.count ? expectedCells[cells] : nil
        let matches =
            expected.map {
                $0.index == created.cell && $0.audience == created.audience
                    && $0.creative == created.creative && $0.strategy == created.strategy
                    && $0.daypart == created.daypart && $0.platform == created.platform
            } ?? false
        tally.count(
            0, holds: matches, at: sequence,
            witness: "cell \(created.cell) is not point \(cells) of the dimensions' product")
        // The product's point (not what the event claims: cells-registered judges that).
        addCell(
            CellTargeting(expectedCells[cells]), creative: created.creative,
            price: created.price.raw, budget: created.budget.raw, status: .test)
        if cells == expectedCells.count {
            let opening = LearningSystem.openingBudgets(expectedCells, config: config)
            tally.count(
                13, holds: budget == opening, at: sequence,
                witness:
                    "opening budgets differ from the library's weights at cell \(budget.indices.first { budget[$0] != opening[$0] }.map(String.init) ?? "?")"
            )
            let total = budget.reduce(0, +)
            tally.count(
                1, holds: total == config.dailyBudget.raw, at: sequence,
                witness: "cells' budgets sum to \(total), not \(config.dailyBudget.raw)")
        }
    }

    func known(_ cell: Int64) -> Bool { cell >= 0 && cell < Int64(cells) }

    public func finish() {
        guard runFinished else { return }
        closeRounds(endingAt: lastDelivered, at: lastSequence)
        checkLearned()
    }

    public var notes: [String] { [] }

    public var summaryMetrics: [NamedMetric] {
        AtomizationMetrics.metrics(
            cells: cells, impressions: impressions, clicks: clicks, conversions: conversions,
            spend: spend.reduce(0, +), revenue: revenue.reduce(0, +), flagged: flagged,
            reallocations: reallocations, graduated: graduated, terminated: terminated,
            rotations: rotations, discovered: Int64(discovered.count), merges: merges,
            wasted: zip(spend, conversionsPpm).reduce(0) { $0 + ($1.1 == 0 ? $1.0 : 0) })
    }
}
