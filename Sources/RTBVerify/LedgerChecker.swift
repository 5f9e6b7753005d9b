import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBTrace

/// What `rtb-verify check` found.
public struct CheckOutcome: Sendable {
    public var tally: CheckTally
    public var metrics: [ScenarioMetrics]
    public var counterfactuals: Int64
    public var truthfulnessSampling: Int
    public var events: UInt64
    public var runDigest: Digest32?
}

/// Runs the economic checker over a ledger, or online as a frame sink.
public enum LedgerChecker {
    /// Whether the ledger holds a scale-mode run (no market metrics a golden file could compare).
    public static func isScaleLedger(path: String) throws -> Bool {
        ScaleConfig(canonical: try LedgerStore.open(path: path).header.config) != nil
    }

    /// Checks every event of a ledger, after verifying its chain unless `verifyChain` is false
    /// (benchmarks time the checking pass alone).
    public static func check(path: String, truthfulnessSampling: Int = 8, verifyChain: Bool = true)
        throws -> CheckOutcome
    {
        let store = try LedgerStore.open(path: path)
        let report =
            verifyChain
            ? try ChainVerifier.verify(store: store)
            : ChainReport(headHash: try store.head()?.headHash ?? store.genesisHash)
        if let problem = report.problem {
            throw LedgerError.corrupt(path: path, location: "chain", reason: problem)
        }
        let decompressor = ZstdDecompressor()
        if let scale = ScaleConfig(canonical: store.header.config) {
            return try checkScale(
                store: store, config: scale, runDigest: report.headHash, decompressor: decompressor)
        }
        let (config, _) = try LedgerRun.configuration(of: store)
        let checker = EconomicChecker(config: config, truthfulnessSampling: truthfulnessSampling)
        var events: UInt64 = 0
        try store.forEachFrame { record in
            let bytes = try decompressor.decompress(record.payload, expectedSize: record.rawSize)
            events += try feed(
                bytes, firstSequence: record.firstSequence, to: checker, frame: record.index,
                path: path)
            return true
        }
        return CheckOutcome(
            tally: checker.tally, metrics: checker.metrics,
            counterfactuals: checker.counterfactuals,
            truthfulnessSampling: checker.truthfulnessSampling, events: events,
            runDigest: report.headHash)
    }

    /// Scale-mode ledgers: every round's ranking and payments.
    static func checkScale(
        store: LedgerStore, config: ScaleConfig, runDigest: Digest32,
        decompressor: ZstdDecompressor
    ) throws -> CheckOutcome {
        let checker = ScaleRoundChecker(config: config)
        var events: UInt64 = 0
        try store.forEachFrame { record in
            let bytes = try decompressor.decompress(record.payload, expectedSize: record.rawSize)
            var sequence = record.firstSequence
            for event in try MarketEvent.decodeAll(bytes) {
                checker.observe(event, sequence: sequence)
                sequence += 1
            }
            events += UInt64(record.eventCount)
            return true
        }
        return CheckOutcome(
            tally: checker.tally, metrics: [], counterfactuals: 0, truthfulnessSampling: 0,
            events: events,
            runDigest: runDigest)
    }

    /// Decodes a frame's events into the checker; returns how many.
    static func feed(
        _ bytes: [UInt8], firstSequence: UInt64, to checker: EconomicChecker, frame: Int,
        path: String
    ) throws -> UInt64 {
        var reader = CanonicalReader(bytes)
        var sequence = firstSequence
        while !reader.isAtEnd {
            let start = reader.offset
            let event: MarketEvent
            do {
                event = try MarketEvent.decode(from: &reader)
            } catch {
                throw LedgerError.corrupt(
                    path: path, location: "frame \(frame), event \(sequence)", reason: "\(error)")
            }
            checker.observe(event, sequence: sequence, size: reader.offset - start)
            sequence += 1
        }
        return sequence - firstSequence
    }
}

/// The checker as a frame sink: `rtb-sim run --check` checks events as they are sealed.
public final class CheckingSink: FrameSink {
    public let checker: EconomicChecker
    let next: FrameSink

    public init(config: MarketConfig, forwardingTo next: FrameSink) {
        checker = EconomicChecker(config: config)
        self.next = next
    }

    public func seal(_ frame: SealedFrame) throws {
        _ = try LedgerChecker.feed(
            frame.bytes, firstSequence: frame.firstSequence, to: checker, frame: frame.index,
            path: "(online)")
        try next.seal(frame)
    }

    public func checkpoint(_ checkpoint: EngineCheckpoint) throws {
        try next.checkpoint(checkpoint)
    }
}

/// Tables for check results.
public enum CheckReport {
    /// 2nd, 3rd, 4th, 11th, 21st, ...
    static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }

    public static func render(
        _ tally: CheckTally, counterfactuals: Int64, sampling: Int, events: UInt64
    ) -> String {
        var rows = [["invariant", "checked", "violations", "rule"]]
        for invariant in Invariant.allCases {
            rows.append([
                invariant.name, String(tally.checked[invariant.rawValue]),
                String(tally.violations[invariant.rawValue]), invariant.summary,
            ])
        }
        var text = TextTable.render(rows)
        if sampling > 0 {
            text +=
                "events checked: \(events); truthfulness: \(counterfactuals) counterfactual bids on "
                + (sampling == 1
                    ? "every open auction\n" : "every \(ordinal(sampling)) open auction\n")
        } else {
            text += "events checked: \(events)\n"
        }
        if let first = tally.firstFinding {
            text += "first violation: \(first)\n"
            for invariant in Invariant.allCases {
                if let finding = tally.first[invariant.rawValue],
                    finding.sequence != first.sequence || finding.invariant != first.invariant
                {
                    text += "first \(invariant.name) violation: \(finding)\n"
                }
            }
        } else {
            text += "no violations\n"
        }
        return text
    }
}
