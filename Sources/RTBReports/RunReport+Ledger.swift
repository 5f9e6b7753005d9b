import RTBCore
import RTBEvents
import RTBIntegrity
import RTBLedger
import RTBMarket
import RTBModels
import RTBTrace

extension RunReport {
    /// The results of a finished RTB market run, from its ledger alone: the chain verified, the
    /// config from the header, every metric folded from the recorded events (the fold the
    /// engine applies as it runs), the digests from the verified head. For a run recorded by
    /// `rtb-sim run --output`, its JSON is the results file byte for byte.
    public init(ledger path: String) throws {
        let store = try LedgerStore.open(path: path)
        let model = try ModelRegistry.model(of: store)
        guard model == RTBMarketModel.self else {
            throw ResultsError.malformed(
                path: path, field: "(ledger)",
                reason:
                    "a ledger of model \(model.identity.name): results exist for \(RTBMarketModel.identity.name) runs only"
            )
        }
        let chain = try ChainVerifier.verify(store: store)
        if let problem = chain.problem {
            throw LedgerError.corrupt(path: path, location: "verify", reason: problem)
        }
        guard chain.finished, let head = try store.head(), let marketDigest = head.marketDigest
        else {
            throw ResultsError.malformed(
                path: path, field: "(ledger)",
                reason: "the recording is not finished: no results yet (record --resume it)")
        }
        let config = try ModelRegistry.config(RTBMarketModel.self, of: store)
        var metrics = config.scenarios.map { ScenarioMetrics(scenario: $0, config: config) }
        try LedgerEvents.forEach(RTBMarketModel.self, store: store) { _, event, _ in
            if let index = metrics.firstIndex(where: { $0.scenario == event.scenario }) {
                metrics[index].observe(event)
            }
            return true
        }
        self.init(
            config: config, metrics: metrics, runDigest: chain.headHash,
            marketDigest: marketDigest, events: chain.events)
    }
}
