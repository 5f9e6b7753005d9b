import RTBAtomization
import RTBCore
import RTBLedger
import RTBModels

/// The campaign atomization's sections: the days' totals, ROAS by value of each dimension, the
/// cells' lifecycle and the budget the agents moved, hour by hour.
enum CampaignAtomizationReport: ModelReport {
    static var modelName: String { CampaignAtomizationModel.identity.name }

    /// What the sections need, folded from the events.
    struct Folded {
        var cells: [CellCreated] = []
        var spend: [Int64] = []
        var revenue: [Int64] = []
        var days: [DayClosed] = []
        /// Cells per status at each day's end: test, evergreen, terminated.
        var statusByDay: [[Int64]] = []
        var status: [CellStatus] = []
        /// Budget moved (the sum of the increases) per hour of the run, in micros.
        var movedByHour: [Int64] = []
        var rotations = 0
        /// Discovered audiences: their ZIP and signal names.
        var discovered: [(zips: [String], signals: [String])] = []
        var merges = 0
        var learned: [PatternLearned] = []
        /// Every cell's daily budget now, and at the end of each hour of the run so far.
        var budget: [Int64] = []
        /// Every cell's budget when it was created (a power cell's: 0, its winners' moved in).
        var opening: [Int64] = []
        var budgetByHour: [[Int64]] = []

        /// Snapshots the budgets of every hour that ended before `slot`.
        mutating func advance(to slot: Int64) {
            while budgetByHour.count < Int(slot / 120) { budgetByHour.append(budget) }
        }
    }

    static func fold(ledger path: String) throws -> (AtomizationConfig, Folded) {
        let store = try LedgerStore.open(path: path)
        let config = try CampaignAtomizationModel.decodeConfig(store.header.config)
        var run = Folded()
        run.movedByHour = [Int64](repeating: 0, count: config.days * 24)
        try LedgerEvents.forEach(CampaignAtomizationModel.self, store: store) { _, event, _ in
            switch event.body {
            case .campaignStarted: break
            case .cellCreated(let cell):
                run.advance(to: event.tick / AtomizationRun.slotSeconds)
                run.budget.append(cell.budget.raw)
                run.opening.append(cell.budget.raw)
                run.cells.append(cell)
                run.spend.append(0)
                run.revenue.append(0)
                run.status.append(.test)
            case .slotDelivered(let delivered):
                for (cell, cost) in zip(delivered.cells, delivered.spend) {
                    run.spend[Int(cell)] += cost
                }
            case .conversion(let conversion):
                for (cell, fraction) in zip(conversion.touchCells, conversion.fractions) {
                    run.revenue[Int(cell)] += Attribution.credit(
                        conversion.value, fraction: fraction)
                }
            case .budgetReallocated(let moved):
                run.advance(to: moved.slot)
                for (cell, delta) in zip(moved.cells, moved.deltas) where cell < run.budget.count {
                    run.budget[Int(cell)] += delta
                }
                let hour = min(run.movedByHour.count - 1, Int(moved.slot / 120))
                run.movedByHour[hour] += moved.deltas.filter { $0 > 0 }.reduce(0, +)
            case .cellStatusChanged(let change): run.status[change.cell] = change.status
            case .dayClosed(let day):
                run.days.append(day)
                run.statusByDay.append(
                    CellStatus.allCases.map { status in
                        Int64(run.status.filter { $0 == status }.count)
                    })
            case .cellRotated: run.rotations += 1
            case .audienceDiscovered(let found):
                let zips = config.zipCodes
                let signals = config.signalVocabulary
                run.discovered.append(
                    (
                        found.zips.map { zips.indices.contains(Int($0)) ? zips[Int($0)] : "?" },
                        found.signals.map {
                            signals.indices.contains(Int($0)) ? signals[Int($0)] : "?"
                        }
                    ))
            case .cellsMerged(let merged):
                // A power cell counts under its first audience, daypart and platform.
                run.merges += 1
                run.cells.append(
                    CellCreated(
                        cell: merged.into, audience: Int(merged.audiences.first ?? 0),
                        creative: merged.creative, strategy: merged.strategy,
                        daypart: Int(merged.dayparts.first ?? 0),
                        platform: Int(merged.platforms.first ?? 0), budget: Micros(0),
                        price: Micros(0)))
                run.spend.append(0)
                run.revenue.append(0)
                run.status.append(.evergreen)
                run.advance(to: merged.slot)
                run.budget.append(0)
                run.opening.append(0)
            case .patternLearned(let pattern): run.learned.append(pattern)
            case .cellFlagged, .creativeFatigued, .decisionRound, .agentKilled, .agentRecovered:
                break
            }
            return true
        }
        run.advance(to: Int64(config.days * AtomizationRun.slotsPerDay))
        return (config, run)
    }

    static func dollars(_ micros: Int64) -> String { Micros(micros).dollarsText }

    static func roas(_ revenue: Int64, _ spend: Int64) -> String {
        spend == 0
            ? "-" : String(format: "%.3f", Double(Attribution.ratioPpm(revenue, spend)) / 1e6)
    }

    static func sections(ledger path: String) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    ) {
        let (config, run) = try fold(ledger: path)
        let days = ReportTable(
            title: "Days",
            header: [
                "day", "impressions", "clicks", "conversions", "spend ($)", "revenue ($)", "ROAS",
                "active cells",
            ],
            rows: run.days.map { day in
                [
                    String(day.day), String(day.impressions), String(day.clicks),
                    String(day.conversions), dollars(day.spend.raw), dollars(day.revenue.raw),
                    roas(day.revenue.raw, day.spend.raw), String(day.activeCells),
                ]
            })
        // ROAS by each value of each dimension, from the cells' own spend and credited revenue.
        let dimensions: [(String, [String], (CellCreated) -> Int)] = [
            (
                "audience",
                config.audiences.map(\.id)
                    + run.discovered.indices.map { "discovered-\($0 + 1)" }, { $0.audience }
            ),
            ("creative (at creation)", config.creatives, { $0.creative }),
            ("bid strategy", config.bidStrategies, { $0.strategy }),
            ("daypart", config.dayparts, { $0.daypart }),
            ("platform", config.platforms, { $0.platform }),
        ]
        var rows: [[String]] = []
        for (dimension, names, value) in dimensions {
            for (index, name) in names.enumerated() {
                let cells = run.cells.indices.filter { value(run.cells[$0]) == index }
                let spend = cells.reduce(0) { $0 + run.spend[$1] }
                let revenue = cells.reduce(0) { $0 + run.revenue[$1] }
                rows.append([
                    dimension, name, dollars(spend), dollars(revenue), roas(revenue, spend),
                ])
            }
        }
        let byDimension = ReportTable(
            title: "ROAS by dimension",
            header: ["dimension", "value", "spend ($)", "revenue ($)", "ROAS"],
            rows: rows)
        let discoveredTable = ReportTable(
            title: "Discovered audiences",
            header: ["audience", "ZIPs", "signals"],
            rows: run.discovered.enumerated().map { index, audience in
                [
                    "discovered-\(index + 1)", audience.zips.joined(separator: " "),
                    audience.signals.joined(separator: " "),
                ]
            })
        let learnedTable = ReportTable(
            title: "Learned patterns",
            header: ["pattern", "spend ($)", "revenue ($)", "lift", "confidence"],
            rows: run.learned.map { item in
                [
                    item.pattern, dollars(item.spend.raw), dollars(item.revenue.raw),
                    String(format: "%.3f", Double(item.lift) / 1e6),
                    String(format: "%.3f", Double(item.confidence) / 1e6),
                ]
            })
        // The six cells whose daily budget the agents moved furthest from where it started.
        let moved = run.budget.indices.sorted {
            let a = abs(run.budget[$0] - run.opening[$0])
            let b = abs(run.budget[$1] - run.opening[$1])
            return (a, -$0) > (b, -$1)
        }.prefix(6)
        let dayNames = run.days.map { "day \($0.day)" }
        let charts = [
            ReportChart(
                id: "cell-lifecycle", title: "Cells by status at each day's end", style: .bars,
                xLabel: "day", yLabel: "cells", categories: dayNames,
                series: CellStatus.allCases.map { status in
                    ReportSeries(
                        "\(status)", run.statusByDay.map { Double($0[Int(status.rawValue)]) })
                }),
            ReportChart(
                id: "budget-flow", title: "Daily budget moved between cells, per hour ($)",
                style: .lines, xLabel: "hour", yLabel: "dollars",
                categories: (0..<run.movedByHour.count).map(String.init),
                series: [ReportSeries("moved", run.movedByHour.map { Double($0) / 1e6 })]),
            ReportChart(
                id: "cell-budgets",
                title: "Daily budget of the six cells moved furthest, at each hour's end ($)",
                style: .lines, xLabel: "hour", yLabel: "dollars",
                categories: (0..<run.budgetByHour.count).map(String.init),
                series: moved.map { cell in
                    ReportSeries(
                        "cell \(cell)",
                        run.budgetByHour.map {
                            $0.indices.contains(cell) ? Double($0[cell]) / 1e6 : 0
                        })
                }),
            ReportChart(
                id: "daily-roas", title: "ROAS by day", style: .lines, xLabel: "day",
                yLabel: "revenue / spend", categories: dayNames,
                series: [
                    ReportSeries(
                        "ROAS",
                        run.days.map {
                            $0.spend.raw == 0
                                ? 0
                                : Double(Attribution.ratioPpm($0.revenue.raw, $0.spend.raw)) / 1e6
                        })
                ]),
        ]
        return ([days, byDimension, discoveredTable, learnedTable], charts)
    }
}
