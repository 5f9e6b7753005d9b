import ArgumentParser
import Dispatch
import Foundation
import RTBCommandLine
import RTBCore
import RTBIntegrity
import RTBMarket
import RTBTrace

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract:
            "Re-execute a recorded run and compare it event by event; report the first divergence.")

    @Option(name: .long, help: "Ledger file.")
    var trace: String

    @Option(name: .long, help: "Start from the checkpoint taken after this many frames.")
    var fromCheckpoint: Int?

    @Flag(
        name: .long,
        help:
            "Locate a divergence by bisection over checkpoints (assumes it persists once it appears)."
    )
    var bisect = false

    @Flag(name: .long, help: "Refuse a ledger recorded by another engine version.")
    var strict = false

    @Flag(name: .long, help: "Print one JSON object (docs/json-output.md); exit codes unchanged.")
    var json = false

    @Flag(
        name: .long,
        help:
            "Also re-ask every recorded outside decision of its live source (--policy llm: the model, as configured by the environment) and report the answers that differ; the replay continues with the recorded answers."
    )
    var live = false

    @OptionGroup var progress: ProgressOptions

    @Option(name: .long, help: .hidden)
    var perturbEvent: UInt64?

    @Option(name: .long, help: .hidden)
    var perturbFrom: UInt64?

    func validate() throws {
        if live && bisect {
            throw ValidationError("give --live or --bisect, not both")
        }
        if bisect && fromCheckpoint != nil {
            throw ValidationError("give --bisect or --from-checkpoint, not both")
        }
    }

    func run() throws {
        let replayer = try Replayer(path: trace)
        if let warning = replayer.engineWarning, !strict {
            FileHandle.standardError.write(
                Data("rtb-verify: warning: \(warning); results may differ\n".utf8))
        }
        let line = ProgressLine("replaying", unit: "events", total: nil, enabled: progress.enabled)
        replayer.progress = { events, total in line.update(Double(events), total: Double(total)) }
        let started = DispatchTime.now()  // determinism-ok: measured rate, printed as a measurement
        let perturbation =
            perturbEvent.map(Perturbation.event) ?? perturbFrom.map(Perturbation.from)
        let report = try replayer.replay(
            ReplayOptions(
                strict: strict, fromCheckpoint: fromCheckpoint, bisect: bisect,
                perturbation: perturbation, live: live))
        line.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9  // determinism-ok: measurement
        if json {
            var object = CommandJSON.replay(report, path: trace, seconds: seconds)
            if let compared = report.liveComparison {
                object["live"] = .object(Self.json(compared))
            }
            print(object.text)
            if report.divergence != nil { throw ExitCode(ExitStatus.replayDivergence) }
            return
        }
        if let divergence = report.divergence {
            print(divergence.report(trace: trace))
            throw ExitCode(ExitStatus.replayDivergence)
        }
        if bisect && report.segmentsRerun > 0 {
            print(
                "no divergence found: \(report.segmentsRerun) segments re-run by bisection "
                    + "(bisection assumes a divergence persists; replay without --bisect checks every event)"
            )
            return
        }
        let rate = seconds > 0 ? Double(report.eventsCompared) / seconds : 0
        print("identical: \(report.runDigest.hex)")
        print(
            "events compared \(report.eventsCompared), frames \(report.framesCompared), checkpoints \(report.checkpointsCompared), "
                + String(format: "%.0f events/s", rate))
        if let compared = report.liveComparison { print(Self.line(compared)) }
    }

    /// The `--live` line: decisions re-asked, how many differ, and the first.
    static func line(_ compared: LiveComparison.Result) -> String {
        var text =
            "live: \(compared.asked) recorded decisions re-asked, \(compared.differing) answered differently ("
            + String(format: "%.2f%%", compared.share * 100) + ")"
        if let first = compared.first {
            text +=
                "; first: decision \(first.decision) (event \(first.sequence)): recorded "
                + answer(first.recorded) + ", \(first.liveSource) now answers " + answer(first.live)
        }
        return text
    }

    static func json(_ compared: LiveComparison.Result) -> JSONObject {
        var object = JSONObject()
        object["asked"] = .int(Int64(compared.asked))
        object["differing"] = .int(Int64(compared.differing))
        if let first = compared.first {
            var difference = JSONObject()
            difference["decision"] = .int(Int64(first.decision))
            difference["sequence"] = .unsigned(first.sequence)
            difference["recorded"] = .string(answer(first.recorded))
            difference["live"] = .string(answer(first.live))
            difference["live_source"] = .string(first.liveSource)
            object["first"] = .object(difference)
        } else {
            object["first"] = .null
        }
        return object
    }

    /// A trading answer in words, or its bytes in hex.
    static func answer(_ bytes: [UInt8]) -> String {
        var reader = CanonicalReader(bytes)
        if let decoded = try? TradingAnswer(from: &reader), reader.isAtEnd { return "\(decoded)" }
        return bytes.map {
            String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
        }.joined()
    }
}
