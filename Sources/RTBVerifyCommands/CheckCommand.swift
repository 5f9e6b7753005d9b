import ArgumentParser
import RTBCommandLine
import RTBIntegrity
import RTBTrace

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check the market's rules and the expected result ranges from the recorded events alone."
    )

    @Option(name: .long, help: "Ledger file.")
    var trace: String

    @Option(
        name: .long,
        help: "Golden file: compare the summary metrics with its exact values and ranges.")
    var golden: String?

    @Option(name: .long, help: "Probe truthfulness on every Nth open auction.")
    var truthfulnessSampling = 8

    @OptionGroup var progress: ProgressOptions

    @Flag(name: .long, help: "Print one JSON object (docs/json-output.md); exit codes unchanged.")
    var json = false

    func validate() throws {
        guard truthfulnessSampling >= 1 else {
            throw ValidationError("invalid --truthfulness-sampling: expected 1 or more")
        }
    }

    func run() throws {
        let line = ProgressLine(
            "checking", unit: "events", total: nil, enabled: progress.enabled)
        let outcome = try LedgerChecker.check(
            path: trace, options: CheckOptions(sampling: truthfulnessSampling)
        ) { done, total in
            line.update(Double(done), total: Double(total))
        }
        line.finish()
        if !json {
            print(
                CheckReport.render(outcome.tally, notes: outcome.notes, events: outcome.events),
                terminator: "")
        }
        if let golden, outcome.metrics.isEmpty {
            throw CommandFailure(
                ExitStatus.usage,
                "\(trace): a \(outcome.model.name) ledger has no summary metrics to compare with "
                    + "\(golden); check it without --golden")
        }
        var problems: [String] = []
        if outcome.tally.totalViolations > 0 {
            problems.append("\(outcome.tally.totalViolations) invariant violations")
        }
        var goldenResult: (path: String, passed: Bool)?
        if let golden {
            let comparison = try GoldenCheck.compare(
                metrics: outcome.metrics, runDigest: outcome.runDigest, goldenPath: golden)
            if !json { print(comparison.text, terminator: "") }
            if !comparison.passed { problems.append("differs from \(golden)") }
            goldenResult = (golden, comparison.passed)
        }
        if json { print(CommandJSON.check(outcome, path: trace, golden: goldenResult).text) }
        if !problems.isEmpty {
            throw CommandFailure(
                ExitStatus.violation,
                "\(trace): " + problems.joined(separator: "; ") + (json ? "" : " (see above)"))
        }
    }
}
