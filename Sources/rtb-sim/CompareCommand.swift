import ArgumentParser
import Foundation
import RTBCommandLine
import RTBReports
import RTBTrace

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Show runs side by side: results files (run --output) or RTB market ledgers.",
        discussion: """
            Every metric of every scenario of every input, one row per metric. A ledger's \
            results are computed from the ledger alone (chain verified, metrics folded from its \
            events): for a run recorded with --output they are its results file byte for byte. \
            With one input, --format json prints that input's results document; with several, \
            {"runs": [{"source": PATH, "results": DOCUMENT}, ...]} in the order given.
            """)

    @Argument(help: "Results JSON files written by 'rtb-sim run --output', or ledgers.")
    var inputs: [String]

    @Option(name: .long, help: "table, markdown or json.")
    var format = "table"

    func validate() throws {
        guard ["table", "markdown", "json"].contains(format) else {
            throw ValidationError("invalid --format '\(format)': expected table, markdown or json")
        }
        guard !inputs.isEmpty else {
            throw ValidationError("give at least one results file or ledger")
        }
    }

    func run() throws {
        let documents = try inputs.map { input in
            (source: input, document: try Self.load(input))
        }
        let markdown: Bool
        switch format {
        case "json":
            if documents.count == 1 {
                print(documents[0].document.canonicalJSON, terminator: "")
            } else {
                let runs = documents.map { run in
                    "{\"results\":\(run.document.root.canonicalText),\"source\":\(JSONText.quote(run.source))}"
                }
                print("{\"runs\":[" + runs.joined(separator: ",") + "]}")
            }
            return
        case "markdown": markdown = true
        default: markdown = false
        }
        let labels = Self.labels(inputs)
        let labelled = zip(labels, documents).map { (label: $0, document: $1.document) }
        print(ResultsDocument.comparisonTable(labelled, markdown: markdown), terminator: "")
        print(
            "\nThe seed's validity table (stated for the default configuration, any seed):\n")
        print(
            TextTable.render(ResultsDocument.validityRows(labelled), markdown: markdown),
            terminator: "")
    }

    /// A results file, or the results computed from a ledger (an SQLite file).
    static func load(_ path: String) throws -> ResultsDocument {
        let handle = FileHandle(forReadingAtPath: path)
        let prefix = try? handle?.read(upToCount: 16)
        try? handle?.close()
        if let prefix, Array(prefix ?? Data()) == Array("SQLite format 3\0".utf8) {
            return try ResultsDocument.load(path: path, text: try RunReport(ledger: path).json)
        }
        return try ResultsDocument.load(path: path, text: try CommandRunner.read(path))
    }

    /// Column labels: none for one input, file names for several (whole paths when two share
    /// a name).
    static func labels(_ inputs: [String]) -> [String?] {
        guard inputs.count > 1 else { return [nil] }
        let names = inputs.map { URL(fileURLWithPath: $0).lastPathComponent }
        let unique = Set(names).count == names.count
        return zip(inputs, names).map { unique ? $1 : $0 }
    }
}
