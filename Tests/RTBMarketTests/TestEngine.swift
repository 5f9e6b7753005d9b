import RTBMarket
import RTBTrace

extension MarketEngine {
    /// A run whose frames stay in `store`, which is also its shared ledger.
    convenience init(config: MarketConfig, store: MemoryFrameStore) {
        self.init(
            config: config,
            environment: RunEnvironment(sink: store, shared: store, layout: FrameLayout()))
    }
}
