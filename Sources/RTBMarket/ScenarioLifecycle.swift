import RTBCore
import RTBEvents
import RTBTrace

extension MarketEngine {
    /// Hour weights (per mille of the day's traffic) from seed 000's volume generator shape:
    /// quiet nights, a 10:00 peak and the highest at 20:00.
    static let hourWeights: [Int64] = [
        20, 12, 8, 6, 6, 10, 20, 32, 42, 50, 56, 54, 50, 48, 46, 46, 48, 52, 58, 64, 64, 56, 40, 30,
    ]
    static let hourWeightTotal: Int64 = hourWeights.reduce(0, +)

    func startScenario() {
        if state.scenarioIndex == 0 && log.nextSequence == 0 {
            state.metrics.append(ScenarioMetrics(scenario: .run, config: config))
            // The market's config digest leaves out fault injection, so a run with kills and its
            // uninterrupted baseline share their market digest.
            var market = config
            market.kills = []
            emitRunEvent(
                .runStarted(
                    RunStarted(
                        seed: config.seed, configDigest: market.digest, days: config.days,
                        scenarios: config.scenarios.reduce(0) {
                            $0 | UInt16(1) << UInt16($1.rawValue)
                        })))
        }
        state.scenarioFirstSequence = log.nextSequence
        state.killRecords = 0
        state.now = 0
        state.metrics.append(ScenarioMetrics(scenario: scenario, config: config))
        state.campaigns = [CampaignRuntime](
            repeating: CampaignRuntime(), count: market.campaigns.count)
        state.products = [ProductRuntime](repeating: ProductRuntime(), count: market.products.count)
        state.deals = []
        state.negotiations = []
        state.nextAuction = 0
        state.nextLedgerEntry = 0
        let agents = config.buyers + config.sellers
        state.memories = [AgentMemory](repeating: AgentMemory(), count: agents)
        state.privateStore = rules.memorySource == .privateStore ? state.memories : []
        state.lastSnapshot = [UInt64](
            repeating: UInt64.max, count: rules.memorySource == .sharedLedger ? agents : 0)
        state.floors = AdaptiveFloors(
            products: rules.trading == .exchangeAuctions && config.adaptiveFloors
                ? market.products.count : 0)
        state.shading = BidShading(
            campaigns: rules.trading == .exchangeAuctions && config.bidShading
                ? market.campaigns.count : 0)
        emit(
            .scenarioStarted(
                ScenarioStarted(
                    buyers: Int64(config.buyers), sellers: Int64(config.sellers),
                    campaigns: Int64(market.campaigns.count), products: Int64(market.products.count)
                )))
        for campaign in market.campaigns { emit(.campaignRegistered(campaign.registration)) }
        for product in market.products { emit(.productRegistered(product.registration)) }
        state.scheduler.schedule(.startDay(day: 1), at: 0)
        for kill in config.kills.sorted()
        where kill.agent.kind != .exchange || rules.hasExchangeAgent {
            state.scheduler.schedule(.kill(agent: kill.agent), at: kill.tick)
        }
        if config.volume != .none {
            state.scheduler.schedule(.trafficSlice(day: 1, minute: 0), at: 30)
        }
    }

    func startDay(_ day: Int) {
        emit(.dayStarted(DayStarted(day: day)))
        let dayStart = SimTime.at(day: day).tick
        updateMemories(day: day)
        switch rules.trading {
        case .exchangeAuctions:
            if state.floors.isActive && canary != .frozenFloors { state.floors.closeDay() }
            for index in market.campaigns.indices {
                let campaign = market.campaigns[index]
                let remainingGoal = max(0, campaign.goalImpressions - state.campaigns[index].served)
                let remainingDays = Int64(max(1, campaign.endDay - day + 1))
                state.campaigns[index].dailyTarget =
                    day <= campaign.endDay ? (remainingGoal + remainingDays - 1) / remainingDays : 0
                state.campaigns[index].boughtToday = 0
            }
            for hour in stride(from: 0, to: 24, by: Self.exchangeRoundHours) {
                state.scheduler.schedule(
                    .exchangeHour(day: day, hour: hour),
                    at: dayStart + Int64(hour) * SimTime.ticksPerHour)
            }
        case .directNegotiation:
            for buyer in 0..<config.buyers {
                let offsetMinutes = Int64((buyer * 37) % 480)
                state.scheduler.schedule(
                    .buyerReview(buyer: buyer),
                    at: dayStart + 9 * SimTime.ticksPerHour + offsetMinutes * SimTime.ticksPerMinute
                )
            }
            for hour in 0..<24 {
                state.scheduler.schedule(
                    .deliveryRound(day: day, round: hour),
                    at: dayStart + Int64(hour) * SimTime.ticksPerHour + 30 * SimTime.ticksPerMinute)
            }
        }
        state.scheduler.schedule(.closeDay(day: day), at: dayStart + SimTime.ticksPerDay - 1)
    }

    func closeDay(_ day: Int) {
        let ending = market.campaigns.filter { $0.endDay == day }.map(\.index)
        if !ending.isEmpty { reconcile(campaigns: ending) }
        emit(.dayClosed(DayClosed(day: day)))
        if day < config.days {
            state.scheduler.schedule(.startDay(day: day + 1), at: SimTime.at(day: day + 1).tick)
        } else {
            state.scheduler.schedule(.finishScenario, at: state.now)
        }
    }

    func finishScenario() {
        let events = log.nextSequence - state.scenarioFirstSequence + 1 - state.killRecords
        emit(.scenarioFinished(ScenarioFinished(events: Int64(events))))
        state.scheduler = Scheduler()
        state.scenarioIndex += 1
        if !isFinished {
            state.scheduler.schedule(.startScenario, at: 0)
        }
    }

    /// Counter-based random bits: mix(mix(mix(seed ^ purpose) ^ a) ^ b), stateless so that no
    /// draw depends on how many others were made.
    @inline(__always)
    func randomBits(_ purpose: UInt64, _ first: UInt64, _ second: UInt64) -> UInt64 {
        SplitMix64.mix(SplitMix64.mix(SplitMix64.mix(config.seed ^ purpose) ^ first) ^ second)
    }

    /// A keyed stream for one decision.
    func stream(_ purpose: String, _ parts: UInt64...) -> RandomStream {
        var key = StreamKey(purpose)
        for part in parts { key = key.appending(part) }
        return RandomStream(seed: config.seed, key: key)
    }
}

extension EngineState {
    /// Cross-checks a decoded state against the market, so a forged checkpoint cannot make the
    /// engine index out of range.
    func isConsistent(with market: Market, config: MarketConfig) -> Bool {
        let agents = config.buyers + config.sellers
        guard scenarioIndex <= config.scenarios.count, now >= 0,
            campaigns.isEmpty || campaigns.count == market.campaigns.count,
            products.isEmpty || products.count == market.products.count,
            memories.isEmpty || memories.count == agents,
            privateStore.isEmpty || privateStore.count == agents,
            lastSnapshot.isEmpty || lastSnapshot.count == agents,
            shading.isConsistent(campaigns: market.campaigns.count),
            floors.isConsistent(products: market.products.count)
        else { return false }
        let campaignRange = 0..<market.campaigns.count
        let productRange = 0..<market.products.count
        for deal in deals
        where !campaignRange.contains(deal.campaign) || !productRange.contains(deal.product) {
            return false
        }
        for negotiation in negotiations
        where !campaignRange.contains(negotiation.campaign)
            || !productRange.contains(negotiation.product)
        {
            return false
        }
        for memory in memories + privateStore {
            for note in memory.deals
            where note.deal >= deals.count || !campaignRange.contains(note.campaign)
                || !productRange.contains(note.product)
            { return false }
            for note in memory.pending where note.negotiation >= negotiations.count { return false }
        }
        for item in scheduler.heap {
            switch item.action {
            case .sellerRespond(let id), .counterResponse(let id):
                if id >= negotiations.count { return false }
            case .buyerDecide(let campaign, let first, let count):
                if !campaignRange.contains(campaign) || first < 0 || count < 0
                    || first + count > negotiations.count
                {
                    return false
                }
            case .buyerReview(let buyer): if buyer >= config.buyers { return false }
            case .startDay(let day), .closeDay(let day):
                if day < 1 || day > config.days { return false }
            case .exchangeHour(let day, let hour):
                if day < 1 || day > config.days || !(0..<24).contains(hour) { return false }
            case .deliveryRound(let day, let round):
                if day < 1 || day > config.days || !(0..<24).contains(round) { return false }
            case .trafficSlice(let day, let minute):
                if day < 1 || day > config.days || !(0..<1_440).contains(minute) { return false }
            case .kill(let agent):
                if agent.kind == .buyer && agent.index >= config.buyers { return false }
                if agent.kind == .seller && agent.index >= config.sellers { return false }
            case .startScenario, .finishScenario: break
            }
        }
        return !metrics.isEmpty || scenarioIndex == 0
    }
}
