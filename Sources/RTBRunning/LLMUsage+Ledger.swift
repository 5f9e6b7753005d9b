import RTBLLM
import RTBLedger
import RTBModels
import RTBTrace

/// A recording's model costs, summed from its ledger's events: the `ModelCall` events (calls,
/// cache hits, tokens, cost, all inside the digest) and the sources of its `Decision` events
/// (answers of the decision tree, invalid answers replaced by the rules).
extension LLMUsage {
    /// The summary of a market ledger's calls, or nil when no decision was asked outside.
    public init?(store: LedgerStore) throws {
        self.init()
        // Only the RTB market (format 1, no model name) has a policy that asks a model; any
        // other ledger is not read at all.
        guard store.header.model == nil, RTBMarketModel.claimsLegacyConfig(store.header.config),
            let config = try? RTBMarketModel.decodeConfig(store.header.config),
            config.policy == .llm
        else { return nil }
        var seen = false
        var nanodollars: Int64 = 0
        try LedgerEvents.forEach(RTBMarketModel.self, store: store) { _, event, _ in
            if let call = event.decisionCall {
                seen = true
                if call.cached {
                    cacheHits += call.decisions
                } else {
                    calls += 1
                    inputTokens += Int(call.inputTokens)
                    outputTokens += Int(call.outputTokens)
                    nanodollars += call.costNanodollars
                }
            } else if let decision = event.decision {
                seen = true
                decisions += 1
                if decision.source == DecisionTree.source { treeAnswers += 1 }
                if decision.source.hasSuffix(LLMDecisionService.fallbackSuffix) { fallbacks += 1 }
            }
            return true
        }
        dollars = Double(nanodollars) / 1e9
        if !seen { return nil }
    }
}
