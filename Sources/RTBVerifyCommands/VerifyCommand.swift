import ArgumentParser
import Foundation
import RTBCommandLine
import RTBIntegrity
import RTBLedger
import RTBModels
import RTBReports
import RTBRunning
import RTBTrace

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Check a ledger's chain: header, frame hashes and links, sequences, counts, checkpoints, head."
    )

    @Option(name: .long, help: "Ledger file.")
    var trace: String

    @Flag(name: .long, help: "Also decode every event (structure and per-frame counts).")
    var deep = false

    @Option(name: .long, help: "Worker threads for decompression and hashing.")
    var threads = 2

    @Option(
        name: .long,
        help:
            "Reject the ledger unless it ends exactly at this head: a run digest (64 hex digits) or a head file (LEDGER.head.json, written when recording)."
    )
    var expectHead: String?

    @Flag(name: .long, help: "Print one JSON object (docs/json-output.md); exit codes unchanged.")
    var json = false

    @OptionGroup var progress: ProgressOptions

    func validate() throws {
        guard (1...64).contains(threads) else {
            throw ValidationError("invalid --threads \(threads): expected 1...64")
        }
    }

    func run() throws {
        let started = DispatchTime.now()  // determinism-ok: measured rate, printed as a measurement
        let pin = try expectHead.map { try HeadPin.parse($0, read: CommandRunner.read) }
        let store = try LedgerStore.open(path: trace)
        let line = ProgressLine("verifying", unit: "frames", total: nil, enabled: progress.enabled)
        let report = try ChainVerifier.verify(store: store, deep: deep, threads: threads) {
            frames, total in
            line.update(Double(frames), total: Double(total))
        }
        line.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9  // determinism-ok: measurement
        let rate = seconds > 0 ? Double(report.rawBytes) / seconds / 1e9 : 0
        var problem = report.problem.map {
            "\($0) (the first \(report.frames) frames, \(report.events) events, are intact)"
        }
        if problem == nil, let pin, let mismatch = try pin.mismatch(report, store: store) {
            problem = mismatch
        }
        if json {
            print(
                CommandJSON.verify(
                    report, path: trace, deep: deep, pinned: pin.map { _ in problem == nil },
                    problem: problem, seconds: seconds
                ).text)
        }
        if let problem {
            throw CommandFailure(ExitStatus.invalidLedger, "\(trace): \(problem)")
        }
        if json { return }
        let state =
            report.inProgress
            ? "intact prefix (another process is recording into it; its frames up to the head read first)"
            : report.finished ? "intact" : "intact prefix (recording not finished)"
        print("\(state): \(report.headHash.hex)")
        print(
            "frames \(report.frames), events \(report.events), checkpoints \(report.checkpoints), "
                + "raw bytes \(report.rawBytes), \(String(format: "%.2f", rate)) GB/s (measured)")
        if report.marketDigestChecked { print("market digest recomputed from the events: matches") }
        if pin != nil { print("head: as pinned") }
    }
}
