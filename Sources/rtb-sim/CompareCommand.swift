import ArgumentParser
import RTBCommandLine
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTrace

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Re-render a saved results JSON (from run --output) as a table, markdown or JSON."
    )

    @Argument(help: "Results JSON written by 'rtb-sim run --output'.")
    var results: String

    @Option(name: .long, help: "table, markdown or json.")
    var format = "table"

    func validate() throws {
        guard ["table", "markdown", "json"].contains(format) else {
            throw ValidationError("invalid --format '\(format)': expected table, markdown or json")
        }
    }

    func run() throws {
        let document = try ResultsDocument.load(
            path: results, text: try CommandRunner.read(results))
        switch format {
        case "json": print(document.canonicalJSON, terminator: "")
        case "markdown": print(document.comparisonTable(markdown: true), terminator: "")
        default: print(document.comparisonTable(markdown: false), terminator: "")
        }
    }
}
