import RTBCore
import RTBLedger
import RTBModels
import RTBTrace

/// What `rtb-verify check` found.
public struct CheckOutcome: Sendable {
    public var model: ModelIdentity
    public var tally: CheckTally
    /// Metrics folded by the checker from the events (named as the run's summary metrics).
    public var metrics: [NamedMetric]
    /// What the checker sampled, and how.
    public var notes: [String]
    public var events: UInt64
    public var runDigest: Digest32?
}

/// Runs a ledger's model checker over its events, or online as a frame sink.
public enum LedgerChecker {
    /// Checks every event of a ledger with the checker of its model, after verifying its chain
    /// unless `verifyChain` is false (benchmarks time the checking pass alone).
    /// `progress` is called after each frame with the events checked so far and the ledger's
    /// event count.
    public static func check(
        path: String, options: CheckOptions = CheckOptions(), verifyChain: Bool = true,
        progress: ((_ done: UInt64, _ total: UInt64) -> Void)? = nil
    ) throws -> CheckOutcome {
        let store = try LedgerStore.open(path: path)
        let model = try ModelRegistry.model(of: store)
        let report =
            verifyChain
            ? try ChainVerifier.verify(store: store)
            : ChainReport(headHash: try store.head()?.headHash ?? store.genesisHash)
        if let problem = report.problem {
            throw LedgerError.corrupt(path: path, location: "chain", reason: problem)
        }
        return try check(
            model, store: store, options: options, runDigest: report.headHash, progress: progress)
    }

    static func check<Model: SimulationModel>(
        _ model: Model.Type, store: LedgerStore, options: CheckOptions, runDigest: Digest32,
        progress: ((UInt64, UInt64) -> Void)?
    ) throws -> CheckOutcome {
        var options = options
        options.runFinished = try store.head()?.finished ?? false
        let checker = Model.checker(
            for: try ModelRegistry.config(Model.self, of: store), options: options)
        let total = try store.head()?.eventCount ?? 0
        let events = try LedgerEvents.feed(Model.self, store: store, to: checker) { done in
            progress?(done, total)
        }
        checker.finish()
        return CheckOutcome(
            model: Model.identity, tally: checker.tally, metrics: checker.summaryMetrics,
            notes: checker.notes, events: events, runDigest: runDigest)
    }
}

/// A model's checker as a frame sink: `rtb-sim run --check` checks events as they are sealed.
public final class CheckingSink<Model: SimulationModel>: FrameSink {
    public let checker: Model.Checker
    let next: FrameSink

    public init(_ model: Model.Type, config: Model.Config, forwardingTo next: FrameSink) {
        checker = Model.checker(for: config, options: CheckOptions())
        self.next = next
    }

    public func seal(_ frame: SealedFrame) throws {
        _ = try LedgerEvents.forEach(
            Model.self, in: frame.bytes, firstSequence: frame.firstSequence, frame: frame.index,
            path: "(online)"
        ) { sequence, event, size in
            checker.observe(event, sequence: sequence, size: size)
            return true
        }
        try next.seal(frame)
    }

    public func checkpoint(_ checkpoint: EngineCheckpoint) throws {
        try next.checkpoint(checkpoint)
    }
}

/// Tables for check results.
public enum CheckReport {
    public static func render(_ tally: CheckTally, notes: [String], events: UInt64) -> String {
        var rows = [["invariant", "checked", "violations", "rule"]]
        for (index, invariant) in tally.invariants.enumerated() {
            rows.append([
                invariant.name, String(tally.checked[index]), String(tally.violations[index]),
                invariant.summary,
            ])
        }
        var text = TextTable.render(rows)
        text += "events checked: \(events)" + notes.map { "; " + $0 }.joined() + "\n"
        if let first = tally.firstFinding {
            text += "first violation: \(first)\n"
            for finding in tally.first.compactMap({ $0 })
            where finding.sequence != first.sequence || finding.invariant != first.invariant {
                text += "first \(finding.name) violation: \(finding)\n"
            }
        } else {
            text += "no violations\n"
        }
        return text
    }
}
