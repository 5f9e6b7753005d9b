import RTBCore

extension ContextRot {
    /// The keys the episode destroyed or changed: deal notes, prices, reputation entries and
    /// pending orders (saturating).
    public var keysLost: Int64 {
        [dealsLost, pricesLost, reputationLost, pendingLost].reduce(0) { $0.saturatingPlus($1) }
    }
}
