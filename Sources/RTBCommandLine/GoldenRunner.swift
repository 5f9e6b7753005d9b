import ArgumentParser
import Foundation
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBModels
import RTBReports
import RTBRunning
import RTBTrace

/// The options a golden file's `arguments` may hold (those of `rtb-verify record`).
struct GoldenArguments: ParsableArguments {
    @Option(name: .long) var model: String?
    @OptionGroup var market: MarketOptions
    @OptionGroup var recording: RecordingOptions
}

/// The one helper that produces golden files: runs their arguments and compares or rewrites.
/// No test writes a golden file; only `rtb-verify golden update` and `golden add` do.
public enum GoldenRunner {
    /// Runs a golden's arguments and returns what the golden file should hold. With
    /// `ledgerPath`, the run is also recorded there (for exact divergence reports).
    /// `progress` is called now and then with the events emitted so far.
    public static func run(
        name: String, arguments: [String], ledgerPath: String? = nil, chunkEvents: Int? = nil,
        progress: ((_ events: UInt64) -> Void)? = nil
    ) throws -> GoldenFile {
        let parsed: GoldenArguments
        let target: RecordTarget
        do {
            parsed = try GoldenArguments.parse(arguments)
            target = try RecordTarget.resolve(model: parsed.model, market: parsed.market)
        } catch {
            throw ValidationError(
                "golden \(name): arguments: \(GoldenArguments.message(for: error))")
        }
        return try run(
            target.model, config: target.config, name: name, arguments: arguments,
            layout: parsed.recording.layout, ledgerPath: ledgerPath, chunkEvents: chunkEvents,
            progress: progress)
    }

    static func run<Model: SimulationModel>(
        _ model: Model.Type, config bytes: [UInt8], name: String, arguments: [String],
        layout: FrameLayout, ledgerPath: String?, chunkEvents: Int?,
        progress: ((UInt64) -> Void)?
    ) throws -> GoldenFile {
        let config = try Model.decodeConfig(bytes)
        let header = RunHeader.of(Model.self, config: config, layout: layout)
        var recorder: LedgerRecorder?
        if let ledgerPath {
            try RunPrinter.prepareLedgerPath(ledgerPath, overwrite: true)
            recorder = LedgerRecorder(
                store: try LedgerStore.create(path: ledgerPath, header: header))
        }
        let chunkSize = chunkEvents ?? defaultChunkEvents(expected: Model.expectedEvents(config))
        let hasher = ChainHashingSink(
            Model.self, header: header, chunkEvents: chunkSize, forwardingTo: recorder)
        let decisions = try Recording.liveDecisions(
            Model.self, config: config, settings: RecordingSettings(), recorder: recorder)
        let run = try RunWiring(
            sink: hasher, reader: recorder, decisions: decisions ?? NoDecisions()
        ).start(Model.self, config: config, layout: layout)
        var steps = 0
        while try run.step() {
            steps += 1
            if steps & 0xFF == 0 { progress?(run.nextSequence) }
        }
        hasher.finish()
        try recorder?.finish(marketDigest: run.marketDigest)
        let metrics = run.summaryMetrics
        return GoldenFile(
            name: name, arguments: arguments, engineVersion: BuildInfo.engineVersion,
            runDigest: hasher.headHash.hex, marketDigest: run.marketDigest.hex,
            events: run.nextSequence, metrics: metrics,
            ranges: Model.expectedRanges(for: config, metrics: metrics),
            chunkEvents: chunkSize, chunkHashes: hasher.chunkHashes)
    }

    /// About a thousand chunks per run: a power of two at least 256.
    static func defaultChunkEvents(expected: Int64) -> Int {
        var chunk = 256
        while Int64(chunk) * 1_024 < expected { chunk *= 2 }
        return chunk
    }

    /// The golden files called `names` (all when empty) in `directory`. Refuses a missing
    /// directory (exit 1), one without golden files and an unknown name (exit 64): a check that
    /// checks nothing must not pass.
    public static func selected(_ names: [String], in directory: String) throws -> [(
        path: String, golden: GoldenFile
    )] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw CommandFailure(
                ExitStatus.operatingError, "\(directory): no such golden directory")
        }
        let all = try files(in: directory)
        guard !all.isEmpty else {
            throw CommandFailure(
                ExitStatus.usage,
                "\(directory): holds no golden files (*.json); run from the repository root or pass --directory"
            )
        }
        if let unknown = names.first(where: { name in !all.contains { $0.golden.name == name } }) {
            throw CommandFailure(
                ExitStatus.usage,
                "no golden named '\(unknown)' in \(directory) (known: \(all.map(\.golden.name).joined(separator: ", ")))"
            )
        }
        return all.filter { names.isEmpty || names.contains($0.golden.name) }
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
    public static func check(
        _ golden: GoldenFile, directory: String, progress: ((_ events: UInt64) -> Void)? = nil
    ) throws -> (passed: Bool, report: String) {
        let actual = try run(
            name: golden.name, arguments: golden.arguments, chunkEvents: golden.chunkEvents,
            progress: progress)
        var lines = golden.differences(from: actual)
        let outOfRange = golden.rangeViolations(in: actual.metrics)
        lines += outOfRange.map { "out of range: \($0)" }
        if golden.runDigest != actual.runDigest {
            let ledger = ledgerPath(directory: directory, name: golden.name)
            if FileManager.default.fileExists(atPath: ledger),
                let replay = try? Replayer(path: ledger)
            {
                if let divergence = try replay.replay(ReplayOptions()).divergence {
                    lines.append(divergence.report(trace: ledger))
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
