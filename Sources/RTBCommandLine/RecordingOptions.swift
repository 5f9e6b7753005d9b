import ArgumentParser
import RTBLedger
import RTBLLM
import RTBModels
import RTBRunning
import RTBTrace

/// Options that shape recording.
public struct RecordingOptions: ParsableArguments {
    @Option(
        name: .long, help: "Bytes of events per frame (frames are hashed and compressed as a unit)."
    )
    public var frameBytes = FrameLayout.defaultFrameTargetBytes

    @Option(name: .long, help: "Take a checkpoint every this many frames.")
    public var checkpointEvery = FrameLayout.defaultCheckpointEveryFrames

    @Option(name: .long, help: "zstd level, 1...19 (never changes a digest).")
    public var zstdLevel: Int32 = ZstdCompressor.defaultLevel

    @Flag(
        name: .long,
        help: "Sync every commit to disk (SQLite synchronous=FULL); slower, survives power loss.")
    public var durable = false

    @Option(
        name: .long,
        help: "Worker threads for models that split a step across cores (never changes a digest).")
    public var threads = 1

    @Option(
        name: .long,
        help:
            "--policy llm: stop when the model calls have cost this many dollars (the ledger stays resumable)."
    )
    public var llmBudget: Double?

    @Option(name: .long, help: .hidden)
    public var canary: String?

    /// Test hook: a fault at a deterministic write (see `LedgerFault`), e.g. kill@after-frame:12.
    @Option(name: .long, help: .hidden)
    public var injectFault: String?

    public init() {}

    /// The parsed `--inject-fault` (validated).
    public var fault: LedgerFault? { injectFault.flatMap(LedgerFault.init) }

    public mutating func validate() throws {
        guard (1_024...(16 << 20)).contains(frameBytes) else {
            throw ValidationError("invalid --frame-bytes \(frameBytes): expected 1024...16777216")
        }
        guard (1...1_000_000).contains(checkpointEvery) else {
            throw ValidationError(
                "invalid --checkpoint-every \(checkpointEvery): expected 1...1000000")
        }
        if let llmBudget, !(llmBudget >= 0) {
            throw ValidationError("invalid --llm-budget \(llmBudget): expected dollars, 0 or more")
        }
        guard (1...64).contains(threads) else {
            throw ValidationError("invalid --threads \(threads): expected 1...64")
        }
        guard (1...19).contains(zstdLevel) else {
            throw ValidationError("invalid --zstd-level \(zstdLevel): expected 1...19")
        }
        if let injectFault, LedgerFault(injectFault) == nil {
            throw ValidationError(
                "invalid --inject-fault '\(injectFault)': expected \(LedgerFault.syntax)")
        }
        let canaries = ModelRegistry.canaries
        if let canary, !canaries.contains(canary) {
            throw ValidationError(
                "invalid --canary '\(canary)': expected \(canaries.joined(separator: ", "))")
        }
    }

    /// Frame size and checkpoint interval.
    public var layout: FrameLayout {
        FrameLayout(frameTargetBytes: frameBytes, checkpointEveryFrames: checkpointEvery)
    }

    /// The recording settings these options describe.
    public var settings: RecordingSettings {
        var settings = RecordingSettings(layout: layout)
        settings.zstdLevel = zstdLevel
        settings.durable = durable
        settings.fault = fault
        settings.canary = canary
        settings.parallel = ThreadedWork(workers: threads)
        if let llmBudget { LLMEnvironment.set("RTB_LLM_BUDGET", String(llmBudget)) }
        return settings
    }
}
