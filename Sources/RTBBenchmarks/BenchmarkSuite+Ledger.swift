import Foundation
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBTrace
import RTBIntegrity
import RTBModels
import RTBRunning
import RTBTrace

/// The large volume profile end to end, and what verify, replay and check make of its ledger.
extension BenchmarkSuite {
    func largeProfile() throws {
        var config = MarketConfig()
        config.scenarios = [.a]
        config.days = scale.largeDays
        config.volume = scale.largeProfile
        note("\(config.volume) profile, \(config.days) days, scenario a, recorded")
        var counter = 0
        var outcome: (outcome: RunOutcome, run: MarketEngine)?
        let runs = scale.runs
        let recording = try Stopwatch.samples(runs: runs) {
            // Only the last recording is kept (each is hundreds of MB).
            if counter > 0 {
                try? FileManager.default.removeItem(atPath: directory + "/large-\(counter).ledger")
            }
            counter += 1
            outcome = try Recording.record(
                RTBMarketModel.self, config: config, path: directory + "/large-\(counter).ledger")
        }
        let path = directory + "/large-\(counter).ledger"
        let result = outcome!.outcome
        let auctions = Double(outcome!.run.metrics.last!.totals[.openAuctions])
        rows.append(
            .row(
                "\(config.volume) profile: open auctions per second, recorded", issue: "#3",
                samples: Samples(recording.values.map { auctions / $0 / 1e6 }),
                value: auctions / recording.median / 1e6,
                unit: "M/s", atLeast: 1, format: "%.2f"))
        rows.append(
            .row(
                "\(config.volume) profile: events per second, recorded", issue: "#3",
                value: Double(result.events) / recording.median / 1e6, unit: "M/s", format: "%.2f"))
        let null = try Stopwatch.samples(runs: runs) {
            _ = try Recording.run(RTBMarketModel.self, config: config)
        }
        rows.append(
            .row(
                "\(config.volume) profile: recording overhead vs null sink", issue: "#4",
                value: recording.median / null.median, unit: "x", atMost: 1.25,
                bound: String(format: "null sink %.2f s", null.median), format: "%.2f"))
        let disk = Double(result.bytesOnDisk ?? 0)
        rows.append(
            .row(
                "\(config.volume) profile: bytes on disk per event", issue: "#4",
                value: disk / Double(result.events),
                unit: "B", atMost: 16, bound: String(format: "%.1f B per auction", disk / auctions),
                format: "%.2f"))
        note("verify")
        var report: ChainReport?
        let verify = try Stopwatch.samples(runs: scale.runs) {
            report = try ChainVerifier.verify(path: path)
        }
        let single = try Stopwatch.samples(runs: scale.runs) {
            _ = try ChainVerifier.verify(path: path, threads: 1)
        }
        let raw = Double(report!.rawBytes)
        rows.append(
            .row(
                "verify: canonical bytes per second (2 threads)", issue: "#4",
                samples: Samples(verify.values.map { raw / $0 / 1e9 }),
                value: raw / verify.median / 1e9, unit: "GB/s",
                atLeast: 1,
                bound: String(
                    format:
                        "1 thread %.2f GB/s; synthetic per-core SHA-256 %.2f, zstd decompression %.2f",
                    raw / single.median / 1e9, bounds.sha256GBps, bounds.zstdDecompressGBps),
                format: "%.2f"))
        note("replay")
        var diverged = false
        let replays = try Stopwatch.samples(runs: runs) {
            if try Replayer(path: path).replay(ReplayOptions()).divergence != nil {
                diverged = true
            }
        }
        if diverged {
            throw BenchmarkFailure("the benchmark's replay diverged from its own recording")
        }
        let replaySeconds = replays.median
        rows.append(
            .row(
                "replay speed / recording speed (same ledger)", issue: "#5",
                value: recording.median / replaySeconds,
                unit: "x", atLeast: 0.9,
                bound: String(
                    format: "replay %.2f s, recording %.2f s", replaySeconds, recording.median),
                format: "%.2f"))
        note("check")
        var checked: CheckOutcome?
        let check = try Stopwatch.samples(runs: scale.runs) {
            checked = try LedgerChecker.check(path: path, verifyChain: false)
        }
        let events = Double(checked!.events)
        rows.append(
            .row(
                "check: events per second (one core, truthfulness sampled on 1 in \(CheckOptions().sampling) open auctions)",
                issue: "#7", samples: Samples(check.values.map { events / $0 / 1e6 }),
                value: events / check.median / 1e6,
                unit: "M/s", atLeast: 5,
                bound: checked!.notes.joined(separator: "; ") + " per pass", format: "%.2f"))
    }

    /// Encode + frame + zstd + hash + SQLite commit of already-made events, nothing else.
    func recorderAlone() throws {
        note("recorder alone")
        let store = MemoryFrameStore()
        _ = try Recording.run(RTBMarketModel.self, config: defaultConfig, sink: store)
        let events = try store.allEvents()
        var counter = 0
        let samples = try Stopwatch.samples(runs: scale.runs) {
            counter += 1
            let header = RunHeader.of(
                RTBMarketModel.self, config: defaultConfig, layout: FrameLayout())
            let recorder = LedgerRecorder(
                store: try LedgerStore.create(
                    path: directory + "/recorder-\(counter).ledger", header: header))
            var log = EventLog(frameTargetBytes: FrameLayout.defaultFrameTargetBytes)
            var written = 0
            while written < scale.recorderEvents {
                for event in events {
                    log.append(event)
                    if let frame = log.sealIfDue() { try recorder.seal(frame) }
                }
                written += events.count
            }
            if let frame = log.sealIfDue(force: true) { try recorder.seal(frame) }
            try recorder.finish(marketDigest: log.marketDigest)
        }
        let total = Double((scale.recorderEvents + events.count - 1) / events.count * events.count)
        rows.append(
            .row(
                "recorder alone: encode, frame, zstd, hash, SQLite commit", issue: "#4",
                samples: Samples(samples.values.map { total / $0 / 1e6 }),
                value: total / samples.median / 1e6, unit: "M events/s",
                atLeast: 3,
                bound: String(
                    format: "zstd %.0f MB/s, SHA-256 %.2f GB/s", bounds.zstdCompressMBps,
                    bounds.sha256GBps),
                format: "%.2f"))
    }

    /// A ledger of about 10^8 events and a persistent divergence from its middle, located by
    /// bisection over checkpoints.
    func divergenceLocalisation() throws {
        var config = MarketConfig()
        config.scenarios = [.a]
        config.days = scale.divergenceDays
        config.volume = scale.divergenceProfile
        note("divergence localisation: recording \(config.days) days of \(config.volume) traffic")
        let path = directory + "/divergence.ledger"
        let (outcome, _) = try Recording.record(RTBMarketModel.self, config: config, path: path)
        let target = outcome.events / 2
        var report: ReplayReport?
        let seconds = try Stopwatch.samples(runs: scale.runs) {
            report = try Replayer(path: path).replay(
                ReplayOptions(bisect: true, perturbation: .from(target)))
        }
        guard report?.divergence?.sequence == target else {
            throw BenchmarkFailure("bisection missed the divergence planted at event \(target)")
        }
        rows.append(
            .row(
                String(
                    format: "first divergence in %.2g events (bisection, %d segments re-run)",
                    Double(outcome.events), report!.segmentsRerun),
                issue: "#5", samples: seconds, value: seconds.median, unit: "s", atMost: 2,
                format: "%.2f"))
        try? FileManager.default.removeItem(atPath: path)
    }
}
