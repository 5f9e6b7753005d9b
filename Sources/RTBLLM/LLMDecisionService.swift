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
        try replies(to: [question])[0]
    }

    /// The recorded source suffix of an invalid answer replaced by the rules.
    public static let fallbackSuffix = ":fallback"

    /// The decision tree answers what it can; the rest go to the model, one agent's decisions
    /// of one kind batched up to `RTB_LLM_BATCH` a call, the cache answering prompts it holds
    /// and the calls made up to `RTB_LLM_CONCURRENCY` at once. The replies come back in the
    /// questions' order whatever the calls' timing, so the run does not depend on it.
    public func replies(to questions: [[UInt8]]) throws -> [DecisionReply] {
        var replies = [DecisionReply?](repeating: nil, count: questions.count)
        usage.decisions += questions.count
        var batches: [(positions: [Int], prompts: [DecisionPrompt])] = []
        for (position, bytes) in questions.enumerated() {
            var reader = CanonicalReader(bytes)
            let decoded = try TradingQuestion(from: &reader)
            try reader.expectEnd()
            if escalatesEdgeCasesOnly && !DecisionTree.escalates(decoded, market: market) {
                usage.treeAnswers += 1
                replies[position] = DecisionReply(
                    answer: try rules.answer(bytes), source: DecisionTree.source)
                continue
            }
            let prompt = try DecisionPrompt(decoded, market: market)
            if let last = batches.last?.prompts, last.count < settings.batchSize,
                last[0].agent == prompt.agent, last[0].decision == prompt.decision,
                last[0].role == prompt.role
            {
                batches[batches.count - 1].positions.append(position)
                batches[batches.count - 1].prompts.append(prompt)
            } else {
                batches.append(([position], [prompt]))
            }
        }
        let calls = batches.map { PlannedCall(DecisionBatchPrompt($0.prompts), settings: settings) }
        let texts = try complete(calls)
        for ((positions, _), (call, (text, record, latency))) in zip(batches, zip(calls, texts)) {
            let answers = call.batch.parse(text)
            for (index, (position, answer)) in zip(positions, answers).enumerated() {
                var reply: DecisionReply
                if let answer {
                    reply = DecisionReply(answer: answer.canonicalBytes, source: call.source)
                } else {
                    usage.fallbacks += 1
                    reply = DecisionReply(
                        answer: try rules.answer(questions[position]),
                        source: call.source + Self.fallbackSuffix)
                }
                if index == 0 {
                    reply.call = record
                    if let latency { reply.callMeasurements = [("llm.latency", latency, "ms")] }
                }
                replies[position] = reply
            }
        }
        return replies.map { $0! }
    }

    /// One call to make: its prompt, model and cache key.
    struct PlannedCall {
        let batch: DecisionBatchPrompt
        let model: String
        let source: String
        let key: String
        let digest: Digest32

        init(_ batch: DecisionBatchPrompt, settings: LLMSettings) {
            self.batch = batch
            model = batch.prompts[0].role == .manager ? settings.managerModel : settings.agentModel
            source = "\(settings.provider.rawValue):\(model)"
            key = LLMCache.key(
                provider: settings.provider.rawValue, model: model, system: batch.system,
                user: batch.user)
            digest = Sha256.hash(Array(batch.system.utf8) + [0] + Array(batch.user.utf8))
        }
    }

    /// Each call's reply text, its record, and its latency in ms (nil for a cache hit): the
    /// cache first, then the network in waves of `concurrency` calls, the budget checked before
    /// each wave (a wave may overshoot it by its own cost).
    func complete(_ calls: [PlannedCall]) throws -> [(String, DecisionCall, Double?)] {
        let now = Date().timeIntervalSince1970  // determinism-ok: cache freshness, outside the engine
        var results = [(String, DecisionCall, Double?)?](repeating: nil, count: calls.count)
        var uncached: [Int] = []
        for (index, call) in calls.enumerated() {
            if let text = cache?.lookUp(call.key, now: now) {
                usage.cacheHits += call.batch.prompts.count
                results[index] = (
                    text,
                    DecisionCall(
                        source: call.source, prompt: call.digest,
                        decisions: call.batch.prompts.count, cached: true, inputTokens: 0,
                        outputTokens: 0, costNanodollars: 0),
                    nil
                )
            } else {
                uncached.append(index)
            }
        }
        var start = 0
        while start < uncached.count {
            if let budget, usage.dollars >= budget {
                throw LLMError(
                    String(
                        format:
                            "--llm-budget $%.4f reached ($%.4f spent, %d calls in this process); the ledger keeps every committed decision: continue with rtb-verify record --resume and a larger --llm-budget",
                        budget, usage.dollars, usage.calls))
            }
            let wave = Array(uncached[start..<min(uncached.count, start + settings.concurrency)])
            start += wave.count
            let outcomes = CallWave(client: client).run(wave.map { calls[$0] })
            for (index, outcome) in zip(wave, outcomes) {
                let (reply, latency) = try outcome.get()
                let call = calls[index]
                let cost = settings.nanodollars(
                    inputTokens: reply.inputTokens, outputTokens: reply.outputTokens)
                usage.add(reply, dollars: Double(cost) / 1e9)
                cache?.store(call.key, text: reply.text, now: now)
                results[index] = (
                    reply.text,
                    DecisionCall(
                        source: call.source, prompt: call.digest,
                        decisions: call.batch.prompts.count, cached: false,
                        inputTokens: Int64(reply.inputTokens),
                        outputTokens: Int64(reply.outputTokens), costNanodollars: cost),
                    latency
                )
            }
        }
        return results.map { $0! }
    }
}

/// Calls made at once, each on its own thread; the outcomes in the calls' order.
struct CallWave: @unchecked Sendable {
    let client: LLMClient

    func run(_ calls: [LLMDecisionService.PlannedCall]) -> [Result<(LLMReply, Double), Error>] {
        if calls.count == 1 { return [make(calls[0])] }
        let outcomes = OutcomeSlots(count: calls.count)
        let group = DispatchGroup()
        for (index, call) in calls.enumerated() {
            group.enter()
            let thread = Thread {
                outcomes.set(index, make(call))
                group.leave()
            }
            thread.start()
        }
        group.wait()
        return outcomes.values
    }

    /// One call, timed.
    func make(_ call: LLMDecisionService.PlannedCall) -> Result<(LLMReply, Double), Error> {
        let started = DispatchTime.now().uptimeNanoseconds  // determinism-ok: a measurement
        let outcome = Result {
            try client.complete(
                system: call.batch.system, prompt: call.batch.user, model: call.model,
                maxTokens: call.batch.maxTokens)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6  // determinism-ok: a measurement
        return outcome.map { ($0, elapsed) }
    }
}

/// Results written by the wave's threads, read after they all finished.
final class OutcomeSlots: @unchecked Sendable {
    let lock = NSLock()
    var slots: [Result<(LLMReply, Double), Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: Result<(LLMReply, Double), Error>) {
        lock.lock()
        slots[index] = outcome
        lock.unlock()
    }

    var values: [Result<(LLMReply, Double), Error>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}
