import RTBChecking
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBModels
import RTBTrace

/// What each libFuzzer target of `Fuzz/` does with one input: the decoders and the checker that
/// run past the hash check, fed arbitrary bytes. Each input must be decoded or refused, checked
/// or reported: a trap, a hang or an allocation without bound is a finding. The test suite
/// replays the committed corpus (`Fuzz/Corpus/`, regressions included) through the same
/// functions, so a fixed finding stays fixed without the fuzzer.
public enum FuzzHarness {
    /// The targets, by the name `tools/fuzz.sh` and `Fuzz/Corpus/` use.
    public static let targets: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
        ("events", events), ("frame", frame), ("checkpoint", checkpoint), ("config", config),
    ]

    /// Bytes as market events, trading questions and answers; a decoded event list re-encodes
    /// to the bytes it came from.
    public static func events(_ bytes: [UInt8]) {
        if let events = try? MarketEvent.decodeAll(bytes) {
            let encoded = events.flatMap(\.canonicalBytes)
            precondition(encoded == bytes, "an event decoded from bytes it does not re-encode to")
            _ = events.map(\.fields)
        }
        var reader = CanonicalReader(bytes)
        if let question = try? TradingQuestion(from: &reader) { _ = question.canonicalBytes }
        var answerReader = CanonicalReader(bytes)
        if let answer = try? TradingAnswer(from: &answerReader) { _ = answer.canonicalBytes }
    }

    /// The config of the checked run: all three scenarios.
    static let frameConfig: MarketConfig = {
        var config = MarketConfig()
        config.days = 2
        config.buyers = 2
        config.sellers = 2
        config.campaignsPerBuyer = 2
        config.productsPerSeller = 2
        config.scenarios = [.a, .b, .c]
        return config
    }()

    /// The first two frames of that run: registrations exist before the fuzzed frame.
    static let framePrefix: [UInt8] = {
        let store = MemoryFrameStore()
        let layout = FrameLayout(frameTargetBytes: 4_096, checkpointEveryFrames: 4)
        guard
            let run = try? RTBMarketModel.start(
                frameConfig, in: RunEnvironment(sink: store, shared: store, layout: layout))
        else { preconditionFailure("the fuzz prefix run does not start") }
        while store.frames.count < 3, (try? run.step()) == true {}
        return store.frames.prefix(2).flatMap(\.bytes)
    }()

    /// Bytes as a decompressed frame of a market ledger, checked the way `rtb-verify check`
    /// checks it, after the prefix; then the run's end and the metrics.
    public static func frame(_ bytes: [UInt8]) {
        let checker = EconomicChecker(config: frameConfig, truthfulnessSampling: 1)
        let events =
            (try? RTBMarketModel.check(frame: framePrefix, firstSequence: 0, with: checker)) ?? 0
        _ = try? RTBMarketModel.check(frame: bytes, firstSequence: UInt64(events), with: checker)
        checker.finish()
        _ = checker.summaryMetrics
    }

    /// The config whose checkpoints seed the corpus (the fixture traces/fixture-v1.ledger,
    /// tools/make-fixtures.sh).
    static let checkpointConfig: MarketConfig = {
        var config = MarketConfig()
        config.days = 2
        config.seed = 7
        config.buyers = 2
        config.sellers = 2
        config.campaignsPerBuyer = 10
        config.productsPerSeller = 3
        config.volume = .small
        config.graceDays = 0
        config.rotEpisodeRate = Rate.percent(20)
        return config
    }()

    /// Bytes as a checkpoint's state (after a varint next sequence and frame count): restoring
    /// refuses what is not a consistent state of the config's market.
    public static func checkpoint(_ bytes: [UInt8]) {
        var reader = CanonicalReader(bytes)
        let nextSequence = (try? reader.varint()) ?? 0
        let frames = (try? reader.int()) ?? 0
        let store = MemoryFrameStore()
        let environment = RunEnvironment(
            sink: store, shared: store,
            layout: FrameLayout(frameTargetBytes: 4_096, checkpointEveryFrames: 4))
        _ = try? RTBMarketModel.restore(
            checkpointConfig,
            from: EngineCheckpoint(frameCount: frames, nextSequence: nextSequence, state: bytes),
            in: environment)
    }

    /// Bytes as every config and header form the harness parses: canonical market and scale
    /// configs, run headers, JSON configs, kill and fault points, head files. A parsed canonical
    /// form re-encodes to the same bytes.
    public static func config(_ bytes: [UInt8]) {
        if let config = try? MarketConfig(canonical: bytes) {
            precondition(
                config.canonicalBytes == bytes, "a market config that re-encodes differently")
        }
        if let scale = ScaleConfig(canonical: bytes) {
            precondition(
                scale.canonicalBytes == bytes, "a scale config that re-encodes differently")
        }
        if let header = try? RunHeader(canonical: bytes) {
            precondition(header.canonicalBytes == bytes, "a header that re-encodes differently")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if case .success(let json) = JSONValue.parse(text) {
            _ = json.canonicalText
            _ = try? ScaleMarketModel.config(json: json)
            _ = try? RTBMarketModel.config(json: json)
        }
        _ = AgentKill.parse(text)
        _ = LedgerFault(text)
        _ = HeadFile(text: text)
    }
}
