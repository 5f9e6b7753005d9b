import Foundation
import RTBCore
import RTBMarket
import RTBTrace

/// The `llm` policy's decision source: each trading question becomes a prompt to the agent or
/// manager model; the reply is read strictly; an invalid reply falls back to the rule-based
/// answer, recorded with the source "<provider>:<model>:fallback". Calls, tokens and dollars
/// are counted, a budget stops the run, and a cache can answer repeated prompts.
public final class LLMDecisionService: DecisionSource {
    public let settings: LLMSettings
    let client: LLMClient
    let market: Market
    let rules: RuleBasedService
    let cache: LLMCache?
    let budget: Double?
    /// `RTB_LLM_ESCALATE=edge-cases`: the decision tree answers common cases.
    let escalatesEdgeCasesOnly: Bool
    public private(set) var usage = LLMUsage()

    public var name: String { "\(settings.provider.rawValue):\(settings.agentModel)" }

    /// `RTB_LLM_BUDGET` (dollars) and `RTB_LLM_CACHE` come from `environment` too.
    public init(config: MarketConfig, environment: [String: String]) throws {
        settings = try LLMSettings(environment: environment)
        client = LLMClient(settings: settings)
        market = Market(config: config)
        rules = RuleBasedService(config: config)
        switch environment["RTB_LLM_ESCALATE"] ?? "all" {
        case "all": escalatesEdgeCasesOnly = false
        case "edge-cases": escalatesEdgeCasesOnly = true
        case let other:
            throw ConfigError.invalid("RTB_LLM_ESCALATE '\(other)'", "all or edge-cases")
        }
        // A resumed recording starts from what its ledger's calls already cost.
        usage.dollars = Double(environment["RTB_LLM_SPENT"] ?? "0") ?? 0
        if let text = environment["RTB_LLM_BUDGET"] {
            guard let dollars = Double(text), dollars >= 0 else {
                throw ConfigError.invalid("--llm-budget '\(text)'", "dollars, 0 or more")
            }
            budget = dollars
        } else {
            budget = nil
        }
        if let path = environment["RTB_LLM_CACHE"], !path.isEmpty {
            let hours = Double(environment["RTB_LLM_CACHE_TTL_HOURS"] ?? "24") ?? -1
            guard hours > 0 else {
                throw ConfigError.invalid("RTB_LLM_CACHE_TTL_HOURS", "hours above 0")
            }
            cache = try LLMCache(path: path, ttlHours: hours)
        } else {
            cache = nil
        }
    }

    public func answer(_ question: [UInt8]) throws -> [UInt8] { try reply(to: question).answer }

    public func reply(to question: [UInt8]) throws -> DecisionReply {
        var reader = CanonicalReader(question)
        let decoded = try TradingQuestion(from: &reader)
        try reader.expectEnd()
        if escalatesEdgeCasesOnly && !DecisionTree.escalates(decoded, market: market) {
            usage.treeAnswers += 1
            return DecisionReply(
                answer: try rules.answer(question), source: "decision-tree",
                measurements: [("llm.tree_answer", 1, "count")])
        }
        let prompt = try DecisionPrompt(decoded, market: market)
        let model = prompt.role == .manager ? settings.managerModel : settings.agentModel
        let source = "\(settings.provider.rawValue):\(model)"
        let key = LLMCache.key(
            provider: settings.provider.rawValue, model: model, system: prompt.system,
            user: prompt.user)
        let now = Date().timeIntervalSince1970  // determinism-ok: cache freshness, outside the engine
        var measurements: [(name: String, value: Double, unit: String)] = []
        let text: String
        if let cached = cache?.lookUp(key, now: now) {
            text = cached
            usage.cacheHits += 1
            measurements.append(("llm.cache_hit", 1, "count"))
        } else {
            if let budget, usage.dollars >= budget {
                throw LLMError(
                    String(
                        format:
                            "--llm-budget $%.4f reached ($%.4f spent, %d calls in this process); the ledger keeps every committed decision: continue with rtb-verify record --resume and a larger --llm-budget",
                        budget, usage.dollars, usage.calls))
            }
            let reply = try client.complete(
                system: prompt.system, prompt: prompt.user, model: model)
            let dollars = settings.dollars(
                inputTokens: reply.inputTokens, outputTokens: reply.outputTokens)
            usage.add(reply, dollars: dollars)
            measurements += [
                ("llm.input_tokens", Double(reply.inputTokens), "tokens"),
                ("llm.output_tokens", Double(reply.outputTokens), "tokens"),
                ("llm.cost", dollars, "usd"),
            ]
            text = reply.text
            cache?.store(key, text: text, now: now)
        }
        if let answer = prompt.parse(text) {
            return DecisionReply(
                answer: answer.canonicalBytes, source: source, measurements: measurements)
        }
        usage.fallbacks += 1
        measurements.append(("llm.fallback", 1, "count"))
        return DecisionReply(
            answer: try rules.answer(question), source: source + ":fallback",
            measurements: measurements)
    }
}
