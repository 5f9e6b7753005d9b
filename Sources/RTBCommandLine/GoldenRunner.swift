import ArgumentParser
import Foundation
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBTrace
import RTBVerify

/// The options a golden file's `arguments` may hold (those of `rtb-verify record`).
struct GoldenArguments: ParsableArguments {
    @OptionGroup var market: MarketOptions
    @OptionGroup var recording: RecordingOptions
}

/// The one helper that produces golden files: runs their arguments and compares or rewrites.
/// No test writes a golden file; only `rtb-verify golden update` and `golden add` do.
public enum GoldenRunner {
    /// Runs a golden's arguments and returns what the golden file should hold. With
    /// `ledgerPath`, the run is also recorded there (for exact divergence reports).
    public static func run(
        name: String, arguments: [String], ledgerPath: String? = nil, chunkEvents: Int? = nil
    ) throws -> GoldenFile {
        let parsed: GoldenArguments
        do {
            parsed = try GoldenArguments.parse(arguments)
        } catch {
            throw ValidationError(
                "golden \(name): arguments: \(GoldenArguments.message(for: error))")
        }
        let config = try parsed.market.config()
        let options = parsed.recording.engineOptions
        let header = RunHeader(
            config: config.canonicalBytes, frameTargetBytes: options.frameTargetBytes,
            checkpointEveryFrames: options.checkpointEveryFrames)
        var recorder: LedgerRecorder?
        if let ledgerPath {
            try RunPrinter.prepareLedgerPath(ledgerPath, overwrite: true)
            recorder = LedgerRecorder(
                store: try LedgerStore.create(path: ledgerPath, header: header))
        }
        let chunkSize = chunkEvents ?? defaultChunkEvents(config)
        let hasher = ChainHashingSink(
            header: header, chunkEvents: chunkSize, forwardingTo: recorder)
        let memory = MemoryFrameStore(forwardingTo: hasher)
        let engine = MarketEngine(
            config: config, sink: recorder == nil ? memory : hasher,
            ledger: recorder.map { $0 as SharedLedgerReader } ?? memory, options: options)
        try engine.run()
        hasher.finish()
        try recorder?.finish(marketDigest: engine.marketDigest)
        let metrics = GoldenFile.metrics(of: engine.metrics)
        return GoldenFile(
            name: name, arguments: arguments, engineVersion: BuildInfo.engineVersion,
            runDigest: hasher.headHash.hex, marketDigest: engine.marketDigest.hex,
            events: engine.log.nextSequence, metrics: metrics,
            ranges: ranges(for: config, metrics: metrics),
            chunkEvents: chunkSize, chunkHashes: hasher.chunkHashes)
    }

    /// About a thousand chunks per run: a power of two at least 256, from the open traffic.
    static func defaultChunkEvents(_ config: MarketConfig) -> Int {
        let expected =
            Int64(config.days)
            * (config.volume.requestsPerDay * Int64(config.scenarios.count) + 10_000)
        var chunk = 256
        while Int64(chunk) * 1_024 < expected { chunk *= 2 }
        return chunk
    }

    /// Expected ranges: the seed's validity table for the default configuration (any seed);
    /// otherwise the properties every run must have (A's take rate within 10-20%, C recovering
    /// exactly).
    static func ranges(for config: MarketConfig, metrics: [(name: String, value: Int64)]) -> [(
        name: String, low: Int64, high: Int64
    )] {
        var defaults = MarketConfig()
        defaults.seed = config.seed
        if config == defaults { return GoldenFile.validityRanges }
        var ranges: [(name: String, low: Int64, high: Int64)] = []
        if config.scenarios.contains(.a),
            metrics.contains(where: { $0.name == "a.buyer_spend_micros" && $0.value > 0 })
        {
            ranges.append(("a.take_rate_ppm", 100_000, 200_000))
        }
        if config.scenarios.contains(.c),
            metrics.contains(where: { $0.name == "c.recoveries" && $0.value > 0 })
        {
            ranges.append(("c.recovery_rate_ppm", 1_000_000, 1_000_000))
        }
        return ranges
    }

    /// Golden files in `directory`, by name.
    public static func files(in directory: String) throws -> [(path: String, golden: GoldenFile)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { file in
            let path = directory + "/" + file
            return (path, try GoldenFile.parse(try CommandRunner.read(path), path: path))
        }
    }

    /// Where `golden update` keeps each golden run's ledger (not committed).
    public static func ledgerPath(directory: String, name: String) -> String {
        directory + "/ledgers/" + name + ".ledger"
    }

    /// Runs a golden fresh and compares. With a local golden ledger, a divergence is located at
    /// its exact event by replay.
    public static func check(_ golden: GoldenFile, directory: String) throws -> (
        passed: Bool, report: String
    ) {
        let actual = try run(
            name: golden.name, arguments: golden.arguments, chunkEvents: golden.chunkEvents)
        var lines = golden.differences(from: actual)
        let outOfRange = golden.rangeViolations(in: actual.metrics)
        lines += outOfRange.map { "out of range: \($0)" }
        if golden.runDigest != actual.runDigest {
            let ledger = ledgerPath(directory: directory, name: golden.name)
            if FileManager.default.fileExists(atPath: ledger),
                let replay = try? Replayer(path: ledger)
            {
                if let divergence = try replay.replay(ReplayOptions()).divergence {
                    lines.append(divergence.report(trace: ledger, market: replay.market))
                }
            } else {
                lines.append(
                    "exact event: run 'rtb-verify golden update' before a change to keep \(ledger) for replay"
                )
            }
        }
        guard !lines.isEmpty else {
            return (
                true,
                "golden \(golden.name): ok (\(actual.runDigest.prefix(12)), \(actual.events) events)"
            )
        }
        return (
            false,
            "golden \(golden.name): MISMATCH\n" + lines.map { "  " + $0 }.joined(separator: "\n")
        )
    }

    /// Rewrites golden files from fresh runs and returns what changed.
    public static func update(_ files: [(path: String, golden: GoldenFile)], directory: String)
        throws -> String
    {
        var report: [String] = []
        for (path, golden) in files {
            let actual = try run(
                name: golden.name, arguments: golden.arguments,
                ledgerPath: ledgerPath(directory: directory, name: golden.name),
                chunkEvents: golden.chunkEvents)
            let changes =
                golden.differences(from: actual)
                + golden.rangeViolations(in: actual.metrics).map { "now out of range: \($0)" }
            try CommandRunner.write(actual.json, to: path)
            report.append(
                changes.isEmpty
                    ? "\(golden.name): unchanged"
                    : "\(golden.name): updated\n"
                        + changes.map { "  " + $0 }.joined(separator: "\n"))
        }
        return report.joined(separator: "\n") + "\n"
    }
}
