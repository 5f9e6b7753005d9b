import ArgumentParser
import Foundation
import RTBCommandLine
import RTBCore
import RTBIntegrity
import RTBTrace

/// `rtb-verify study`: verify, merge and replay studies recorded by `rtb-sim sweep`.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study", abstract: "Verify, merge or replay a study (docs/sweeps.md).",
        subcommands: [Verify.self, Merge.self, Replay.self])

    /// The manifest and the study directory it lives in (ledger paths are relative to it).
    static func load(_ path: String) throws -> (StudyManifest, String) {
        let manifest = try StudyManifest.load(path: path, text: try CommandRunner.read(path))
        return (manifest, URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Every cell's ledger verifies, finished, to the manifest's head; the manifest is unedited."
        )
        @Argument(help: "Study manifest.") var manifest: String
        @Option(name: .long, help: "Ledgers verified at once.") var jobs = 2

        func run() throws {
            let (study, directory) = try StudyCommand.load(manifest)
            let problems = ParallelSlots<String>(count: study.cells.count)
            try ParallelTasks.run(count: study.cells.count, workers: max(1, min(jobs, 64))) {
                position in
                let cell = study.cells[position]
                do {
                    let chain = try ChainVerifier.verify(
                        path: directory + "/" + cell.ledger, threads: 1)
                    problems[position] =
                        chain.problem
                        ?? (!chain.finished
                            ? "not finished"
                            : chain.headHash.hex != cell.headHash
                                ? "head \(chain.headHash.hex.prefix(12)) is not the manifest's \(cell.headHash.prefix(12))"
                                : nil)
                } catch {
                    problems[position] = "\(error)"
                }
            }
            if let position = study.cells.indices.first(where: { problems[$0] != nil }) {
                let cell = study.cells[position]
                throw CommandFailure(
                    ExitStatus.invalidLedger,
                    "\(manifest): \(cell.name) (\(cell.ledger)): \(problems[position]!)")
            }
            print(
                "study intact: \(study.cells.count) of \(study.cellsTotal) cells verified, study digest "
                    + (study.studyDigest?.hex ?? "- (incomplete)"))
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine shard manifests of one study, in cell order, into one manifest.")
        @Argument(help: "Shard manifests.") var manifests: [String]
        @Option(name: .long, help: "The merged manifest.") var output: String

        func run() throws {
            let loaded = try manifests.map { path in
                (path: path, manifest: try StudyCommand.load(path).0)
            }
            let merged = try StudyManifest.merge(loaded)
            try CommandRunner.write(merged.text, to: output)
            print(
                "\(output): \(merged.cells.count) of \(merged.cellsTotal) cells, study digest "
                    + (merged.studyDigest?.hex ?? "- (cells missing)"))
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay K cells chosen by a seeded draw; each must be identical.")
        @Argument(help: "Study manifest.") var manifest: String
        @Option(name: .long, help: "Cells to replay.") var sample = 3
        @Option(name: .long, help: "Seed of the draw.") var seed: UInt64 = 1
        @Option(name: .long, help: "Cells replayed at once.") var jobs = 2

        func run() throws {
            let (study, directory) = try StudyCommand.load(manifest)
            var random = RandomStream(seed: seed, key: StreamKey("study-replay"))
            var pool = Array(study.cells.indices)
            var chosen: [Int] = []
            while chosen.count < min(sample, pool.count + chosen.count), !pool.isEmpty {
                chosen.append(pool.remove(at: random.int(in: 0...(pool.count - 1))))
            }
            let order = chosen.sorted()
            let lines = ParallelSlots<String>(count: order.count)
            let manifest = self.manifest
            try ParallelTasks.run(count: order.count, workers: max(1, min(jobs, 64))) { slot in
                let cell = study.cells[order[slot]]
                let report = try Replayer(path: directory + "/" + cell.ledger).replay(
                    ReplayOptions())
                if report.divergence != nil || report.runDigest.hex != cell.headHash {
                    throw CommandFailure(
                        ExitStatus.replayDivergence,
                        "\(manifest): \(cell.name) does not replay to its head (rtb-verify replay --trace \(directory)/\(cell.ledger))"
                    )
                }
                lines[slot] = "\(cell.name): identical, \(report.eventsCompared) events"
            }
            for slot in order.indices { print(lines[slot]!) }
        }
    }
}
