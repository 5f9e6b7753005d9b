import ArgumentParser
import Dispatch
import Foundation
import RTBCommandLine
import RTBIntegrity
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

    @OptionGroup var progress: ProgressOptions

    @Option(name: .long, help: .hidden)
    var perturbEvent: UInt64?

    @Option(name: .long, help: .hidden)
    var perturbFrom: UInt64?

    func validate() throws {
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
                perturbation: perturbation))
        line.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9  // determinism-ok: measurement
        if json {
            print(CommandJSON.replay(report, path: trace, seconds: seconds).text)
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
    }
}
