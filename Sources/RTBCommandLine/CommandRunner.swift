import ArgumentParser
import Foundation
import RTBCore
import RTBLedger
import RTBMarket
import RTBTrace
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning

/// Documented exit codes (README, "Exit codes").
public enum ExitStatus {
    public static let ok: Int32 = 0
    public static let operatingError: Int32 = 1
    public static let replayDivergence: Int32 = 10
    public static let violation: Int32 = 11
    public static let invalidLedger: Int32 = 12
    public static let usage: Int32 = 64

    /// The failure codes of the README's table that a command's error maps to.
    public static let failures: [Int32] = [
        operatingError, replayDivergence, violation, invalidLedger, usage,
    ]
}

/// A failure that already carries its exit code and one-line message.
public struct CommandFailure: Error, CustomStringConvertible {
    public var code: Int32
    public var message: String

    public init(_ code: Int32, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Parses the command line, runs the command and maps every error to one line on stderr and a
/// documented exit code: never a stack dump.
public enum CommandRunner {
    public static func main<Root: ParsableCommand>(_ root: Root.Type) -> Never {
        let tool = root.configuration.commandName ?? "rtb"
        do {
            var command = try root.parseAsRoot()
            try command.run()
            exit(0)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if let (code, message) = describe(error) {
                // A progress line may be on the terminal: the message replaces it.
                let clear = isatty(2) != 0 ? "\r\u{1B}[K" : ""
                FileHandle.standardError.write(Data("\(clear)\(tool): \(message)\n".utf8))
                exit(code)
            }
            // Errors of the argument parser: help and version requests, usage errors. Any
            // other error a command did not map is an operating error (exit 1), never usage.
            let code = root.exitCode(for: error).rawValue
            if code == 0 {
                print(root.fullMessage(for: error))
                exit(0)
            }
            guard code == ExitStatus.usage else {
                let text = String(describing: error).split(separator: "\n").first.map(String.init)
                FileHandle.standardError.write(Data("\(tool): \(text ?? "failed")\n".utf8))
                exit(ExitStatus.operatingError)
            }
            let message =
                root.message(for: error).split(separator: "\n").first.map(String.init)
                ?? "invalid arguments"
            let subcommand = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") }
            let hint = subcommand.map { "\(tool) \($0) --help" } ?? "\(tool) --help"
            FileHandle.standardError.write(Data("\(tool): \(message) (see '\(hint)')\n".utf8))
            exit(ExitStatus.usage)
        }
    }

    /// The exit code and one-line message of an error.
    public static func describe(_ error: any Error) -> (Int32, String)? {
        switch error {
        case let failure as CommandFailure: return (failure.code, failure.message)
        case let ledger as LedgerError: return (ledger.exitCode, ledger.description)
        case let config as ConfigError: return (ExitStatus.usage, config.description)
        case let selection as EventSelectionError: return (ExitStatus.usage, selection.description)
        case let report as ReportError: return (ExitStatus.usage, report.description)
        case let export as ExportError:
            switch export {
            case .usage(let message): return (ExitStatus.usage, message)
            case .operating(let message): return (ExitStatus.operatingError, message)
            }
        case let recorder as RecorderError:
            return (ExitStatus.replayDivergence, recorder.description)
        case let run as LedgerRunError:
            switch run {
            case .engineMismatch, .modelMismatch: return (ExitStatus.invalidLedger, run.description)
            case .nothingToResume: return (ExitStatus.usage, run.description)
            }
        case let results as ResultsError: return (ExitStatus.usage, results.description)
        case let replay as ReplayError: return (ExitStatus.usage, replay.description)
        case let canonical as CanonicalError:
            return (ExitStatus.invalidLedger, canonical.description)
        case let zstd as ZstdError:
            return (ExitStatus.invalidLedger, "corrupt frame payload: \(zstd)")
        case let shared as SharedLedgerError:
            return (ExitStatus.invalidLedger, shared.description)
        case let decision as DecisionError:
            return (ExitStatus.operatingError, decision.description)
        case let stopped as RecordingStopped:
            return (stopped.exitCode, stopped.description)
        default:
            return nil
        }
    }

    /// The directory of the running executable (found through PATH or not), where its sibling
    /// tools are.
    public static func binariesDirectory() -> String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).resolvingSymlinksInPath()
            .deletingLastPathComponent().path
    }

    /// Writes text to a file, mapping failures to exit 1 with the path.
    public static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(
                ExitStatus.operatingError, "\(path): cannot write: \(error.localizedDescription)")
        }
    }

    /// Writes text to a file without syncing it to the disk (Foundation's write syncs): for a
    /// file that is made again when it is lost, such as a sweep cell's config and result (a
    /// cell whose result is missing or torn runs again).
    public static func writeUnsynced(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else {
            throw CommandFailure(
                ExitStatus.operatingError,
                "\(path): cannot write: \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = fwrite(bytes, 1, bytes.count, file)
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            throw CommandFailure(
                ExitStatus.operatingError,
                "\(path): cannot write: \(String(cString: strerror(errno)))")
        }
    }

    /// Reads a text file, mapping failures to exit 1 with the path.
    public static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(
                ExitStatus.operatingError, "\(path): cannot read (missing or unreadable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure(ExitStatus.usage, "\(path): not UTF-8 text")
        }
        return text
    }
}

/// The version line both tools print for --version.
public let versionLine = BuildInfo.versionLine
