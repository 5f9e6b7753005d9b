import RTBCore
import RTBTrace

extension LabRun {
    /// An iteration's end: every agent's accounts and the market's totals are recorded, then
    /// the learners update (bidders, then each Thompson-sampling item with impressions).
    func closeIteration() {
        let tick = self.tick
        let planted =
            canary != nil && tick > canaryTick && tick - Int64(config.rounds) <= canaryTick
        var revenue: Int64 = 0
        var surplus: Int64 = 0
        var welfare: Int64 = 0
        for agent in config.agents.indices {
            var summary = accounts[agent].summary(run: run, iteration: iteration, agent: agent)
            if planted && canary == "regret-leak" && agent == 0 { summary.allocationRegret += 1 }
            emit(tick: tick, .agentIteration(summary))
            revenue += summary.spend
            surplus += summary.net
            welfare += summary.gross
            totals.add(summary)
        }
        if planted && canary == "revenue-leak" { revenue += 1 }
        emit(
            tick: tick,
            .iterationClosed(
                IterationClosed(
                    run: run, iteration: iteration, revenue: revenue, surplus: surplus,
                    welfare: welfare)))
        totals.iterations += 1
        for agent in config.agents.indices {
            guard let parameters = bidders[agent].update(samples[agent]) else { continue }
            let used =
                config.agents[agent].bidder.learnsFromData
                ? Int64(samples[agent].count) : accounts[agent].participations
            emit(
                tick: tick,
                .bidderUpdated(
                    BidderUpdated(
                        run: run, iteration: iteration, agent: agent, samples: used,
                        parameters: parameters)))
        }
        for agent in config.agents.indices {
            guard var posterior = posteriors[agent] else { continue }
            for item in 0..<posterior.items where !impressions[agent][item].clicks.isEmpty {
                let data = impressions[agent][item]
                posterior.update(item, features: data.features, clicks: data.clicks)
                let width = posterior.width
                var clicks = Int64(data.clicks.count { $0 })
                if planted && canary == "phantom-update" && agent == 0 { clicks += 1 }
                emit(
                    tick: tick,
                    .allocatorUpdated(
                        AllocatorUpdated(
                            run: run, iteration: iteration, agent: agent, item: item,
                            impressions: Int64(data.clicks.count), clicks: clicks,
                            mean: Array(posterior.mean[(item * width)..<((item + 1) * width)]),
                            precision: Array(
                                posterior.precision[(item * width)..<((item + 1) * width)]))))
            }
            posteriors[agent] = posterior
        }
        for agent in config.agents.indices {
            samples[agent].removeAll(keepingCapacity: true)
            for item in impressions[agent].indices { impressions[agent][item] = ImpressionData() }
        }
        iteration += 1
        if iteration < config.iterations {
            startIteration()
            return
        }
        iteration = 0
        run += 1
        if run < config.runs {
            startRun()
        } else {
            phase = .done
            round = 0
        }
    }
}

/// Market totals over the experiment, the run's summary metrics.
struct LabTotals: Equatable {
    var iterations: Int64 = 0
    var participations: Int64 = 0
    var wins: Int64 = 0
    var clicks: Int64 = 0
    var revenue: Int64 = 0
    var surplus: Int64 = 0
    var welfare: Int64 = 0
    var allocationRegret: Int64 = 0
    var overbidRegret: Int64 = 0
    var underbidRegret: Int64 = 0

    mutating func add(_ summary: AgentIteration) {
        participations += summary.participations
        wins += summary.wins
        clicks += summary.clicks
        revenue += summary.spend
        surplus += summary.net
        welfare += summary.gross
        allocationRegret += summary.allocationRegret
        overbidRegret += summary.overbidRegret
        underbidRegret += summary.underbidRegret
    }

    var values: [Int64] {
        [
            iterations, participations, wins, clicks, revenue, surplus, welfare,
            allocationRegret, overbidRegret, underbidRegret,
        ]
    }

    static let names = [
        "iterations", "participations", "wins", "clicks", "revenue_micros", "surplus_micros",
        "welfare_micros", "allocation_regret_micros", "overbid_regret_micros",
        "underbid_regret_micros",
    ]

    var metrics: [NamedMetric] { zip(Self.names, values).map { NamedMetric($0, $1) } }
}
