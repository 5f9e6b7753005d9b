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

    /// Removes an existing ledger (and its WAL files) when `overwrite` is set.
    public static func prepareLedgerPath(_ path: String, overwrite: Bool) throws {
        let manager = FileManager.default
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !manager.fileExists(atPath: directory) {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure(
                    ExitStatus.operatingError,
                    "\(directory): cannot create directory: \(error.localizedDescription)")
            }
        }
        guard overwrite, manager.fileExists(atPath: path) else { return }
        for suffix in ["", "-wal", "-shm"] where manager.fileExists(atPath: path + suffix) {
            do {
                try manager.removeItem(atPath: path + suffix)
            } catch {
                throw CommandFailure(
                    ExitStatus.operatingError,
                    "\(path + suffix): cannot remove: \(error.localizedDescription)")
            }
        }
    }

    /// Records with a progress line on stderr (when it is a terminal). Returns the outcome and
    /// the finished run (a `MarketEngine` for the market).
    public static func record(
        _ target: RecordTarget, path: String, recording: RecordingOptions,
        alsoTo extra: FrameSink? = nil
    ) throws -> (outcome: RunOutcome, run: any ModelRun) {
        try record(target.model, target, path: path, recording: recording, alsoTo: extra)
    }

    static func record<Model: SimulationModel>(
        _ model: Model.Type, _ target: RecordTarget, path: String, recording: RecordingOptions,
        alsoTo extra: FrameSink?
    ) throws -> (outcome: RunOutcome, run: any ModelRun) {
        let config = try Model.decodeConfig(target.config)
        var lastShown = ""
        var steps = 0
        let result = try Recording.record(
            Model.self, config: config, path: path, settings: recording.settings, alsoTo: extra
        ) { run in
            steps += 1
            guard steps % 256 == 0, let current = run.progress else { return }
            let text = "recording \(current)"
            if text != lastShown {
                lastShown = text
                CommandRunner.progress(text)
            }
        }
        CommandRunner.progressDone()
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

            """
    }
}
