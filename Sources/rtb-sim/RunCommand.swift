import ArgumentParser
import Foundation
import RTBCommandLine
import RTBIntegrity
import RTBMarket
import RTBModels
import RTBReports
import RTBRunning
import RTBTrace

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "Run the market, record every event into a ledger, print totals and a per-day table.")

    @OptionGroup var market: MarketOptions
    @OptionGroup var recording: RecordingOptions

    @Option(
        name: .long,
        help: """
            Ledger file to record into (default: traces/run-<config digest>.ledger, replaced when the same \
            configuration runs again).
            """)
    var ledger: String?

    @Flag(name: .long, help: "Replace the ledger file if it exists.")
    var overwrite = false

    @Option(name: .long, help: "Write the canonical results JSON here.")
    var output: String?

    @Flag(
        name: .long,
        help: "Also check every event online with the economic checker (exit 11 on a violation).")
    var check = false

    @OptionGroup var progress: ProgressOptions

    @Flag(
        name: .long,
        help:
            "Print one JSON object (recording, results, check) instead of the tables (docs/json-output.md)."
    )
    var json = false

    func run() throws {
        let config = try market.config()
        let target = RecordTarget(model: RTBMarketModel.self, config: config.canonicalBytes)
        try target.validate(recording)
        let path = ledger ?? "traces/run-\(config.digest.short).ledger"
        // The default file is named after the configuration: a rerun may replace a finished
        // recording of the same run, never an interrupted one or one with other options.
        var replace = overwrite
        if ledger == nil, !overwrite, FileManager.default.fileExists(atPath: path) {
            guard RunPrinter.holdsFinishedRecording(at: path, target: target, recording: recording)
            else {
                throw CommandFailure(
                    ExitStatus.usage,
                    "\(path): exists and is not a finished recording of this run (an interrupted "
                        + "one, or other recording options); pass --overwrite to replace it, --ledger "
                        + "to record elsewhere, or continue it with rtb-verify record --resume \(path)"
                )
            }
            replace = true
        }
        try RunPrinter.prepareLedgerPath(path, overwrite: replace)
        let checking =
            check
            ? CheckingSink(RTBMarketModel.self, config: config, forwardingTo: NullSink()) : nil
        let (outcome, run) = try RunPrinter.record(
            target, path: path, recording: recording, alsoTo: checking, progress: progress)
        guard let engine = run as? MarketEngine else {
            preconditionFailure("an rtb-market run is a MarketEngine")
        }
        let report = RunReport(outcome, engine: engine)
        if !json {
            print(config.summary)
            print(RunPrinter.recordingLines(outcome, path: path))
            print(report.totalsTable())
            print(report.dailyTable())
        }
        if let output { try CommandRunner.write(report.json, to: output) }
        checking?.checker.finish()
        if json {
            var object = JSONObject()
            object["command"] = .string("run")
            object["recording"] = .object(CommandJSON.recording(outcome, path: path))
            object["results"] = .raw(String(report.json.dropLast()))
            object["check_violations"] =
                checking.map { .int($0.checker.tally.totalViolations) } ?? .null
            print(object.text)
        }
        if let checker = checking?.checker {
            if !json {
                print(
                    CheckReport.render(checker.tally, notes: checker.notes, events: outcome.events),
                    terminator: "")
            }
            if checker.tally.totalViolations > 0 {
                throw CommandFailure(ExitStatus.violation, "online check found violations")
            }
        }
    }
}
