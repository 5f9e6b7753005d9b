import RTBLedger
import RTBTrace

/// What a recording's model calls cost, summed from the measurements the `llm` policy files
/// with each decision (outside every digest): calls, tokens, dollars, cache hits, fallbacks.
public struct LLMCostSummary: Equatable, Sendable {
    public var calls = 0
    public var inputTokens = 0
    public var outputTokens = 0
    public var dollars = 0.0
    public var cacheHits = 0
    public var fallbacks = 0
    public var treeAnswers = 0

    /// The summary of a ledger's measurements, or nil when no decision called a model.
    public init?(store: LedgerStore) throws {
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

    /// One line for a command's output.
    public var line: String {
        "llm calls:     \(calls) (\(inputTokens) input, \(outputTokens) output tokens, $"
            + Self.dollars(dollars) + "); \(cacheHits) answered by the cache, "
            + "\(treeAnswers) by the decision tree, \(fallbacks) invalid answers replaced by the rules"
    }

    static func dollars(_ value: Double) -> String {
        let tenThousandths = Int64((value * 10_000).rounded())
        let fraction = String(tenThousandths % 10_000)
        return String(tenThousandths / 10_000) + "."
            + String(repeating: "0", count: 4 - fraction.count)
            + fraction
    }

    public var json: JSONObject {
        var object = JSONObject()
        object["calls"] = .int(Int64(calls))
        object["input_tokens"] = .int(Int64(inputTokens))
        object["output_tokens"] = .int(Int64(outputTokens))
        object["dollars"] = .raw(Self.dollars(dollars))
        object["cache_hits"] = .int(Int64(cacheHits))
        object["fallbacks"] = .int(Int64(fallbacks))
        object["tree_answers"] = .int(Int64(treeAnswers))
        return object
    }
}
