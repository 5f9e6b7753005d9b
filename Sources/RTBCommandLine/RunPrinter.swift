import ArgumentParser
import Foundation
import RTBCore
import RTBLedger
import RTBMarket
import RTBModels
import RTBRunning
import RTBTrace

/// Records a run and prints what every recording prints.
public enum RunPrinter {
    /// Whether `path` holds a finished recording of exactly this run (same header): recording
    /// it again would write the same ledger.
    public static func holdsFinishedRecording(
        at path: String, target: RecordTarget, recording: RecordingOptions
    ) -> Bool {
        guard let store = try? LedgerStore.open(path: path), let head = try? store.head() else {
            return false
        }
        return head.finished && store.header == header(target.model, target, recording.layout)
    }

    static func header<Model: SimulationModel>(
        _ model: Model.Type, _ target: RecordTarget, _ layout: FrameLayout
    ) -> RunHeader {
        guard let config = try? Model.decodeConfig(target.config) else {
            preconditionFailure("a record target holds a valid config")
        }
        return RunHeader.of(Model.self, config: config, layout: layout)
    }

    /// Makes `path` ready for a new ledger: creates its directory if missing and, with
    /// `overwrite`, removes an existing ledger (and its WAL files). Refuses (exit 64) a path
    /// that is a directory, or an existing file that is not a ledger; refuses (exit 1) a ledger
    /// another process is recording into. Never removes anything else.
    public static func prepareLedgerPath(_ path: String, overwrite: Bool) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw CommandFailure(
                    ExitStatus.usage, "\(path): is a directory; give the path of a ledger file")
            }
            guard overwrite else { throw LedgerError.alreadyExists(path: path) }
            if isForeign(path) {
                throw CommandFailure(
                    ExitStatus.usage,
                    "\(path): exists and is not a rtb-verify ledger; refusing to overwrite it")
            }
            if LedgerStore.isBeingRecorded(path) { throw LedgerError.busy(path: path) }
            for suffix in ["", "-wal", "-shm", ".head.json"]
            where manager.fileExists(atPath: path + suffix) {
                do {
                    try manager.removeItem(atPath: path + suffix)
                } catch {
                    throw CommandFailure(
                        ExitStatus.operatingError,
                        "\(path + suffix): cannot remove: \(error.localizedDescription)")
                }
            }
        }
        let directory = Self.directory(of: path)
        if !directory.isEmpty && !manager.fileExists(atPath: directory) {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure(
                    ExitStatus.operatingError,
                    "\(directory): cannot create directory: \(error.localizedDescription)")
            }
        }
    }

    /// Whether an existing file is something other than a rtb-verify ledger: not SQLite, or
    /// another application's database. A ledger (by its application id) that is damaged, of
    /// another version or of an unknown model may be replaced.
    static func isForeign(_ path: String) -> Bool {
        let result = Result { () throws(LedgerError) in try LedgerStore.open(path: path) }
        guard case .failure(let error) = result else { return false }
        switch error {
        case .notSQLite, .foreignDatabase: return true
        case .cannotOpen, .io, .alreadyExists, .busy, .notALedger, .unsupportedVersion, .corrupt,
            .rejected, .sql:
            return false
        }
    }

    /// The directory part of a path ("" for a bare file name). (Foundation's
    /// `deletingLastPathComponent` traps on one-character names on Linux.)
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Records with a progress line on stderr (when it is a terminal). Returns the outcome and
    /// the finished run (a `MarketEngine` for the market).
    public static func record(
        _ target: RecordTarget, path: String, recording: RecordingOptions,
        alsoTo extra: FrameSink? = nil, progress: ProgressOptions = ProgressOptions(),
        feed: String? = nil
    ) throws -> (outcome: RunOutcome, run: any ModelRun) {
        try record(
            target.model, target, path: path, recording: recording, alsoTo: extra,
            progress: progress, feed: feed)
    }

    static func record<Model: SimulationModel>(
        _ model: Model.Type, _ target: RecordTarget, path: String, recording: RecordingOptions,
        alsoTo extra: FrameSink?, progress: ProgressOptions, feed: String?
    ) throws -> (outcome: RunOutcome, run: any ModelRun) {
        let config = try Model.decodeConfig(target.config)
        var feedFile: FileHandle?
        if let feed {
            guard FileManager.default.createFile(atPath: feed, contents: nil),
                let handle = FileHandle(forWritingAtPath: feed)
            else {
                throw CommandFailure(
                    ExitStatus.operatingError, "--feed \(feed): cannot write the file")
            }
            feedFile = handle
        }
        defer { try? feedFile?.close() }
        var steps = 0
        try target.validate(recording)
        var settings = recording.settings
        settings.stop = SignalWatch.install()
        let line = ProgressLine(
            "recording", unit: "events", total: Double(Model.expectedEvents(config)),
            estimated: true, enabled: progress.enabled)
        defer { line.finish() }
        let result = try Recording.record(
            Model.self, config: config, path: path, settings: settings, alsoTo: extra
        ) { run in
            steps += 1
            if let feedFile, let text = run.feedLine { feedFile.write(Data((text + "\n").utf8)) }
            guard steps % 256 == 0 else { return }
            line.update(Double(run.nextSequence), detail: run.progress)
        }
        // The last step ends the run and is not observed: its line, if any, comes last.
        if let feedFile, let text = result.run.feedLine { feedFile.write(Data((text + "\n").utf8)) }
        return (result.outcome, result.run)
    }

    /// The recording lines: digest, events, frames, bytes.
    public static func recordingLines(_ outcome: RunOutcome, path: String) -> String {
        let disk = outcome.bytesOnDisk ?? 0
        let perEvent =
            outcome.events == 0
            ? "0" : String(format: "%.2f", Double(disk) / Double(outcome.events))
        return """
            ledger:        \(path)
            run digest:    \(outcome.runDigest?.hex ?? "-")
            market digest: \(outcome.marketDigest.hex)
            events:        \(outcome.events)
            frames:        \(outcome.frames)
            raw bytes:     \(outcome.rawBytes)
            bytes on disk: \(disk) (\(perEvent) bytes per event)
            head file:     \(outcome.headFileProblem.map { "not written: \($0)" } ?? HeadFile.path(of: path))

            """
    }
}
