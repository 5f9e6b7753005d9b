import RTBCore
import RTBTrace

/// A campaign atomization run (seed 004). The first step records the campaign and its cells;
/// then each step is one 30-second slot: the cells of the slot's daypart deliver (paced to
/// their daily budget), users see impressions and click or convert, each conversion's journey
/// is attributed, and the agents act at their cadences (by default the monitor every slot,
/// reallocation and lifecycle every 4 slots = 2 minutes, discovery every 10, the creative
/// optimizer every 20, the synthesizer every 30). Days end at slot 2,880. Cells are added as
/// the run goes: a discovered audience's test cell, and the power cell of two merged winners.
public final class AtomizationRun: ModelRun {
    public static let slotSeconds: Int64 = 30
    public static let slotsPerDay = 2_880
    /// Slots of the monitor's trailing window (5 minutes).
    static let window = 10

    public let config: AtomizationConfig
    let grid: CellGrid
    let layout: FrameLayout
    let sink: FrameSink
    let shared: SharedLedgerReader
    let canary: String?
    var log: EventLog
    var started = false
    var slot: Int64 = 0
    var random: RandomStream
    var conversions: Int64 = 0

    // Per cell.
    var status: [CellStatus]
    var budget: [Int64]
    var spentToday: [Int64]
    var spend: [Int64]
    var impressions: [Int64]
    var clicks: [Int64]
    var conversionsPpm: [Int64]
    var revenue: [Int64]
    /// The monitor's window: impressions and clicks of the last `window` slots, per cell.
    var windowImpressions: [Int64]
    var windowClicks: [Int64]
    /// The creative each cell shows now (rotations change it).
    var creativeOf: [Int]
    var window: CreativeWindow
    /// The sequence of each recent slot's first event (kill recovery reads back from there).
    var slotStarts: [UInt64]
    /// Every cell's targeting (the product's cells first, then spawned and power cells).
    var targeting: [CellTargeting]
    /// Per cell, fixed at its creation: its members, the mask of its dayparts (bit = raw value)
    /// and its reach (the ZIPs of a cell of discovered audiences; empty: the whole pool).
    var members: [[CellGrid.Member]] = []
    var daypartMask: [Int] = []
    var reach: [[Int]] = []
    /// The power cell a merged cell's later credits go to (-1: none).
    var mergedInto: [Int]
    let zips: ZipPool
    /// Impressions seen and conversions made by each ZIP's users so far.
    var zipImpressions: [Int64]
    var zipConversions: [Int64]
    /// The discovered audiences' ZIPs and signals, in order (audience index = the config's
    /// audiences, then these).
    var discovered: [(zips: [Int], signals: [Int])] = []
    var merges: Int64 = 0
    // Per user.
    var journeys: Journeys
    // Run totals.
    var day = DayTotals()
    var flagged: Int64 = 0
    var reallocations: Int64 = 0
    var graduated: Int64 = 0
    var terminated: Int64 = 0
    var rotations: Int64 = 0
    var totalConversions: Int64 = 0
    /// Slots of each set of dayparts (a mask of raw values) still to come today, from each slot.
    let slotsLeft: [[Int64]]
    var canaryFired = false
    var feed = FeedState()
    /// Wall-clock time spent in each agent: a measurement for benchmarks, never read by the run.
    public private(set) var agentTimes = AgentTimes()
    public private(set) var feedLine: String?

    struct DayTotals {
        var impressions: Int64 = 0
        var clicks: Int64 = 0
        var spend: Int64 = 0
        var revenue: Int64 = 0
        var conversions: Int64 = 0
    }

    public init(config: AtomizationConfig, environment: RunEnvironment) {
        self.config = config
        grid = CellGrid(config: config)
        layout = environment.layout
        sink = environment.sink
        shared = environment.shared
        canary = environment.canary
        log = EventLog(
            frameTargetBytes: layout.frameTargetBytes, perturbation: environment.perturbation)
        random = RandomStream(seed: config.seed, key: StreamKey("atomization-delivery"))
        let cells = grid.cells.count
        status = [CellStatus](repeating: .test, count: cells)
        // Equal shares (the remainder one micro each to the first cells), unless a library
        // weights some cells.
        budget = LearningSystem.openingBudgets(
            grid.cells, config: config, ignoringConfidence: environment.canary == "unearned-weight")
        spentToday = [Int64](repeating: 0, count: cells)
        spend = spentToday
        impressions = spentToday
        clicks = spentToday
        conversionsPpm = spentToday
        revenue = spentToday
        windowImpressions = [Int64](repeating: 0, count: cells * Self.window)
        windowClicks = windowImpressions
        journeys = Journeys(users: config.users, creatives: config.creatives.count)
        creativeOf = grid.cells.map(\.creative)
        window = CreativeWindow(creatives: config.creatives.count)
        slotStarts = [UInt64](repeating: 0, count: Self.remembered)
        slotsLeft = (0..<(1 << Daypart.allCases.count)).map { mask in
            var left = [Int64](repeating: 0, count: Self.slotsPerDay + 1)
            for slotOfDay in stride(from: Self.slotsPerDay - 1, through: 0, by: -1) {
                let covered = Daypart.allCases.contains {
                    mask & (1 << Int($0.rawValue)) != 0 && $0.covers(hour: slotOfDay / 120)
                }
                left[slotOfDay] = left[slotOfDay + 1] + (covered ? 1 : 0)
            }
            return left
        }
        targeting = grid.cells.map(CellTargeting.init)
        mergedInto = [Int](repeating: -1, count: cells)
        zips = ZipPool(config: config)
        zipImpressions = [Int64](repeating: 0, count: zips.count)
        zipConversions = zipImpressions
        for cell in 0..<cells { deriveCell(cell) }
    }

    var totalSlots: Int64 { Int64(config.days * Self.slotsPerDay) }
    public var isFinished: Bool { started && slot >= totalSlots }

    public func step() throws -> Bool {
        feedLine = nil
        if !started {
            recordCampaign()
            started = true
        } else if slot < totalSlots {
            try runSlot()
        } else {
            return false
        }
        if try log.seal(
            into: sink, checkpointEvery: layout.checkpointEveryFrames, force: isFinished,
            finished: isFinished)
        {
            try sink.checkpoint(makeCheckpoint())
        }
        return !isFinished
    }

    func recordCampaign() {
        emit(
            .campaignStarted(
                CampaignStarted(
                    cells: grid.cells.count, days: config.days, users: Int64(config.users),
                    dailyBudget: config.dailyBudget, attribution: config.attribution)))
        for cell in grid.cells {
            // The misplaced-cell canary records the last cell with another audience.
            let audience =
                canary == "misplaced-cell" && cell.index == grid.cells.count - 1
                ? (cell.audience + 1) % config.audiences.count : cell.audience
            emit(
                .cellCreated(
                    CellCreated(
                        cell: cell.index, audience: audience, creative: cell.creative,
                        strategy: cell.strategy, daypart: cell.daypart, platform: cell.platform,
                        budget: Micros(budget[cell.index]),
                        price: Micros(grid.pricePerImpression[cell.strategy]))))
        }
        feed.budgets = budget
    }

    /// One slot: delivery, attribution, the agents, the day's end.
    func runSlot() throws {
        let slotOfDay = Int(slot % Int64(Self.slotsPerDay))
        let hour = slotOfDay / 120
        let ring = Int(slot % Int64(Self.window))
        var delivered = SlotDelivered(slot: slot, cells: [], impressions: [], clicks: [], spend: [])
        var converted: [Conversion] = []
        slotStarts[Int(slot % Int64(Self.remembered))] = log.nextSequence
        window.begin(slot: slot)
        let hourMask = Daypart.allCases.reduce(0) {
            $0 | ($1.covers(hour: hour) ? 1 << Int($1.rawValue) : 0)
        }
        for cell in status.indices {
            windowImpressions[cell * Self.window + ring] = 0
            windowClicks[cell * Self.window + ring] = 0
            guard status[cell].isRunning || canaryKeepsDelivering(cell),
                daypartMask[cell] & hourMask != 0
            else { continue }
            let price = grid.pricePerImpression[targeting[cell].strategy]
            let remaining = max(0, budget[cell] - spentToday[cell])
            let left = max(1, slotsLeft[daypartMask[cell]][slotOfDay])
            let cap = min(remaining, (2 * remaining + left - 1) / left)
            let most = price > 0 ? cap / price : Int64.max
            var count: Int64 = 0
            var clicked: Int64 = 0
            let creative = creativeOf[cell]
            let fatigue = grid.fatiguePpm[creative]
            let zipsReached = reach[cell]
            for member in members[cell] where member.daypart.covers(hour: hour) {
                let drawn = min(draw(member.expectedMicro), most - count)
                guard drawn > 0 else { continue }
                for index in count..<count + drawn {
                    let user = Int(
                        UserDraw.user(
                            seed: config.seed, slot: slot, cell: Int64(cell), index: index,
                            users: config.users, reach: zipsReached, pool: zips.count))
                    let zip = user % zips.count
                    zipImpressions[zip] += 1
                    let earlier = journeys.expose(user: user, creative: creative)
                    // Wear-out lowers both the click and the conversion response.
                    let worn = fatigue[min(earlier, CellGrid.fatigueCap)]
                    if Int64(random.next(below: 1_000_000)) < member.ctrBase * worn / 1_000_000 {
                        clicked += 1
                    }
                    let cvr = member.cvr * worn / 1_000_000 * zips.liftPpm[zip] / 1_000_000
                    if Int64(random.next(below: 1_000_000)) < cvr {
                        zipConversions[zip] += 1
                        converted.append(convert(user: user, cell: cell, index: index))
                    } else {
                        journeys.remember(
                            user: user,
                            Journeys.Touch(
                                cell: Int32(cell), slot: Int32(slot), index: Int32(index)))
                    }
                }
                count += drawn
            }
            guard count > 0 else { continue }
            var cost = count * price
            if canary == "overspend" && !canaryFired {
                cost += remaining + 1
                canaryFired = true
            }
            delivered.cells.append(Int64(cell))
            delivered.impressions.append(count)
            delivered.clicks.append(clicked)
            delivered.spend.append(cost)
            spentToday[cell] += cost
            spend[cell] += cost
            impressions[cell] += count
            clicks[cell] += clicked
            windowImpressions[cell * Self.window + ring] = count
            windowClicks[cell * Self.window + ring] = clicked
            window.add(creative: creative, slot: slot, impressions: count, clicks: clicked)
            day.impressions += count
            day.clicks += clicked
            day.spend += cost
        }
        emit(.slotDelivered(delivered))
        for conversion in converted {
            for (cell, fraction) in zip(conversion.touchCells, conversion.fractions) {
                let credited = creditedCell(Int(cell))
                conversionsPpm[credited] += fraction
                let credit = Attribution.credit(conversion.value, fraction: fraction)
                revenue[credited] += credit
                day.revenue += credit
            }
            day.conversions += 1
            totalConversions += 1
            emit(.conversion(conversion))
        }
        try killAgents()
        let cadences = config.cadences
        if config.monitor && Cadences.due(cadences.monitor, after: slot) {
            agentTimes.time(.monitor) { monitor() }
        }
        if config.fatigue && Cadences.due(cadences.fatigue, after: slot) {
            agentTimes.time(.fatigue) { optimizeCreatives() }
        }
        if config.reallocation && Cadences.due(cadences.reallocation, after: slot) {
            agentTimes.time(.reallocation) { reallocate() }
        }
        if config.lifecycle && Cadences.due(cadences.lifecycle, after: slot) {
            agentTimes.time(.lifecycle) {
                applyLifecycle()
                if config.merge { mergeWinners() }
            }
        }
        if config.discovery && Cadences.due(cadences.discovery, after: slot) {
            agentTimes.time(.discovery) { discover() }
        }
        if config.synthesizer && Cadences.due(cadences.synthesizer, after: slot) {
            agentTimes.time(.synthesizer) { synthesize() }
        }
        feedLine = makeFeedLine()
        if (slot + 1) % Int64(Self.slotsPerDay) == 0 { closeDay() }
        if config.learning && slot + 1 == totalSlots { learn() }
        slot += 1
    }

    /// A whole number of impressions with the expected value `micro` / 10^6.
    func draw(_ micro: Int64) -> Int64 {
        micro / 1_000_000 + (Int64(random.next(below: 1_000_000)) < micro % 1_000_000 ? 1 : 0)
    }

    /// The conversion of `user` at impression `index` of `cell` in this slot: the journey's
    /// touchpoints within the lookback, then this one; the user's journey starts afresh.
    func convert(user: Int, cell: Int, index: Int64) -> Conversion {
        let journey = journeys.take(
            user: user, since: slot - Int64(config.lookbackDays * Self.slotsPerDay))
        let cells = journey.map { Int64($0.cell) } + [Int64(cell)]
        let slots = journey.map { Int64($0.slot) } + [slot]
        var indexes = journey.map { Int64($0.index) } + [index]
        var fractions = Attribution.fractions(
            config.attribution, touchSlots: slots, conversionSlot: slot,
            halfLifeSlots: Int64(config.halfLifeHours * 120))
        if canary == "bad-fraction" && conversions == 0 { fractions[0] += 1 }
        if canary == "phantom-touch" && !canaryFired && cells.count > 1 {
            indexes[0] += 1_000_000
            canaryFired = true
        }
        defer { conversions += 1 }
        return Conversion(
            conversion: conversions, slot: slot, user: Int64(user), value: config.conversionValue,
            touchCells: cells, touchSlots: slots, touchIndexes: indexes, fractions: fractions)
    }

    func closeDay() {
        emit(
            .dayClosed(
                DayClosed(
                    day: Int(slot / Int64(Self.slotsPerDay)) + 1, impressions: day.impressions,
                    clicks: day.clicks, spend: Micros(day.spend), revenue: Micros(day.revenue),
                    conversions: day.conversions,
                    activeCells: Int64(status.filter(\.isRunning).count))))
        day = DayTotals()
        for cell in spentToday.indices { spentToday[cell] = 0 }
    }

    func emit(_ body: AtomEventBody) {
        log.append(AtomEvent(tick: slot * Self.slotSeconds, body))
    }

    public var marketDigest: Digest32 { log.marketDigest }
    public var nextSequence: UInt64 { log.nextSequence }
    public var framesSealed: Int { log.framesSealed }

    public var progress: String? {
        started && slot < totalSlots
            ? "day \(slot / Int64(Self.slotsPerDay) + 1)/\(config.days)" : nil
    }

    public var summaryMetrics: [NamedMetric] {
        AtomizationMetrics.metrics(
            cells: status.count, impressions: impressions.reduce(0, +),
            clicks: clicks.reduce(0, +), conversions: totalConversions,
            spend: spend.reduce(0, +), revenue: revenue.reduce(0, +), flagged: flagged,
            reallocations: reallocations, graduated: graduated, terminated: terminated,
            rotations: rotations, discovered: Int64(discovered.count), merges: merges,
            wasted: zip(spend, conversionsPpm).reduce(0) { $0 + ($1.1 == 0 ? $1.0 : 0) })
    }
}

/// The summary metrics of a run, the same whether taken from the engine or from the events.
public enum AtomizationMetrics {
    public static func metrics(
        cells: Int, impressions: Int64, clicks: Int64, conversions: Int64, spend: Int64,
        revenue: Int64, flagged: Int64, reallocations: Int64, graduated: Int64, terminated: Int64,
        rotations: Int64, discovered: Int64, merges: Int64, wasted: Int64
    ) -> [NamedMetric] {
        [
            NamedMetric("cells", Int64(cells)),
            NamedMetric("impressions", impressions),
            NamedMetric("clicks", clicks),
            NamedMetric("conversions", conversions),
            NamedMetric("spend_micros", spend),
            NamedMetric("revenue_micros", revenue),
            NamedMetric("roas_ppm", spend == 0 ? 0 : Attribution.ratioPpm(revenue, spend)),
            NamedMetric("flagged", flagged),
            NamedMetric("reallocations", reallocations),
            NamedMetric("graduated", graduated),
            NamedMetric("terminated", terminated),
            NamedMetric("rotations", rotations),
            NamedMetric("audiences_discovered", discovered),
            NamedMetric("merges", merges),
            // Spend of the cells no conversion was ever credited to.
            NamedMetric("wasted_spend_micros", wasted),
        ]
    }
}
