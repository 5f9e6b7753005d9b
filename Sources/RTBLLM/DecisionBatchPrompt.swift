import RTBCore
import RTBTrace
import RTBMarket

/// Several decisions of one agent, of one kind, in one call (seed 000's batching lever): the
/// user prompt is one JSON object listing each decision's prompt, and the answer must be one
/// JSON array with one answer per decision, in order, each exactly in its decision's format. A
/// reply that is not such an array invalidates every answer; an element that is not its
/// decision's format invalidates that answer alone (the caller falls back to the rules for it).
/// A batch of one is the single decision's own prompt.
public struct DecisionBatchPrompt: Sendable {
    public let prompts: [DecisionPrompt]
    public let system: String
    public let user: String

    /// `prompts` share an agent, a kind and a role (not checked: the caller groups them).
    public init(_ prompts: [DecisionPrompt]) {
        precondition(!prompts.isEmpty, "a batch needs a decision")
        self.prompts = prompts
        system = prompts[0].system
        if prompts.count == 1 {
            user = prompts[0].user
        } else {
            let format =
                "a JSON array with exactly \(prompts.count) answers, one per decision in the order given, "
                + "each in its decision's answer_format"
            user =
                "{\"decisions\":[\(prompts.map(\.user).joined(separator: ","))],"
                + "\"answer_format\":\(JSONText.quote(format))}"
        }
    }

    /// Output tokens to allow: enough for every answer.
    public var maxTokens: Int { min(8_192, 256 * prompts.count) }

    /// Each decision's answer, nil where the reply is not in the format asked.
    public func parse(_ text: String) -> [TradingAnswer?] {
        let invalid = [TradingAnswer?](repeating: nil, count: prompts.count)
        guard let json = DecisionPrompt.json(text) else { return invalid }
        if prompts.count == 1 { return [prompts[0].parse(json: json)] }
        guard let items = json.arrayValue, items.count == prompts.count else { return invalid }
        return zip(prompts, items).map { prompt, item in prompt.parse(json: item) }
    }
}
