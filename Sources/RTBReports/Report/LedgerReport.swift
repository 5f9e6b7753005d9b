import RTBCore
import RTBIntegrity
import RTBLedger
import RTBModels
import RTBTrace

/// A model's own sections of a run's report, read from its ledger.
public protocol ModelReport {
    /// The model (by identity name) this report is for.
    static var modelName: String { get }
    /// Tables and charts of the run in the finished ledger at `path`.
    static func sections(ledger path: String) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    )
    /// Tables and charts of several finished runs together (means, intervals, overlays).
    static func study(ledgers paths: [String]) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    )
}

extension ModelReport {
    /// No study sections: a report of several runs lists the runs only.
    public static func study(ledgers paths: [String]) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    ) {
        ([], [])
    }
}

/// The report of any ledger: what produced it and the verify verdict, its events by kind, and
/// the sections its model's `ModelReport` adds.
public enum LedgerReport {
    /// One registration line per model that adds sections.
    static let models: [any ModelReport.Type] = [
        RTBMarketReport.self, ExchangeEconomyReport.self, CampaignAtomizationReport.self,
        ElectricityReport.self, AuctionLabReport.self, CreativePipelineReport.self,
    ]

    public static func build(path: String) throws -> ReportDocument {
        let store = try LedgerStore.open(path: path)
        let model = try ModelRegistry.model(of: store)
        return try build(model, store: store, path: path)
    }

    /// The report of several runs of one model: a table of the runs (config, verdict, head),
    /// and the model's study sections when every run is intact and finished.
    public static func build(paths: [String]) throws -> ReportDocument {
        guard paths.count > 1 else { return try build(path: paths[0]) }
        let runs = try paths.map { path in (path, try build(path: path)) }
        let models = Set(runs.map { $0.1.facts.first { $0.name == "model" }?.value ?? "?" })
        guard models.count == 1, let model = models.first else {
            throw ReportError(
                "runs of different models cannot be reported together: "
                    + models.sorted().joined(separator: ", "))
        }
        func fact(_ document: ReportDocument, _ name: String) -> String {
            document.facts.first { $0.name == name }?.value ?? "-"
        }
        var document = ReportDocument(title: "\(runs.count) runs of \(model)")
        document.facts = [ReportFact("runs", String(runs.count)), ReportFact("model", model)]
        document.tables.append(
            ReportTable(
                title: "Runs",
                header: ["ledger", "config", "verify", "events, frames", "head hash"],
                rows: runs.map { path, run in
                    [
                        path, fact(run, "config"), fact(run, "verify"), fact(run, "events, frames"),
                        fact(run, "head hash (run digest)"),
                    ]
                }))
        let name = model.split(separator: " ").first.map(String.init) ?? model
        if runs.allSatisfy({ fact($0.1, "verify") == "intact, finished" }),
            let report = Self.models.first(where: { $0.modelName == name })
        {
            let sections = try report.study(ledgers: paths)
            document.tables += sections.tables
            document.charts += sections.charts
        }
        return document
    }

    static func build<Model: SimulationModel>(_ model: Model.Type, store: LedgerStore, path: String)
        throws -> ReportDocument
    {
        let header = store.header
        let config = try ModelRegistry.config(Model.self, of: store)
        let chain = try ChainVerifier.verify(store: store)
        let head = try store.head()
        var document = ReportDocument(
            title: "\(Model.identity.name) run: \(Model.summary(of: config))")
        document.facts = [
            ReportFact("ledger", path),
            ReportFact("model", "\(Model.identity.name) version \(Model.identity.version)"),
            ReportFact("config", Model.summary(of: config)),
            ReportFact("config bytes SHA-256", Sha256.hash(header.config).hex),
            ReportFact(
                "engine, formats",
                "engine \(header.engineVersion), ledger format \(header.formatVersion), event schema \(header.eventSchemaVersion)"
            ),
            ReportFact(
                "verify",
                chain.problem.map { "NOT INTACT: \($0)" }
                    ?? (chain.finished ? "intact, finished" : "intact, not finished")),
            ReportFact("events, frames", "\(chain.events) events in \(chain.frames) frames"),
            ReportFact("head hash (run digest)", chain.headHash.hex),
            ReportFact("market digest", head?.marketDigest?.hex ?? "none (not finished)"),
        ]
        var kinds = [Int](repeating: 0, count: Model.Event.kindNames.count)
        if chain.problem == nil {
            let names = Model.Event.kindNames
            try LedgerEvents.forEach(Model.self, store: store) { _, event, _ in
                if let index = names.firstIndex(of: event.kindName) { kinds[index] += 1 }
                return true
            }
        }
        let present = kinds.indices.filter { kinds[$0] > 0 }
        document.tables.append(
            ReportTable(
                title: "Events by kind", header: ["kind", "events"],
                rows: present.map { [Model.Event.kindNames[$0], String(kinds[$0])] }))
        document.charts.append(
            ReportChart(
                id: "events-by-kind", title: "Events by kind", style: .bars, xLabel: "kind",
                yLabel: "events", categories: present.map { Model.Event.kindNames[$0] },
                series: [ReportSeries("events", present.map { Double(kinds[$0]) })]))
        if chain.problem == nil, chain.finished,
            let report = models.first(where: { $0.modelName == Model.identity.name })
        {
            let sections = try report.sections(ledger: path)
            document.tables = sections.tables + document.tables
            document.charts = sections.charts + document.charts
        }
        return document
    }
}

/// Ledgers that cannot be reported together (exit 64).
public struct ReportError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
