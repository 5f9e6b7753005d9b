import Foundation
import RTBCore
import RTBLedger
import RTBMarket
import RTBTrace
import RTBVerify

/// Records a run and prints what every recording prints.
public enum RunPrinter {
    /// Whether `path` holds a finished recording of exactly this run (same config and recording
    /// options in its header): recording it again would write the same ledger.
    public static func holdsFinishedRecording(
        at path: String, config: MarketConfig, recording: RecordingOptions
    ) -> Bool {
        let header = RunHeader(
            config: config.canonicalBytes, frameTargetBytes: recording.frameBytes,
            checkpointEveryFrames: recording.checkpointEvery)
        guard let store = try? LedgerStore.open(path: path), let head = try? store.head() else {
            return false
        }
        return head.finished && store.header == header
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

    /// Records with a progress line on stderr (when it is a terminal).
    public static func record(
        config: MarketConfig, path: String, recording: RecordingOptions,
        alsoTo extra: FrameSink? = nil
    ) throws -> RunOutcome {
        var lastShown = ""
        var options = recording.engineOptions
        options.canary = recording.canary.flatMap(Canary.init(rawValue:))
        let outcome = try Recording.record(
            config: config, path: path, options: options, zstdLevel: recording.zstdLevel,
            durable: recording.durable, fault: recording.fault, alsoTo: extra
        ) { engine in
            guard engine.stepsTaken % 256 == 0, let current = engine.currentPosition else { return }
            let text = "recording \(current.scenario) day \(current.day)/\(config.days)"
            if text != lastShown {
                lastShown = text
                CommandRunner.progress(text)
            }
        }
        CommandRunner.progressDone()
        return outcome
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

extension MarketEngine {
    /// Scenario and day being simulated, for progress lines.
    public var currentPosition: (scenario: String, day: Int)? {
        guard !isFinished else { return nil }
        return (currentScenarioName, currentDay)
    }
}
