import Foundation
import RTBCore
import RTBIntegrity
import RTBModels
import RTBRunning
import RTBTrace

/// Runs a study's cells as `rtb-verify record` processes, `jobs` at a time, in a study
/// directory: `cells/NAME.config.json`, `cells/NAME.ledger`, `cells/NAME.result.json` per cell,
/// then the manifest. A cell whose result file exists and whose ledger verifies, finished, to
/// that result's head is not run again, so an interrupted sweep resumes where it stopped.
public final class SweepRunner: @unchecked Sendable {
    public let spec: SweepSpec
    public let directory: String
    /// Where rtb-verify is.
    let binaries: String
    let jobs: Int
    let shard: (index: Int, count: Int)?
    /// Test hook: SIGKILL this process once this many cells have been run (not reused).
    let killAfterCells: Int?
    let lock = NSLock()
    var ran = 0
    var reused = 0
    var seconds: [Int: Double] = [:]  // determinism-ok: measurements, written sorted
    let workers: CellWorkers

    public init(
        spec: SweepSpec, directory: String, binaries: String, jobs: Int,
        shard: (index: Int, count: Int)?, killAfterCells: Int? = nil
    ) {
        self.spec = spec
        self.directory = directory
        self.binaries = binaries
        self.jobs = max(1, jobs)
        self.shard = shard
        self.killAfterCells = killAfterCells
        workers = CellWorkers(executable: binaries + "/rtb-verify")
    }

    /// The cells of this shard (index mod count == shard index - 1), or all.
    public var selectedCells: [SweepCell] {
        guard let shard else { return spec.cells }
        return spec.cells.filter { $0.index % shard.count == shard.index - 1 }
    }

    /// Runs (or reuses) every selected cell, writes the manifest and the measurements, and
    /// returns the manifest with how many cells ran and were reused.
    public func run(progress: ProgressLine? = nil) throws -> (
        manifest: StudyManifest, ran: Int, reused: Int, path: String
    ) {
        try FileManager.default.createDirectory(
            atPath: directory + "/cells", withIntermediateDirectories: true)
        let cells = selectedCells
        let results = ParallelSlots<StudyCellResult>(count: cells.count)
        let started = DispatchTime.now().uptimeNanoseconds  // determinism-ok: measurement
        defer {
            progress?.finish()
            workers.finish()
        }
        signal(SIGPIPE, SIG_IGN)  // a worker that died is an error of its cell, not the end of us
        // Largest cells first (by the model's expected events; ties in cell order), so the
        // jobs end together; the manifest keeps cell order whatever the order of work.
        let sizes = cells.map {
            ModelRegistry.expectedEvents(model: spec.model, config: $0.config) ?? 0
        }
        let order = cells.indices.sorted {
            sizes[$0] > sizes[$1] || (sizes[$0] == sizes[$1] && $0 < $1)
        }
        try ParallelTasks.run(count: cells.count, workers: jobs) { turn in
            let position = order[turn]
            results[position] = try self.runOrReuse(cells[position])
            progress?.update(Double(results.filled), detail: cells[position].name)
        }
        progress?.finish()
        let manifest = StudyManifest(
            spec: spec.canonicalText, model: spec.model, cellsTotal: spec.cells.count,
            shard: shard, cells: cells.indices.map { results[$0]! })
        let name = shard.map { "manifest-shard-\($0.index)-of-\($0.count).json" } ?? "manifest.json"
        let path = directory + "/" + name
        try CommandRunner.write(manifest.text, to: path)
        try writeMeasurements(
            total: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9,  // determinism-ok: measurement
            manifest: name)
        return (manifest, ran, reused, path)
    }

    func runOrReuse(_ cell: SweepCell) throws -> StudyCellResult {
        let base = "cells/" + cell.name
        if let done = try reusable(cell, base: base) {
            lock.lock()
            reused += 1
            lock.unlock()
            return done
        }
        let configPath = base + ".config.json"
        try CommandRunner.writeUnsynced(cell.config + "\n", to: directory + "/" + configPath)
        let begun = DispatchTime.now().uptimeNanoseconds  // determinism-ok: measurement
        let text = try workers.record(
            (spec.model == "rtb-market" ? [] : ["--model", spec.model])
                + [
                    "--config", directory + "/" + configPath, "--ledger",
                    directory + "/" + base + ".ledger", "--overwrite", "--json", "--quiet",
                ])
        guard case .success(let json) = JSONValue.parse(text),
            let head = json["run_digest"]?.stringValue, let events = json["events"]?.int64,
            let digest = json["config_digest"]?.stringValue, let metrics = json["metrics"]
        else {
            let answer = try? JSONValue.parse(text).get()
            let reason = answer?["error"]?.stringValue ?? text
            // The worker's status when it is a documented failure (a refused config: 64).
            let status = answer?["status"]?.int64.flatMap { Int32(exactly: $0) }
            throw CommandFailure(
                status.flatMap { ExitStatus.failures.contains($0) ? $0 : nil }
                    ?? ExitStatus.operatingError, "\(cell.name): \(reason)")
        }
        let result = StudyCellResult(
            index: cell.index, name: cell.name, config: cell.config, configDigest: digest,
            ledger: base + ".ledger", headHash: head, events: UInt64(events),
            metrics: metrics.canonicalText)
        var stored = result.json
        stored["spec_digest"] = .string(Sha256.hash(Array(spec.canonicalText.utf8)).hex)
        try CommandRunner.writeUnsynced(
            stored.text + "\n", to: directory + "/" + base + ".result.json")
        lock.lock()
        ran += 1
        seconds[cell.index] = Double(DispatchTime.now().uptimeNanoseconds - begun) / 1e9  // determinism-ok: measurement
        let killNow = killAfterCells.map { ran >= $0 } ?? false
        lock.unlock()
        if killNow { kill(getpid(), SIGKILL) }
        return result
    }

    /// The cell's recorded result, if its result file is of this study and cell and its ledger
    /// verifies, finished, to the recorded head.
    func reusable(_ cell: SweepCell, base: String) throws -> StudyCellResult? {
        let path = directory + "/" + base + ".result.json"
        guard let data = FileManager.default.contents(atPath: path),
            case .success(let json) = JSONValue.parse(String(decoding: data, as: UTF8.self)),
            json["spec_digest"]?.stringValue == Sha256.hash(Array(spec.canonicalText.utf8)).hex,
            let result = try? StudyCellResult.parse(json, field: cell.name, path: path),
            result.index == cell.index, result.config == cell.config
        else { return nil }
        guard let chain = try? ChainVerifier.verify(path: directory + "/" + result.ledger),
            chain.problem == nil, chain.finished, chain.headHash.hex == result.headHash
        else { return nil }
        return result
    }

    func writeMeasurements(total: Double, manifest: String) throws {
        var object = JSONObject()
        object["manifest"] = .string(manifest)
        object["engine_version"] = .string(BuildInfo.engineVersion)
        object["ledger_formats"] = .string("1-2")
        object["event_schema_version"] = .int(Int64(BuildInfo.eventSchemaVersion))
        object["cpu_model"] = .string(Machine.cpuModel())
        object["cores"] = .int(Int64(ProcessInfo.processInfo.activeProcessorCount))
        object["git_commit"] = Machine.gitCommit().map { .string($0) } ?? .null
        object["jobs"] = .int(Int64(jobs))
        object["cells_run"] = .int(Int64(ran))
        object["cells_reused"] = .int(Int64(reused))
        object["total_seconds"] = .raw(String(format: "%.3f", total))
        object["cell_seconds"] = .array(
            seconds.keys.sorted().map { index in
                var entry = JSONObject()
                entry["index"] = .int(Int64(index))
                entry["seconds"] = .raw(String(format: "%.3f", seconds[index]!))
                return .object(entry)
            })
        let name =
            shard.map { "measurements-shard-\($0.index)-of-\($0.count).json" }
            ?? "measurements.json"
        try CommandRunner.write(object.text + "\n", to: directory + "/" + name)
    }
}
