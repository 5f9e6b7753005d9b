import Foundation
import RTBAuctionLab
import RTBCore
import RTBLedger
import RTBModels

/// The auction lab's sections, AuctionGym's results: per iteration (mean over runs) the
/// market's revenue, surplus and welfare, each agent group's net utility, shading and regrets;
/// a table of the last iteration per agent group. Agents are grouped by name (upstream's
/// `num_copies` of one spec share a name), amounts in units of value.
enum AuctionLabReport: ModelReport {
    static var modelName: String { AuctionLabModel.identity.name }

    static func sections(ledger path: String) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    ) {
        let store = try LedgerStore.open(path: path)
        let config = try AuctionLabModel.decodeConfig(store.header.config)
        var summaries: [AgentIteration] = []
        var closed: [IterationClosed] = []
        var userPersonas: [Int64] = []
        // Per persona: impressions won, clicks.
        var personaCounts = Array(
            repeating: (impressions: 0, clicks: 0), count: max(1, config.personas.count))
        try LedgerEvents.forEach(AuctionLabModel.self, store: store) { _, event, _ in
            switch event.body {
            case .agentIteration(let summary): summaries.append(summary)
            case .iterationClosed(let iteration): closed.append(iteration)
            case .usersDrawn(let drawn): userPersonas = drawn.personas
            case .roundPlayed(let round) where config.hasUsers && round.user < userPersonas.count:
                let persona = Int(userPersonas[round.user])
                guard persona < personaCounts.count else { break }
                for slot in 0..<(round.outcome.count / 3) {
                    personaCounts[persona].impressions += 1
                    if round.outcome[slot * 3 + 2] == 1 { personaCounts[persona].clicks += 1 }
                }
            case .labOpened, .agentDrawn, .roundPlayed, .bidderUpdated, .allocatorUpdated: break
            }
            return true
        }
        var groups: [String] = []
        for agent in config.agents where !groups.contains(agent.name) { groups.append(agent.name) }
        let iterations = config.iterations
        let categories = (1...iterations).map(String.init)
        /// The mean over runs and the group's agents of `value`, per iteration.
        func series(_ group: String, _ value: (AgentIteration) -> Double) -> [Double] {
            (0..<iterations).map { iteration in
                let picked = summaries.filter {
                    $0.iteration == iteration && config.agents[$0.agent].name == group
                }
                return picked.isEmpty
                    ? .nan : picked.reduce(0) { $0 + value($1) } / Double(picked.count)
            }
        }
        func market(_ value: (IterationClosed) -> Int64) -> [Double] {
            (0..<iterations).map { iteration in
                let picked = closed.filter { $0.iteration == iteration }
                return picked.isEmpty
                    ? .nan
                    : Double(picked.reduce(0) { $0 + value($1) }) / 1e6 / Double(picked.count)
            }
        }
        let units = { (micros: Int64) in Double(micros) / 1e6 }
        var rows: [[String]] = []
        for group in groups {
            let last = summaries.filter {
                $0.iteration == iterations - 1 && config.agents[$0.agent].name == group
            }
            guard !last.isEmpty else { continue }
            func mean(_ value: (AgentIteration) -> Double) -> String {
                String(format: "%.3f", last.reduce(0) { $0 + value($1) } / Double(last.count))
            }
            /// Regrets are not defined under click billing.
            func regret(_ value: (AgentIteration) -> Double) -> String {
                config.billing == .click ? "n/a" : mean(value)
            }
            rows.append([
                group, String(last.count), mean { units($0.net) }, mean { units($0.gross) },
                mean { Double($0.wins) / Double(max(1, $0.participations)) },
                regret { units($0.allocationRegret) }, regret { units($0.overbidRegret) },
                regret { units($0.underbidRegret) }, mean { units($0.estimationRegret) },
                mean { Double($0.ctrRmsePpm) / 1e6 }, mean { Double($0.ctrBiasPpm) / 1e6 },
                mean { Double($0.meanGammaPpm) / 1e6 },
            ])
        }
        let table = ReportTable(
            title: "Agents in the last iteration (mean over each group's agents and the runs)",
            header: [
                "agents", "agent-runs", "net utility", "gross utility", "win rate",
                "allocation regret",
                "overbid regret", "underbid regret", "estimation regret", "CTR RMSE",
                "CTR bias", "mean gamma",
            ], rows: rows)
        let charts = [
            ReportChart(
                id: "market", title: "Revenue, surplus and welfare per iteration (mean over runs)",
                style: .lines, xLabel: "iteration", yLabel: "units of value",
                categories: categories,
                series: [
                    ReportSeries("revenue", market(\.revenue)),
                    ReportSeries("surplus", market(\.surplus)),
                    ReportSeries("welfare", market(\.welfare)),
                ]),
            ReportChart(
                id: "net-utility", title: "Net utility per agent and iteration", style: .lines,
                xLabel: "iteration", yLabel: "units of value", categories: categories,
                series: groups.map { group in ReportSeries(group, series(group) { units($0.net) }) }
            ),
            ReportChart(
                id: "gamma", title: "Mean shading factor (bid / estimated value)", style: .lines,
                xLabel: "iteration", yLabel: "gamma", categories: categories,
                series: groups.map { group in
                    ReportSeries(group, series(group) { Double($0.meanGammaPpm) / 1e6 })
                }),
            ReportChart(
                id: "regret", title: "Regret per agent and iteration", style: .lines,
                xLabel: "iteration", yLabel: "units of value", categories: categories,
                series: groups.flatMap { group in
                    [
                        ReportSeries(
                            "\(group): allocation", series(group) { units($0.allocationRegret) }),
                        ReportSeries(
                            "\(group): overbid", series(group) { units($0.overbidRegret) }),
                        ReportSeries(
                            "\(group): underbid", series(group) { units($0.underbidRegret) }),
                    ]
                }),
        ]
        guard config.hasUsers else { return ([table], charts) }
        let personaTable = ReportTable(
            title:
                "Impressions and clicks by persona (\(config.users) users\(config.fatigueHalfLife > 0 ? ", fatigue half-life \(config.fatigueHalfLife) impressions" : ""))",
            header: [
                "persona", "CTR factor", "click value factor", "impressions", "clicks",
                "click rate",
            ],
            rows: personaCounts.indices.map { index in
                let persona =
                    config.personas.isEmpty
                    ? Persona(
                        name: "everyone", sharePpm: 1_000_000, ctrPpm: 1_000_000, cvrPpm: 1_000_000)
                    : config.personas[index]
                let counts = personaCounts[index]
                return [
                    persona.name, String(format: "%.2f", Double(persona.ctrPpm) / 1e6),
                    String(format: "%.2f", Double(persona.cvrPpm) / 1e6),
                    String(counts.impressions),
                    String(counts.clicks),
                    counts.impressions == 0
                        ? "-"
                        : String(
                            format: "%.4f", Double(counts.clicks) / Double(counts.impressions)),
                ]
            })
        return ([table, personaTable], charts)
    }
}
