import ArgumentParser
import Foundation
import RTBCommandLine
import RTBTrace

/// `rtb-sim sweep SPEC`: every cell of a study recorded, `--jobs` at a time, resumable.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Record every cell of a study (docs/sweeps.md): parallel, resumable, shardable.",
        discussion: """
            SPEC is a JSON file: {"model": NAME, "base": {config keys}, "axes": {key: [values]}, \
            "seeds": [seeds]}. Each cell is one ledger in DIRECTORY/cells; the manifest lists \
            them with their heads and metrics. A rerun reuses every cell whose ledger verifies.
            """)

    @Argument(help: "Study spec (JSON).")
    var spec: String

    @Option(name: .long, help: "Study directory (created if missing).")
    var directory: String

    @Option(name: .long, help: "Cells recorded at once (local processes).")
    var jobs = 1

    @Option(name: .long, help: "Run only shard I of N (cells whose number mod N is I-1), e.g. 2/3.")
    var shard: String?

    @Flag(name: .long, help: "Print one JSON object (docs/json-output.md) instead of the lines.")
    var json = false

    @OptionGroup var progress: ProgressOptions

    @Option(name: .long, help: .hidden)
    var killAfterCells: Int?

    func validate() throws {
        guard (1...64).contains(jobs) else {
            throw ValidationError("invalid --jobs \(jobs): expected 1...64")
        }
        _ = try parsedShard()
    }

    func parsedShard() throws -> (index: Int, count: Int)? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1,
            (1...count).contains(index)
        else { throw ValidationError("invalid --shard '\(shard)': expected I/N with 1 <= I <= N") }
        return (index, count)
    }

    func run() throws {
        let study = try SweepSpec.load(path: spec, text: try CommandRunner.read(spec))
        let runner = SweepRunner(
            spec: study, directory: directory, binaries: CommandRunner.binariesDirectory(),
            jobs: jobs, shard: try parsedShard(), killAfterCells: killAfterCells)
        let line = ProgressLine(
            "sweep", unit: "cells", total: Double(runner.selectedCells.count),
            enabled: progress.enabled)
        let (manifest, ran, reused, path) = try runner.run(progress: line)
        let digest = manifest.studyDigest?.hex
        if json {
            var object = JSONObject()
            object["command"] = .string("sweep")
            object["manifest"] = .string(path)
            object["cells"] = .int(Int64(manifest.cells.count))
            object["cells_total"] = .int(Int64(manifest.cellsTotal))
            object["ran"] = .int(Int64(ran))
            object["reused"] = .int(Int64(reused))
            object["study_digest"] = digest.map { .string($0) } ?? .null
            print(object.text)
            return
        }
        print("manifest:     \(path)")
        print(
            "cells:        \(manifest.cells.count) of \(manifest.cellsTotal) (\(ran) run, \(reused) reused)"
        )
        print(
            "study digest: \(digest ?? "- (a shard: merge the shards with rtb-verify study merge)")"
        )
    }
}
