import ArgumentParser
import RTBCommandLine
import RTBMarket
import RTBVerify

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
            "Continue this interrupted ledger from its last checkpoint (its header fixes the config)."
    )
    var resume: String?

    @Flag(name: .long, help: "Replace the ledger file if it exists.")
    var overwrite = false

    @Flag(name: .long, help: "Also print the totals table.")
    var summary = false

    @Flag(name: .long, help: .hidden)
    var printPeakMemory = false

    func validate() throws {
        guard (ledger == nil) != (resume == nil) else {
            throw ValidationError(
                "give exactly one of --ledger FILE (new recording) or --resume FILE")
        }
        if let resume, try market.config() != MarketOptions.parse([]).config() {
            throw ValidationError(
                "--resume \(resume) continues the run its header describes; market options cannot change it"
            )
        }
        if let resume,
            recording.frameBytes != EngineOptions.defaultFrameTargetBytes
                || recording.checkpointEvery != EngineOptions.defaultCheckpointEveryFrames
                || recording.canary != nil
        {
            throw ValidationError(
                "--resume \(resume) keeps the frame size and checkpoint interval of its header; "
                    + "--frame-bytes, --checkpoint-every and --canary cannot be given")
        }
        if let resume, overwrite {
            throw ValidationError(
                "--resume \(resume) continues the file; --overwrite cannot be given")
        }
    }

    func run() throws {
        let outcome: RunOutcome
        let path: String
        if let resume {
            path = resume
            outcome = try Recording.resume(
                path: resume, zstdLevel: recording.zstdLevel, durable: recording.durable,
                fault: recording.fault)
            print(
                "resumed: \(outcome.framesVerifiedOnResume) committed frames verified; "
                    + "\(outcome.framesRederivedOnResume) after the last checkpoint re-derived and matched"
            )
        } else {
            path = ledger!
            let config = try market.config()
            try RunPrinter.prepareLedgerPath(path, overwrite: overwrite)
            outcome = try RunPrinter.record(config: config, path: path, recording: recording)
            print(config.summary)
        }
        print(RunPrinter.recordingLines(outcome, path: path), terminator: "")
        if summary { print("\n" + RunReport(outcome).totalsTable(), terminator: "") }
        if printPeakMemory { print("peak memory KiB: \(ProcessMemory.peakKiB() ?? -1)") }
    }
}
