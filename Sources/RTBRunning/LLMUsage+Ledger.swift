import RTBLLM
import RTBLedger
import RTBTrace

/// A recording's model costs, summed from the measurements the `llm` policy files with each
/// decision (outside every digest).
extension LLMUsage {
    /// The summary of a ledger's measurements, or nil when no decision called a model.
    public init?(store: LedgerStore) throws {
        self.init()
        var seen = false
        for record in try store.measurements() {
            switch record.name {
            case "llm.input_tokens":
                calls += 1
                inputTokens += Int(record.value)
            case "llm.output_tokens": outputTokens += Int(record.value)
            case "llm.cost": dollars += record.value
            case "llm.cache_hit": cacheHits += 1
            case "llm.fallback": fallbacks += 1
            case "llm.tree_answer": treeAnswers += 1
            default: continue
            }
            seen = true
        }
        if !seen { return nil }
    }
}
