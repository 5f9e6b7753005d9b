import Foundation
import RTBCore
import RTBRunning
import RTBTrace
import Testing

@testable import RTBAdPipeline

/// Runs a pipeline config in memory and returns its events.
func pipelineEvents(_ config: PipelineConfig) throws -> [PipeEvent] {
    let store = MemoryFrameStore()
    _ = try Recording.run(CreativePipelineModel.self, config: config, sink: store)
    return try store.frames.flatMap { try PipeEvent.decodeEvents($0.bytes) }
}

/// A study of `creatives` over bid multipliers only (quality 1), few bandit days.
func pipelineConfig(
    _ mode: PipelineMode, creatives: [CreativeBaseline], bids: [Double] = [1], rounds: Int = 3_000
) -> PipelineConfig {
    var config = PipelineConfig()
    config.seed = 11
    config.mode = mode
    config.creatives = creatives
    config.bidMults = bids.map { Int64(($0 * 1e6).rounded()) }
    config.qualityMults = [1_000_000]
    config.rounds = rounds
    config.sensitivityRounds = rounds
    config.forecastDraws = 2_000
    config.bootstrap = 50
    config.slate = 1
    config.days = 2
    return config
}

let creativeA = CreativeBaseline(
    id: "a", pWin: 0.5, cpm: [10, 12, 15], ctr: [0.01, 0.015, 0.02], cvr: [0.003, 0.004, 0.005])
let creativeB = CreativeBaseline(
    id: "b", pWin: 0.5, cpm: [20, 24, 30], ctr: [0.01, 0.015, 0.02], cvr: [0.003, 0.004, 0.005])

/// The central study per creative and every grid point's win rate, by point.
func studies(_ events: [PipeEvent]) -> [CreativeStudied] {
    events.compactMap {
        if case .creativeStudied(let study) = $0.body { return study } else { return nil }
    }
}

/// Honest mode: competitors can outbid us, so the win rate is below 1 at our value bid and
/// rises with the bid; CPC is set by the competition (two creatives with the same CTR and CVR
/// but different market CPMs pay different CPCs, neither 5 q CTR).
@Test func honestWinRateRespondsToTheBidAndCPCIsNotAClosedForm() throws {
    let multipliers = [0.6, 0.8, 1.0, 1.25, 1.6, 2.5]
    let events = try pipelineEvents(
        pipelineConfig(.honest, creatives: [creativeA, creativeB], bids: multipliers))
    let byBid = studies(events).filter { $0.creative == 0 }.sorted { $0.bidMultPpm < $1.bidMultPpm }
    let rates = byBid.map(\.winRatePpm)
    #expect(rates.count == multipliers.count)
    #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 <= $1 }, "\(rates)")
    #expect(rates.first! < rates.last!, "\(rates)")
    let central = byBid.first { $0.bidMultPpm == 1_000_000 }!
    #expect(central.winRatePpm < 1_000_000 && central.winRatePpm > 0, "\(central)")
    let studiedB = studies(events).first { $0.creative == 1 && $0.bidMultPpm == 1_000_000 }!
    #expect(central.cpc > 0 && studiedB.cpc > 0)
    #expect(
        abs(Double(studiedB.cpc) / Double(central.cpc) - 1) > 0.2, "\(central.cpc) \(studiedB.cpc)")
    let forecast = Forecast(creativeA, budget: 30_000, draws: 2_000, seed: 11, index: 0)
    let quality = 0.5 + 2 * min(0.5, forecast.ctr / 0.05)
    #expect(abs(Double(central.cpc) / 1e6 / (5 * quality * forecast.ctr) - 1) > 0.2)
}

/// Reference mode reproduces the spec's closed forms: we win every round, CPC = 5 q CTR (Bark's
/// truthful bid) to the micro-dollar, the bid multiplier changes nothing and the CAC is CPC / CVR.
@Test func referenceModeShowsTheClosedForms() throws {
    let events = try pipelineEvents(
        pipelineConfig(.reference, creatives: [creativeA, creativeB], bids: [0.8, 1, 1.2]))
    for study in studies(events) {
        let creative = [creativeA, creativeB][study.creative]
        let forecast = Forecast(
            creative, budget: 30_000, draws: 2_000, seed: 11, index: study.creative)
        let quality = 0.5 + 2 * min(0.5, forecast.ctr / 0.05)
        let closedForm = 5 * quality * forecast.ctr
        #expect(study.winRatePpm == 1_000_000)
        #expect(abs(Double(study.cpc) / 1e6 - closedForm) <= 2e-6, "\(study.cpc) vs \(closedForm)")
        #expect(abs(Double(study.cac) / 1e6 - closedForm / forecast.cvr) <= 1e-3)
    }
    let cpcs = Set(studies(events).filter { $0.creative == 0 }.map(\.cpc))
    #expect(cpcs.count == 1, "\(cpcs)")
}

/// The pipeline's Thompson-sampling allocator on two arms (one funded a day) funds the arm with
/// the lower CAC on most later days, and in honest mode updates only the funded arm.
@Test func pipelineBanditConcentratesOnTheBetterArm() throws {
    let better = CreativeBaseline(
        id: "better", pWin: 0.5, cpm: [10, 12, 15], ctr: [0.02, 0.025, 0.03],
        cvr: [0.008, 0.01, 0.012])
    let worse = CreativeBaseline(
        id: "worse", pWin: 0.5, cpm: [10, 12, 15], ctr: [0.004, 0.005, 0.006],
        cvr: [0.002, 0.0025, 0.003])
    var config = pipelineConfig(.honest, creatives: [better, worse], rounds: 500)
    config.days = 30
    let events = try pipelineEvents(config)
    var late = 0
    var betterFunded = 0
    for event in events {
        switch event.body {
        case .banditDay(let day) where day.day > 10:
            late += 1
            if day.funded == [0] { betterFunded += 1 }
        case .banditUpdate(let update):
            #expect(update.spend.raw > 0)
        default: break
        }
    }
    #expect(late == 20 && betterFunded >= 18, "\(betterFunded) of \(late)")
}
