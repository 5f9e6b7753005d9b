import Foundation
import RTBCore
import RTBLedger
import RTBEvents
import RTBTrace
import RTBMarket
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// Small market runs shared by the verification tests.
extension TestSupport {
    /// A small config: `days` days, fewer agents, all three scenarios.
    static func smallConfig(seed: UInt64, days: Int = 2) -> MarketConfig {
        var config = MarketConfig()
        config.seed = seed
        config.days = days
        config.buyers = 2
        config.sellers = 2
        config.campaignsPerBuyer = 3
        config.productsPerSeller = 3
        return config
    }

    /// Records a run into a new ledger in `directory`.
    @discardableResult
    static func record(
        _ config: MarketConfig, in directory: String, name: String = "run.ledger",
        layout: FrameLayout = FrameLayout(frameTargetBytes: 4_096, checkpointEveryFrames: 4)
    ) throws
        -> (path: String, outcome: RunOutcome)
    {
        let path = directory + "/" + name
        return (path, try recordMarket(config, path: path, layout: layout).outcome)
    }

}

/// Records a market run into `path` (a test's usual one-liner).
@discardableResult
func recordMarket(
    _ config: MarketConfig, path: String, layout: FrameLayout = FrameLayout(),
    canary: Canary? = nil, perturbation: Perturbation? = nil
) throws -> (outcome: RunOutcome, run: MarketEngine) {
    var settings = RecordingSettings(layout: layout)
    settings.canary = canary?.rawValue
    settings.perturbation = perturbation
    return try Recording.record(RTBMarketModel.self, config: config, path: path, settings: settings)
}

/// Every market event of a ledger, decoded.
func marketEvents(_ path: String) throws -> [(sequence: UInt64, event: MarketEvent)] {
    var events: [(UInt64, MarketEvent)] = []
    try LedgerEvents.forEach(RTBMarketModel.self, store: try LedgerStore.open(path: path)) {
        sequence, event in
        events.append((sequence, event))
        return true
    }
    return events
}

/// The number in a checker note such as "truthfulness: 1234 counterfactual bids on ...".
func counterfactuals(_ notes: [String]) -> Int {
    guard let note = notes.first(where: { $0.hasPrefix("truthfulness: ") }) else { return 0 }
    return Int(note.dropFirst("truthfulness: ".count).prefix { $0.isNumber }) ?? 0
}
