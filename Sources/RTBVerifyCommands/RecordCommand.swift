import ArgumentParser
import RTBCommandLine
import RTBLedger
import RTBLLM
import RTBMarket
import RTBModels
import RTBReports
import RTBRunning
import RTBTrace

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a market run into a new ledger, or --resume an interrupted one.")

    @OptionGroup var market: MarketOptions
    @OptionGroup var recording: RecordingOptions

    @Option(name: .long, help: "Ledger file to create.")
    var ledger: String?

    @Option(
        name: .long,
        help:
            "Model to record (default rtb-market, configured by the market options); any other model reads its config from --config FILE (JSON)."
    )
    var model: String?

    @Option(
        name: .long,
        help:
            "Continue this interrupted ledger from its last checkpoint (its header fixes the config)."
    )
    var resume: String?

    @Flag(name: .long, help: "Replace the ledger file if it exists.")
    var overwrite = false

    @Option(
        name: .long,
        help:
            "Write the model's live feed to this file while recording, one JSON line per update (campaign-atomization: a dashboard line every 2 simulated minutes). Outside every digest."
    )
    var feed: String?

    @Flag(name: .long, help: "Also print the totals table.")
    var summary = false

    @Flag(name: .long, help: .hidden)
    var printPeakMemory = false

    func validate() throws {
        guard (ledger == nil) != (resume == nil) else {
            throw ValidationError(
                "give exactly one of --ledger FILE (new recording) or --resume FILE")
        }
        if let resume, model != nil || market.configFile != nil || !market.givenOptions.isEmpty {
            throw ValidationError(
                "--resume \(resume) continues the run its header describes; --model and market options cannot change it"
            )
        }
        if let resume,
            recording.frameBytes != FrameLayout.defaultFrameTargetBytes
                || recording.checkpointEvery != FrameLayout.defaultCheckpointEveryFrames
                || recording.canary != nil
        {
            throw ValidationError(
                "--resume \(resume) keeps the frame size and checkpoint interval of its header; "
                    + "--frame-bytes, --checkpoint-every and --canary cannot be given")
        }
        if let resume, feed != nil {
            throw ValidationError("--resume \(resume): --feed is for new recordings")
        }
        if let resume, overwrite {
            throw ValidationError(
                "--resume \(resume) continues the file; --overwrite cannot be given")
        }
    }

    @OptionGroup var progress: ProgressOptions

    @Flag(name: .long, help: "Print one JSON object (docs/json-output.md) instead of the lines.")
    var json = false

    func run() throws {
        let outcome: RunOutcome
        var engine: MarketEngine?
        let path: String
        if let resume {
            path = resume
            var settings = recording.settings
            settings.stop = SignalWatch.install()
            if let spent = try LLMUsage(store: LedgerStore.open(path: resume)) {
                LLMEnvironment.set("RTB_LLM_SPENT", String(spent.dollars))
            }
            outcome = try Recording.resume(path: resume, settings: settings)
            if !json {
                print(
                    "resumed: \(outcome.framesVerifiedOnResume) committed frames verified; "
                        + "\(outcome.framesRederivedOnResume) after the last checkpoint re-derived and matched"
                )
            }
        } else {
            path = ledger!
            let target = try RecordTarget.resolve(model: model, market: market)
            try target.validate(recording)
            try RunPrinter.prepareLedgerPath(path, overwrite: overwrite)
            let (recorded, run) = try RunPrinter.record(
                target, path: path, recording: recording, progress: progress, feed: feed)
            outcome = recorded
            engine = run as? MarketEngine
            if !json { print(outcome.summary) }
        }
        let costs = try LLMUsage(store: LedgerStore.open(path: path))
        if json {
            var object = CommandJSON.recording(outcome, path: path)
            object["command"] = .string("record")
            object["resumed"] = .bool(resume != nil)
            if let costs { object["llm"] = .object(costs.json) }
            print(object.text)
            return
        }
        print(RunPrinter.recordingLines(outcome, path: path), terminator: "")
        if let costs { print(costs.line) }
        if summary, let engine {
            print("\n" + RunReport(outcome, engine: engine).totalsTable(), terminator: "")
        }
        if printPeakMemory { print("peak memory KiB: \(ProcessMemory.peakKiB() ?? -1)") }
    }
}
