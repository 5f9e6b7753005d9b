import RTBCore
import RTBEvents
import RTBMarket
import RTBModels
import RTBRunning
import RTBTrace

/// The results of a run as canonical JSON (sorted keys, integers and fixed six-decimal ratios,
/// no wall-clock fields) and as tables. The same inputs always give the same bytes.
public struct RunReport: Sendable {
    public var config: MarketConfig
    /// Per-scenario metrics of the run.
    public var metrics: [ScenarioMetrics]
    /// The head hash of the run's frame chain (nil when nothing was recorded).
    public var runDigest: Digest32?
    public var marketDigest: Digest32
    public var events: UInt64

    /// The report of a market run: its outcome and the engine that produced it.
    public init(_ outcome: RunOutcome, engine: MarketEngine) {
        self.init(
            config: engine.config, metrics: engine.metrics, runDigest: outcome.runDigest,
            marketDigest: outcome.marketDigest, events: outcome.events)
    }

    public init(
        config: MarketConfig, metrics: [ScenarioMetrics], runDigest: Digest32?,
        marketDigest: Digest32, events: UInt64
    ) {
        self.config = config
        self.metrics = metrics
        self.runDigest = runDigest
        self.marketDigest = marketDigest
        self.events = events
    }

    var scenarios: [ScenarioMetrics] { metrics.filter { $0.scenario != .run } }

    /// Canonical JSON text, ending with a newline.
    public var json: String {
        var root = JSONObject()
        var configObject = JSONObject()
        configObject["seed"] = .raw(String(config.seed))
        configObject["scenarios"] = .raw(
            "[" + config.scenarios.map { JSONText.quote($0.description) }.joined(separator: ",")
                + "]")
        configObject["days"] = .int(Int64(config.days))
        configObject["buyers"] = .int(Int64(config.buyers))
        configObject["sellers"] = .int(Int64(config.sellers))
        configObject["campaigns_per_buyer"] = .int(Int64(config.campaignsPerBuyer))
        configObject["products_per_seller"] = .int(Int64(config.productsPerSeller))
        configObject["exchange_fee_ppm"] = .int(config.exchangeFee.ppm)
        configObject["mechanism"] = .string(config.mechanism.description)
        configObject["fee_aware_reserve"] = .bool(config.feeAwareReserve)
        configObject["bid_shading"] = .bool(config.bidShading)
        configObject["adaptive_floors"] = .bool(config.adaptiveFloors)
        configObject["pacing"] = .string(config.pacing.description)
        configObject["seller_pricing"] = .string(config.sellerPricing.description)
        configObject["market_generation"] = .string(config.marketGeneration.description)
        configObject["book_drift"] = .bool(config.bookDrift)
        configObject["checked_history_claims"] = .bool(config.checkedHistoryClaims)
        configObject["memory_model"] = .string(config.memoryModel.description)
        configObject["context_window"] = .int(Int64(config.contextWindow))
        configObject["policy"] = .string(config.policy.description)
        configObject["hallucination_rate_ppm"] = .int(config.hallucinationRate.ppm)
        configObject["volume"] = .string(config.volume.description)
        configObject["kills"] = .raw(
            "["
                + config.kills.sorted().map { JSONText.quote($0.description) }.joined(
                    separator: ",")
                + "]")
        configObject["config_digest"] = .string(config.digest.hex)
        root["config"] = .object(configObject)
        root["engine_version"] = .string(BuildInfo.engineVersion)
        root["ledger_format_version"] = .int(Int64(RTBMarketModel.ledgerFormat))
        root["run_digest"] = runDigest.map { .string($0.hex) } ?? .null
        root["market_digest"] = .string(marketDigest.hex)
        root["events"] = .int(Int64(events))
        root["scenario_results"] = .raw(
            "[" + scenarios.map { scenarioJSON($0).text }.joined(separator: ",") + "]")
        return root.text + "\n"
    }

    func scenarioJSON(_ metrics: ScenarioMetrics) -> JSONObject {
        var object = JSONObject()
        object["scenario"] = .string(metrics.scenario.description)
        object["name"] = .string(metrics.scenario.title)
        object["totals"] = .object(countersJSON(metrics.totals))
        var derived = JSONObject()
        let summary = ScenarioSummary(metrics)
        for (name, ppm) in summary.derived {
            derived[name] = ppm.map { .raw(ScenarioSummary.decimal($0)) } ?? .null
        }
        derived["average_cpm_micros"] = summary.averageCPM.map { .int($0.raw) } ?? .null
        derived["buyer_surplus_micros"] = .int(summary.buyerSurplus.raw)
        derived["buyer_net_surplus_micros"] = .int(summary.buyerNetSurplus.raw)
        object["derived"] = .object(derived)
        object["days"] = .raw(
            "["
                + metrics.days.enumerated().map { index, day in
                    var dayObject = countersJSON(day)
                    dayObject["day"] = .int(Int64(index + 1))
                    return dayObject.text
                }.joined(separator: ",") + "]")
        return object
    }

    func countersJSON(_ counters: Counters) -> JSONObject {
        var object = JSONObject()
        for counter in Counter.allCases { object[counter.name] = .int(counters[counter]) }
        return object
    }

    /// Per-scenario totals, one row per metric, scenarios side by side.
    public func totalsTable(markdown: Bool = false) -> String {
        var rows: [[String]] = [["metric"] + scenarios.map { $0.scenario.title }]
        func row(_ name: String, _ value: (ScenarioMetrics) -> String) {
            rows.append([name] + scenarios.map(value))
        }
        row("deals") { String($0.totals[.deals]) }
        row("impressions") { String($0.totals[.impressions]) }
        row("buyer spend $") { Micros($0.totals[.buyerSpend]).dollarsText }
        row("seller revenue $") { Micros($0.totals[.sellerRevenue]).dollarsText }
        row("intermediary fees $") { Micros($0.totals[.fees]).dollarsText }
        row("take rate") { ScenarioSummary.percent(ScenarioSummary($0).takeRatePpm) }
        row("ledger costs $") { Micros($0.totals[.ledgerCosts]).dollarsText }
        row("ledger entries") { String($0.totals[.ledgerEntries]) }
        row("average CPM $") { ScenarioSummary($0).averageCPM?.dollarsText ?? "-" }
        row("buyer value received $") { Micros($0.totals[.buyerValue]).dollarsText }
        row("buyer surplus $") { ScenarioSummary($0).buyerSurplus.dollarsText }
        row("buyer net surplus $") { ScenarioSummary($0).buyerNetSurplus.dollarsText }
        row("seller value delivered $") { Micros($0.totals[.sellerValueDelivered]).dollarsText }
        row("seller paid share") {
            ScenarioSummary.percent(ScenarioSummary($0).sellerPaidSharePpm)
        }
        row("delivered but unpaid $") { Micros($0.totals[.deliveredUnpaid]).dollarsText }
        row("paid but undelivered $") { Micros($0.totals[.paidUndelivered]).dollarsText }
        row("goal attainment") { ScenarioSummary.percent(ScenarioSummary($0).goalAttainmentPpm) }
        row("auctions (sold)") { "\($0.totals[.auctions]) (\($0.totals[.auctionsSold]))" }
        if config.volume != .none {
            row("open auctions (sold)") {
                "\($0.totals[.openAuctions]) (\($0.totals[.openAuctionsSold]))"
            }
            row("direct offers (bought)") {
                "\($0.totals[.directOffers]) (\($0.totals[.directOffersAccepted]))"
            }
        }
        row("negotiations") { String($0.totals[.negotiations]) }
        row("context-rot events") { String($0.totals[.contextRotEvents]) }
        row("keys lost") { String($0.totals[.keysLost]) }
        row("restarts") { String($0.totals[.restarts]) }
        row("recoveries (exact)") {
            "\($0.totals[.recoveries]) (\($0.totals[.recoveriesMatching]))"
        }
        row("recovery rate") { ScenarioSummary.percent(ScenarioSummary($0).recoveryRatePpm) }
        row("keys restored by recoveries") { String($0.totals[.keysRecovered]) }
        row("kills") { String($0.totals[.kills]) }
        row("claims") { String($0.totals[.claims]) }
        row("hallucinated claims (caught)") {
            "\($0.totals[.hallucinatedClaims]) (\($0.totals[.hallucinationsCaught]))"
        }
        row("hallucination rate") {
            ScenarioSummary.percent(ScenarioSummary($0).hallucinationRatePpm)
        }
        row("discrepant deliveries") { String($0.totals[.discrepantDeliveries]) }
        row("campaigns acc/neg/disp/unres") {
            "\($0.totals[.reconciledAccepted])/\($0.totals[.reconciledNegotiated])/\($0.totals[.reconciledDisputed])/\($0.totals[.reconciledUnresolvable])"
        }
        row("disputed spend $") { Micros($0.totals[.disputedSpend]).dollarsText }
        row("unresolved spend $") { Micros($0.totals[.unresolvedSpend]).dollarsText }
        row("mean days to resolution") {
            ScenarioSummary($0).meanResolutionDaysPpm.map {
                ScenarioSummary.decimal($0 / 10_000 * 10_000).dropLast(4) + ""
            } ?? "-"
        }
        row("events") { String($0.totals[.events]) }
        return TextTable.render(rows, markdown: markdown)
    }

    /// One row per day: deals, spend, rot and hallucinations per scenario.
    public func dailyTable(markdown: Bool = false) -> String {
        var header = ["day"]
        for metrics in scenarios {
            let name = metrics.scenario.description.uppercased()
            header += ["\(name) deals", "\(name) spend $", "\(name) rot", "\(name) halluc"]
        }
        var rows = [header]
        let dayCount = scenarios.map(\.days.count).max() ?? 0
        for day in 0..<dayCount {
            var row = [String(day + 1)]
            for metrics in scenarios {
                let counters = day < metrics.days.count ? metrics.days[day] : Counters()
                row += [
                    String(counters[.deals]), Micros(counters[.buyerSpend]).dollarsText,
                    String(counters[.contextRotEvents]), String(counters[.hallucinatedClaims]),
                ]
            }
            rows.append(row)
        }
        return TextTable.render(rows, markdown: markdown)
    }
}
