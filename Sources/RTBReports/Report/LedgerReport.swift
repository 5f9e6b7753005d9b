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
}

/// The report of any ledger: what produced it and the verify verdict, its events by kind, and
/// the sections its model's `ModelReport` adds.
public enum LedgerReport {
    /// One registration line per model that adds sections.
    static let models: [any ModelReport.Type] = [RTBMarketReport.self]

    public static func build(path: String) throws -> ReportDocument {
        let store = try LedgerStore.open(path: path)
        let model = try ModelRegistry.model(of: store)
        return try build(model, store: store, path: path)
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
