import ArgumentParser
import Foundation
import RTBTrace
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

    @Option(
        name: .long,
        help: "A study manifest (rtb-sim sweep): report its cells, as several --trace would.")
    var manifest: String?

    @Option(name: .long, help: "html, md or json.")
    var format = "html"

    @Option(name: .long, help: "Write here instead of stdout (replaced atomically).")
    var output: String?

    func validate() throws {
        guard trace.isEmpty != (manifest == nil) else {
            throw ValidationError("give --trace LEDGER (repeatable) or --manifest FILE")
        }
        guard ["html", "md", "json"].contains(format) else {
            throw ValidationError("invalid --format '\(format)': expected html, md or json")
        }
    }

    func run() throws {
        var document: ReportDocument
        if let manifest {
            // The manifest's cells, each ledger checked against the head the manifest records.
            let study = try StudyManifest.load(
                path: manifest, text: try CommandRunner.read(manifest))
            let directory = URL(fileURLWithPath: manifest).deletingLastPathComponent().path
            guard !study.cells.isEmpty else {
                throw CommandFailure(ExitStatus.usage, "\(manifest): no cells to report")
            }
            document = try LedgerReport.build(
                paths: study.cells.map { directory + "/" + $0.ledger })
            let heads: [String]
            if let runs = document.tables.first(where: { $0.title == "Runs" }) {
                heads = runs.rows.map { $0.last ?? "" }
            } else {
                heads = [document.facts.first { $0.name == "head hash (run digest)" }?.value ?? ""]
            }
            if let mismatch = zip(study.cells, heads).first(where: { $0.headHash != $1 }) {
                throw CommandFailure(
                    ExitStatus.invalidLedger,
                    "\(manifest): \(mismatch.0.name): its ledger's head is not the manifest's")
            }
            document.facts += [
                ReportFact("manifest", manifest),
                ReportFact("study digest", study.studyDigest?.hex ?? "- (cells missing)"),
            ]
        } else {
            document = try LedgerReport.build(paths: trace)
        }
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
