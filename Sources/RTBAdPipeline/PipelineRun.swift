import RTBCore
import RTBTrace

/// A run of the creative pipeline: forecasts, the auction study of every creative at every
/// grid point (the central point first), the Thompson-sampling allocator day by day, then the
/// slates compared with the forecast reference. One step per phase item: the forecasts, one
/// (point, creative) study, one bandit day, the comparison.
public final class PipelineRun: ModelRun {
    enum Phase: UInt8 {
        case opening = 0
        case study = 1
        case bandit = 2
        case compare = 3
        case done = 4
    }

    public let config: PipelineConfig
    let layout: FrameLayout
    let sink: FrameSink
    let canary: String?
    var log: EventLog
    var phase = Phase.opening
    /// The next study: its index in point order (central point first), creative-major within.
    var cursor = 0
    var day = 0
    var tick: Int64 = 0
    let forecasts: [Forecast]
    /// Per creative, the central point's study (CPC, CPM and CAC in micro-dollars, -1 when
    /// undefined; clicks per win).
    var studied: [StudyResult]
    /// The bandit: per arm a, b, spend, wins (signups) and impressions.
    var alpha: [Double]
    var beta: [Double]
    var armSpend: [Int64]
    var armSignups: [Double]
    var armImpressions: [Double]
    /// Whether a canary's one-off defect has been planted (test only).
    var canaryPlanted = false

    public init(config: PipelineConfig, environment: RunEnvironment) {
        self.config = config
        layout = environment.layout
        sink = environment.sink
        canary = environment.canary
        log = EventLog(
            frameTargetBytes: layout.frameTargetBytes, perturbation: environment.perturbation)
        let budget = Double(config.budget) / 1e6
        forecasts = config.creatives.enumerated().map {
            Forecast($1, budget: budget, draws: config.forecastDraws, seed: config.seed, index: $0)
        }
        let count = config.creatives.count
        studied = Array(repeating: StudyResult(), count: count)
        // Priors at the forecast's signups per impression. Reference: 2,000 pseudo-impressions
        // and a, b at least 1 (at rates near 1e-4 every arm's prior is Beta(1, ~2000): the
        // forecast is lost). Honest: as many pseudo-impressions as give a = 2 (at least 2,000),
        // so every prior's mean is its forecast rate.
        let rates = forecasts.map { $0.signups / $0.impressions }
        switch config.mode {
        case .reference:
            alpha = rates.map { max(1, $0 * 2_000) }
            beta = rates.map { max(1, (1 - $0) * 2_000) }
        case .honest:
            let weights = rates.map { max(2_000, 2 / $0) }
            alpha = zip(rates, weights).map { $0 * $1 }
            beta = zip(rates, weights).map { (1 - $0) * $1 }
        }
        armSpend = Array(repeating: 0, count: count)
        armSignups = Array(repeating: 0, count: count)
        armImpressions = Array(repeating: 0, count: count)
    }

    public var isFinished: Bool { phase == .done }

    public func step() throws -> Bool {
        switch phase {
        case .opening:
            open()
            phase = .study
        case .study:
            study(order(cursor))
            cursor += 1
            if cursor == config.points * config.creatives.count { phase = .bandit }
        case .bandit:
            day += 1
            banditDay()
            if day == config.days { phase = .compare }
        case .compare:
            compareSlates()
            phase = .done
        case .done:
            return false
        }
        if try log.seal(
            into: sink, checkpointEvery: layout.checkpointEveryFrames, force: isFinished,
            finished: isFinished)
        {
            try sink.checkpoint(makeCheckpoint())
        }
        return !isFinished
    }

    /// The study at position `index`: the central point first, then the others in order.
    func order(_ index: Int) -> (point: Int, creative: Int) {
        let creatives = config.creatives.count
        var points = [config.centralPoint]
        points += (0..<config.points).filter { $0 != config.centralPoint }
        return (points[index / creatives], index % creatives)
    }

    func open() {
        emit(
            .pipelineOpened(
                PipelineOpened(
                    creatives: config.creatives.count, mode: config.mode,
                    budget: Micros(config.budget), rounds: Int64(config.rounds), days: config.days,
                    slate: config.slate)))
        for (index, forecast) in forecasts.enumerated() {
            var cac = forecast.cac.map { Micros(Int64(($0 * 1e6).rounded())) }
            if canary == "unsorted-forecast" && index == 0 { cac.swapAt(0, 2) }
            emit(
                .creativeForecast(
                    CreativeForecast(
                        creative: index, name: config.creatives[index].id, cacP10: cac[0],
                        cacP50: cac[1], cacP90: cac[2], impressions: forecast.impressions,
                        clicks: forecast.clicks, signups: forecast.signups,
                        under240Ppm: Int64((forecast.under240 * 1e6).rounded()),
                        under200Ppm: Int64((forecast.under200 * 1e6).rounded()))))
        }
    }

    func emit(_ body: PipeEventBody) {
        log.append(PipeEvent(tick: tick, body))
    }

    public var marketDigest: Digest32 { log.marketDigest }
    public var nextSequence: UInt64 { log.nextSequence }
    public var framesSealed: Int { log.framesSealed }

    public var progress: String? {
        switch phase {
        case .opening, .done: return nil
        case .study: return "study \(cursor + 1)/\(config.points * config.creatives.count)"
        case .bandit: return "bandit day \(day + 1)/\(config.days)"
        case .compare: return "slates"
        }
    }

    public var summaryMetrics: [NamedMetric] {
        let central = studied.filter { $0.rounds > 0 }
        return [
            NamedMetric("creatives", Int64(config.creatives.count)),
            NamedMetric("study_rounds", central.reduce(0) { $0 + $1.rounds }),
            NamedMetric("study_wins", central.reduce(0) { $0 + $1.wins }),
            NamedMetric("study_clicks", central.reduce(0) { $0 + $1.clicks }),
            NamedMetric("study_spend_micros", central.reduce(0) { $0 + $1.spend }),
            NamedMetric("bandit_spend_micros", armSpend.reduce(0, +)),
        ]
    }
}

/// A creative's central-point study, what the bandit and the slates use.
struct StudyResult: Equatable {
    var rounds: Int64 = 0
    var wins: Int64 = 0
    var clicks: Int64 = 0
    var spend: Int64 = 0
    var cpc: Int64 = -1
    var cpm: Int64 = -1
    var cac: Int64 = -1
}
