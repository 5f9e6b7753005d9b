import ArgumentParser
import RTBCommandLine
import RTBIntegrity

/// `rtb-verify export`: a ledger's events as tidy tables, one file per event kind.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a ledger's events as tables, one CSV or JSON-lines file per event kind.",
        discussion: """
            Columns: seq, the kind's fields (docs/event-layouts.md), day and time_of_day_s \
            beside tick, and NAME_usd beside every NAME_micros and NAME_cents amount \
            (docs/export.md). For Parquet, convert with DuckDB (docs/export.md).
            """)

    @Option(name: .long, help: "Ledger file.")
    var trace: String

    @Option(name: .long, help: "csv or jsonl.")
    var format = "csv"

    @Option(name: .long, help: "Directory for the tables (created if missing).")
    var output: String

    @Option(name: .long, help: "Only this event kind (e.g. DealAgreed; repeatable).")
    var kind: [String] = []

    @Option(name: .long, help: "Only events that concern this agent (e.g. buyer-001).")
    var agent: String?

    @Flag(name: .long, help: "Replace tables that exist in the directory.")
    var overwrite = false

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else {
            throw ValidationError("invalid --format '\(format)': expected csv or jsonl")
        }
    }

    func run() throws {
        let tables = try EventExport.write(
            path: trace, selection: EventSelection(kinds: kind, agent: agent),
            format: ExportFormat(rawValue: format)!, directory: output, overwrite: overwrite)
        for table in tables {
            print("\(output)/\(table.file): \(table.rows) rows, \(table.columns.count) columns")
        }
        if tables.isEmpty { print("no events selected: no table written") }
    }
}
