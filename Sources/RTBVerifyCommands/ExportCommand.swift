import ArgumentParser
import RTBCommandLine
import RTBIntegrity
import RTBTrace

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

    @OptionGroup var progress: ProgressOptions

    @Flag(name: .long, help: "Replace tables that exist in the directory.")
    var overwrite = false

    @Flag(name: .long, help: "Print one JSON object (docs/json-output.md) instead of the lines.")
    var json = false

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else {
            throw ValidationError("invalid --format '\(format)': expected csv or jsonl")
        }
    }

    func run() throws {
        let line = ProgressLine("exporting", unit: "events", total: nil, enabled: progress.enabled)
        let tables = try EventExport.write(
            path: trace, selection: EventSelection(kinds: kind, agent: agent),
            format: ExportFormat(rawValue: format)!, directory: output, overwrite: overwrite
        ) { sequence, total in
            line.update(Double(sequence), total: Double(total))
        }
        line.finish()
        if json {
            var object = JSONObject()
            object["command"] = .string("export")
            object["ledger"] = .string(trace)
            object["directory"] = .string(output)
            object["format"] = .string(format)
            object["tables"] = .array(
                tables.map { table in
                    var entry = JSONObject()
                    entry["kind"] = .string(table.kind)
                    entry["file"] = .string(table.file)
                    entry["rows"] = .int(Int64(table.rows))
                    entry["columns"] = .array(table.columns.map { .string($0) })
                    return .object(entry)
                })
            print(object.text)
            return
        }
        for table in tables {
            print("\(output)/\(table.file): \(table.rows) rows, \(table.columns.count) columns")
        }
        if tables.isEmpty { print("no events selected: no table written") }
    }
}
