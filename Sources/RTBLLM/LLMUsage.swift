import RTBTrace

/// What a run's model calls cost: calls, tokens, dollars, and the decisions answered without a
/// call (cache hits, the decision tree), and invalid answers replaced by the rules. The `llm`
/// policy counts them as it goes; `init?(store:)` (RTBRunning) sums them from a ledger's
/// measurements.
public struct LLMUsage: Equatable, Sendable {
    /// Decisions asked outside (answered by the model, the cache, the tree or the rules).
    public var decisions = 0
    public var calls = 0
    public var inputTokens = 0
    public var outputTokens = 0
    public var dollars = 0.0
    public var cacheHits = 0
    public var fallbacks = 0
    public var treeAnswers = 0

    public init() {}

    mutating func add(_ reply: LLMReply, dollars: Double) {
        calls += 1
        inputTokens += reply.inputTokens
        outputTokens += reply.outputTokens
        self.dollars += dollars
    }

    /// One line for a command's output.
    public var line: String {
        "llm calls:     \(calls) for \(decisions) decisions (\(inputTokens) input, \(outputTokens) output tokens, $"
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
        object["decisions"] = .int(Int64(decisions))
        object["input_tokens"] = .int(Int64(inputTokens))
        object["output_tokens"] = .int(Int64(outputTokens))
        object["dollars"] = .raw(Self.dollars(dollars))
        object["cache_hits"] = .int(Int64(cacheHits))
        object["fallbacks"] = .int(Int64(fallbacks))
        object["tree_answers"] = .int(Int64(treeAnswers))
        return object
    }
}
