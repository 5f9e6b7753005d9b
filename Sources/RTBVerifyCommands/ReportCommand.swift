import ArgumentParser
import Foundation
import RTBCommandLine
import RTBReports

/// `rtb-verify report`: a run's report from its ledger, as HTML, markdown or JSON.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A run's report from its ledger: identity, verify verdict, tables and charts.",
        discussion: """
            html is one self-contained page (inline SVG, no script, no network); md and json \
            carry the same content (docs/report.md). Any model's ledger: its identity, verdict \
            and events by kind; the RTB market adds its results and charts. Several --trace: \
            the runs, and per metric the mean and 95% interval over them, with overlays.
            """)

    @Option(
        name: .long,
        help: "Ledger file; repeat for a report of several runs (means, intervals, overlays).")
    var trace: [String] = []

    @Option(name: .long, help: "html, md or json.")
    var format = "html"

    @Option(name: .long, help: "Write here instead of stdout (replaced atomically).")
    var output: String?

    func validate() throws {
        guard !trace.isEmpty else { throw ValidationError("give --trace LEDGER (repeatable)") }
        guard ["html", "md", "json"].contains(format) else {
            throw ValidationError("invalid --format '\(format)': expected html, md or json")
        }
    }

    func run() throws {
        let document = try LedgerReport.build(paths: trace)
        let text: String
        switch format {
        case "md": text = document.markdown
        case "json": text = document.json
        default: text = document.html
        }
        guard let output else {
            print(text, terminator: "")
            return
        }
        do {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure(ExitStatus.operatingError, "\(output): cannot write the report")
        }
        print(
            "\(output): \(format) report, \(document.charts.count) charts, \(document.tables.count) tables"
        )
    }
}
