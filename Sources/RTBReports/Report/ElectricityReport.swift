import RTBCore
import RTBElectricity
import RTBLedger
import RTBModels

/// The P2P electricity market's sections. One run: its accounts, and W-hat, energy and prices
/// interval by interval. Several runs (a study): the cells (runs alike but for the seed) with
/// seed means and a bootstrap interval of W-hat, the compute-welfare frontier on both compute
/// axes (measured wall time per decision, and the deterministic offers seen plus solver calls
/// per decision), the Pareto cells by N, and how compute scales with N.
enum ElectricityReport: ModelReport {
    static var modelName: String { P2PElectricityModel.identity.name }

    /// One run, folded from its events.
    struct Folded {
        var config: ElectricityConfig
        var intervals: [IntervalCleared] = []
        /// Per agent: decisions and opposite orders looked at (offers seen plus solver calls).
        var decisions: [Int64] = []
        var looked: [Int64] = []
        /// The measured mean over agents of each agent's mean decision time, in ns.
        var wallNanos: Double?

        /// Mean W-hat over the intervals.
        var wHat: Double {
            intervals.isEmpty
                ? 0
                : Double(intervals.reduce(0) { $0 + $1.wHatPpm }) / 1e6 / Double(intervals.count)
        }

        /// The mean over agents of each agent's mean operations per decision.
        var operations: Double {
            let deciding = decisions.indices.filter { decisions[$0] > 0 }
            guard !deciding.isEmpty else { return 0 }
            return deciding.reduce(0.0) { $0 + Double(looked[$1]) / Double(decisions[$1]) }
                / Double(deciding.count)
        }
    }

    static func fold(ledger path: String) throws -> Folded {
        let store = try LedgerStore.open(path: path)
        let config = try P2PElectricityModel.decodeConfig(store.header.config)
        var run = Folded(config: config)
        run.decisions = Array(repeating: 0, count: config.agents)
        run.looked = run.decisions
        try LedgerEvents.forEach(P2PElectricityModel.self, store: store) { _, event, _ in
            switch event.body {
            case .intervalCleared(let cleared): run.intervals.append(cleared)
            case .orderSubmitted(let order) where order.action != .remainder:
                run.decisions[order.agent] += 1
                run.looked[order.agent] += order.offersSeen + order.solverCalls
            case .orderSubmitted, .marketOpened, .prosumerDrawn, .trade, .orderRemoved: break
            }
            return true
        }
        run.wallNanos = try store.measurements().first {
            $0.name == "decision.wall_ns.mean_of_agents"
        }?
        .value
        return run
    }

    static func sections(ledger path: String) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    ) {
        let run = try fold(ledger: path)
        let traded = run.intervals.reduce(0) { $0 + $1.traded }
        let active = run.intervals.filter { $0.bound > 0 }
        let rows: [[String]] = [
            ["run", run.config.tag],
            ["mean W-hat over intervals", String(format: "%.4f", run.wHat)],
            ["intervals with a positive bound", "\(active.count) of \(run.intervals.count)"],
            [
                "mean W-hat in those intervals",
                active.isEmpty
                    ? "-"
                    : String(
                        format: "%.4f",
                        Double(active.reduce(0) { $0 + $1.wHatPpm }) / 1e6 / Double(active.count)),
            ],
            [
                "intervals with W-hat above 1",
                "\(run.intervals.filter { $0.wHatPpm > 1_000_000 }.count)",
            ],
            ["energy traded", String(format: "%.3f kWh", Double(traded) / 1e6)],
            ["opposite orders looked at per decision", String(format: "%.1f", run.operations)],
            [
                "wall time per decision (measured)",
                run.wallNanos.map { String(format: "%.3f us", $0 / 1e3) } ?? "not measured",
            ],
        ]
        let times = run.intervals.map { interval in
            let minutes = (interval.interval % 288) * 5
            return String(format: "%02d:%02d", minutes / 60, minutes % 60)
        }
        let charts = [
            ReportChart(
                id: "w-hat", title: "W-hat by interval (quote welfare over the planner bound)",
                style: .lines, xLabel: "interval start", yLabel: "W-hat", categories: times,
                series: [ReportSeries("W-hat", run.intervals.map { Double($0.wHatPpm) / 1e6 })]),
            ReportChart(
                id: "energy", title: "Energy submitted and traded by interval", style: .lines,
                xLabel: "interval start", yLabel: "kWh", categories: times,
                series: [
                    ReportSeries("buy orders", run.intervals.map { Double($0.postedBuy) / 1e6 }),
                    ReportSeries("sell orders", run.intervals.map { Double($0.postedSell) / 1e6 }),
                    ReportSeries("traded", run.intervals.map { Double($0.traded) / 1e6 }),
                ]),
            ReportChart(
                id: "price", title: "Mean trade price by interval", style: .lines,
                xLabel: "interval start", yLabel: "c/kWh", categories: times,
                series: [
                    ReportSeries(
                        "mean price",
                        run.intervals.map {
                            $0.trades > 0 ? Double($0.priceSum) / Double($0.trades) / 1e6 : .nan
                        })
                ]),
        ]
        return ([ReportTable(title: "Market", header: ["", "value"], rows: rows)], charts)
    }

    /// A study's cell: runs whose configs differ only in the seed.
    struct Cell {
        var agents: Int
        var rule: String
        var wHat: [Double] = []
        var operations: [Double] = []
        var wallMicros: [Double] = []

        var label: String { "\(rule), N \(agents)" }
    }

    /// The rule a config runs, as a cell's name: "band tau 5", "k-greedy K 3", "optimizer-greedy",
    /// with the market when it is not the reference CDA with the whole book.
    static func ruleName(_ config: ElectricityConfig) -> String {
        var name = "\(config.rule)"
        if !config.taus.isEmpty {
            name +=
                config.taus.count == 1 ? " tau \(Double(config.taus[0]) / 10_000)" : " tau hetero"
        }
        if !config.ks.isEmpty { name += config.ks.count == 1 ? " K \(config.ks[0])" : " K hetero" }
        if config.mechanism == .call { name += ", call \(config.pricing)" }
        if config.feederCapWatts > 0 { name += ", cap \(config.feederCapWatts / 1_000) kW" }
        if config.infoSet == .ticker { name += ", ticker" }
        if config.semantics != .reference { name += ", \(config.semantics.name)" }
        return name
    }

    static func study(ledgers paths: [String]) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    ) {
        var cells: [Cell] = []
        for path in paths {
            let run = try fold(ledger: path)
            let rule = ruleName(run.config)
            var index = cells.firstIndex { $0.rule == rule && $0.agents == run.config.agents }
            if index == nil {
                cells.append(Cell(agents: run.config.agents, rule: rule))
                index = cells.count - 1
            }
            cells[index!].wHat.append(run.wHat)
            cells[index!].operations.append(run.operations)
            cells[index!].wallMicros.append((run.wallNanos ?? .nan) / 1e3)
        }
        cells.sort { ($0.rule, $0.agents) < ($1.rule, $1.agents) }
        func mean(_ values: [Double]) -> Double {
            values.reduce(0, +) / Double(max(values.count, 1))
        }
        let intervals = cells.map { bootstrap($0.wHat) }
        let rows = zip(cells, intervals).map { cell, interval in
            [
                cell.rule, "\(cell.agents)", "\(cell.wHat.count)",
                String(format: "%.4f", mean(cell.wHat)),
                String(format: "%.4f - %.4f", interval.low, interval.high),
                String(format: "%.1f", mean(cell.operations)),
                String(format: "%.3f", mean(cell.wallMicros)),
            ]
        }
        let rules = cells.map(\.rule).reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        let sizes = Set(cells.map(\.agents)).sorted()
        func frontier(_ id: String, _ title: String, _ xLabel: String, _ x: (Cell) -> Double)
            -> ReportChart
        {
            ReportChart(
                id: id, title: title, style: .points, xLabel: xLabel,
                yLabel: "mean W-hat (95% interval)",
                categories: [],
                series: rules.map { rule in
                    let members = cells.indices.filter { cells[$0].rule == rule }
                    return ReportSeries(
                        rule, x: members.map { x(cells[$0]) },
                        y: members.map { mean(cells[$0].wHat) },
                        low: members.map { intervals[$0].low },
                        high: members.map { intervals[$0].high })
                })
        }
        let pareto = ReportChart(
            id: "pareto-by-n",
            title: "Pareto cells by N (no cell of that N has more W-hat for less wall time)",
            style: .points, xLabel: "wall time per decision (us, measured)", yLabel: "mean W-hat",
            categories: [],
            series: sizes.map { size in
                let members = cells.indices.filter { index in
                    cells[index].agents == size
                        && !cells.indices.contains { other in
                            cells[other].agents == size && other != index
                                && mean(cells[other].wHat) >= mean(cells[index].wHat)
                                && mean(cells[other].wallMicros) <= mean(cells[index].wallMicros)
                                && (mean(cells[other].wHat) > mean(cells[index].wHat)
                                    || mean(cells[other].wallMicros) < mean(cells[index].wallMicros))
                        }
                }
                return ReportSeries(
                    "N \(size)", x: members.map { mean(cells[$0].wallMicros) },
                    y: members.map { mean(cells[$0].wHat) })
            })
        let scaling = ReportChart(
            id: "scaling", title: "Opposite orders looked at per decision, by N", style: .lines,
            xLabel: "N", yLabel: "offers seen + solver calls per decision",
            categories: sizes.map(String.init),
            series: rules.map { rule in
                ReportSeries(
                    rule,
                    sizes.map { size in
                        cells.first { $0.rule == rule && $0.agents == size }.map {
                            mean($0.operations)
                        } ?? .nan
                    })
            })
        return (
            [
                ReportTable(
                    title: "Cells (seed means)",
                    header: [
                        "rule", "N", "runs", "mean W-hat", "95% bootstrap interval",
                        "orders looked at per decision",
                        "wall us per decision",
                    ], rows: rows)
            ],
            [
                frontier(
                    "frontier-wall", "Compute-welfare frontier: measured wall time per decision",
                    "wall time per decision (us, measured)"
                ) { mean($0.wallMicros) },
                frontier(
                    "frontier-operations",
                    "Compute-welfare frontier: opposite orders looked at per decision",
                    "offers seen + solver calls per decision"
                ) { mean($0.operations) },
                pareto, scaling,
            ]
        )
    }

    /// Percentile 95% interval of the mean over 1,000 resamples, drawn from a fixed stream.
    static func bootstrap(_ values: [Double]) -> (low: Double, high: Double) {
        SampleSummary.bootstrap(values, key: StreamKey("electricity-report-bootstrap"))
    }
}
