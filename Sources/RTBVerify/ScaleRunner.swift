import Dispatch
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBTrace

/// What a scale run produced.
public struct ScaleOutcome: Sendable {
    public var config: ScaleConfig
    public var rounds: Int
    public var bidsPlaced: Int64
    public var runDigest: Digest32
    public var events: UInt64
    public var totalSpendCents: Int64
    public var seconds: Double
}

/// Runs scale mode on `threads` threads: each round every thread scans its own contiguous
/// share of the agents, the partial results are merged in agent order and the winners settled
/// on one thread, so the outcome is bit-identical for any thread count.
public enum ScaleRunner {
    /// The run header of a scale run.
    public static func header(
        _ config: ScaleConfig, frameTargetBytes: Int = EngineOptions.defaultFrameTargetBytes
    ) -> RunHeader {
        RunHeader(
            config: config.canonicalBytes, frameTargetBytes: frameTargetBytes,
            checkpointEveryFrames: 1 << 30)
    }

    /// Runs and records into `ledgerPath` (or only hashes the frames when nil), forwarding the
    /// frames to `sink` (a replay's comparator); `perturbation` is for replay tests only.
    public static func run(
        config: ScaleConfig, threads: Int,
        frameTargetBytes: Int = EngineOptions.defaultFrameTargetBytes, ledgerPath: String? = nil,
        sink: FrameSink? = nil, perturbation: Perturbation? = nil
    ) throws -> ScaleOutcome {
        let header = header(config, frameTargetBytes: frameTargetBytes)
        var recorder: LedgerRecorder?
        if let ledgerPath {
            recorder = LedgerRecorder(
                store: try LedgerStore.create(path: ledgerPath, header: header))
        }
        let forward: FrameSink? =
            switch (recorder, sink) {
            case let (recorder?, sink?): TeeSink(recorder, sink)
            case let (recorder?, nil): recorder
            case let (nil, sink): sink
            }
        let hasher = ChainHashingSink(header: header, chunkEvents: nil, forwardingTo: forward)
        var market = ScaleMarket(config: config)
        var log = EventLog(frameTargetBytes: header.frameTargetBytes, perturbation: perturbation)
        log.append(
            MarketEvent(
                .run, tick: 0,
                .runStarted(
                    RunStarted(
                        seed: config.seed, configDigest: Sha256.hash(config.canonicalBytes),
                        days: 0, scenarios: 0))))
        let workers = max(1, min(threads, config.agents))
        // More chunks than threads, so a slower core takes fewer of them; merged in agent order.
        let chunks = workers == 1 ? 1 : min(workers * 8, config.agents)
        let bounds = (0...chunks).map { config.agents * $0 / chunks }
        var bids: Int64 = 0
        let started = DispatchTime.now().uptimeNanoseconds  // determinism-ok: reported speed only
        for round in 0..<config.rounds {
            let parts: [ScaleMarket.PartialTop]
            if workers == 1 {
                parts = [market.scan(0..<config.agents, round: round)]
            } else {
                let snapshot = market
                nonisolated(unsafe) var results = [ScaleMarket.PartialTop](
                    repeating: .init(), count: chunks)
                results.withUnsafeMutableBufferPointer { buffer in
                    nonisolated(unsafe) let output = buffer
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        output[chunk] = snapshot.scan(
                            bounds[chunk]..<bounds[chunk + 1], round: round)
                    }
                }
                parts = results
            }
            let top = market.merge(parts)
            bids += Int64(top.bidders)
            log.append(
                MarketEvent(
                    .run, tick: Int64(round), .scaleRound(market.settle(round: round, top: top))))
            if let frame = log.sealIfDue(force: round == config.rounds - 1) {
                try hasher.seal(frame)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9  // determinism-ok: reported speed only
        try recorder?.finish(marketDigest: log.marketDigest)
        return ScaleOutcome(
            config: config, rounds: config.rounds, bidsPlaced: bids, runDigest: hasher.headHash,
            events: log.nextSequence, totalSpendCents: market.totalSpendCents, seconds: seconds)
    }
}
