import Foundation
import RTBTrace

/// Which HTTP API a provider speaks.
public enum LLMProvider: String, Sendable, CaseIterable {
    /// The Anthropic Messages API (POST /v1/messages).
    case anthropic
    /// The OpenAI-compatible chat-completions API (POST /v1/chat/completions): OpenAI, vLLM,
    /// llama.cpp's server, Ollama.
    case openai

    var defaultBaseURL: String {
        switch self {
        case .anthropic: return "https://api.anthropic.com"
        case .openai: return "https://api.openai.com"
        }
    }

    var keyVariable: String {
        switch self {
        case .anthropic: return "ANTHROPIC_API_KEY"
        case .openai: return "OPENAI_API_KEY"
        }
    }
}

/// Where and how the `llm` policy asks, from the process's environment: never part of the
/// canonical config, so a digest never depends on where the model was served.
///
/// - `RTB_LLM_PROVIDER`: anthropic (default) or openai;
/// - `RTB_LLM_BASE_URL`: the server (default the provider's public API);
/// - `RTB_LLM_API_KEY`, else `ANTHROPIC_API_KEY` / `OPENAI_API_KEY`: the key (never written
///   to a ledger or a log); a local server that needs none takes `RTB_LLM_API_KEY=none`;
/// - `RTB_AGENT_MODEL`, `RTB_MANAGER_MODEL` (the seed's names; a `provider/` prefix is
///   dropped): the model of per-item decisions (bids, quotes, counters, asks) and of a buyer's
///   portfolio decisions (RFP targets, offer ranking, accept threshold); default
///   claude-3-5-haiku-20241022, the manager defaulting to the agent's;
/// - `RTB_LLM_TIMEOUT` (seconds, default 30), `RTB_LLM_RETRIES` (default 4);
/// - `RTB_LLM_BATCH`: decisions of one agent and kind asked together answered by one call, at
///   most (default 1: a call per decision; the seed batches 10);
/// - `RTB_LLM_CONCURRENCY`: calls in flight at once, at most (default 4);
/// - `RTB_LLM_PRICES`: dollars per million input and output tokens, "0.80,4.00" (default the
///   price table below for known models, else 0,0).
public struct LLMSettings: Sendable {
    public var provider: LLMProvider
    public var baseURL: String
    public var apiKey: String
    public var agentModel: String
    public var managerModel: String
    public var timeoutSeconds: Double
    public var retries: Int
    public var inputDollarsPerMillion: Double
    public var outputDollarsPerMillion: Double
    /// Decisions of one agent and kind answered by one call, at most.
    public var batchSize: Int
    /// Calls in flight at once, at most.
    public var concurrency: Int

    /// Dollars per million tokens (input, output) of the models the seed names.
    public static let priceTable: [(model: String, input: Double, output: Double)] = [
        ("claude-3-haiku-20240307", 0.25, 1.25),
        ("claude-3-5-haiku-20241022", 0.80, 4.00),
        ("claude-3-5-sonnet-20241022", 3.00, 15.00),
        ("claude-sonnet-4-20250514", 3.00, 15.00),
        ("claude-3-opus-20240229", 15.00, 75.00),
    ]

    /// Reads the settings; throws one line naming the variable that is missing or invalid.
    public init(environment: [String: String]) throws {
        let providerName = environment["RTB_LLM_PROVIDER"] ?? "anthropic"
        guard let provider = LLMProvider(rawValue: providerName) else {
            throw ConfigError.invalid("RTB_LLM_PROVIDER '\(providerName)'", "anthropic or openai")
        }
        self.provider = provider
        baseURL = environment["RTB_LLM_BASE_URL"] ?? provider.defaultBaseURL
        guard let url = URL(string: baseURL), url.scheme == "http" || url.scheme == "https" else {
            throw ConfigError.invalid("RTB_LLM_BASE_URL '\(baseURL)'", "an http or https URL")
        }
        guard let key = environment["RTB_LLM_API_KEY"] ?? environment[provider.keyVariable],
            !key.isEmpty
        else {
            throw LLMError(
                "--policy llm needs an API key: set RTB_LLM_API_KEY or \(provider.keyVariable) "
                    + "(RTB_LLM_API_KEY=none for a local server without keys)")
        }
        apiKey = key
        func model(_ name: String?) -> String? {
            guard let name, !name.isEmpty else { return nil }
            return name.split(separator: "/", maxSplits: 1).last.map(String.init)
        }
        agentModel = model(environment["RTB_AGENT_MODEL"]) ?? "claude-3-5-haiku-20241022"
        managerModel = model(environment["RTB_MANAGER_MODEL"]) ?? agentModel
        timeoutSeconds = Double(environment["RTB_LLM_TIMEOUT"] ?? "30") ?? -1
        guard timeoutSeconds > 0 else {
            throw ConfigError.invalid("RTB_LLM_TIMEOUT", "seconds above 0")
        }
        retries = Int(environment["RTB_LLM_RETRIES"] ?? "4") ?? -1
        guard (0...20).contains(retries) else {
            throw ConfigError.invalid("RTB_LLM_RETRIES", "0...20")
        }
        batchSize = Int(environment["RTB_LLM_BATCH"] ?? "1") ?? 0
        guard (1...100).contains(batchSize) else {
            throw ConfigError.invalid("RTB_LLM_BATCH", "1...100 decisions a call")
        }
        concurrency = Int(environment["RTB_LLM_CONCURRENCY"] ?? "4") ?? 0
        guard (1...64).contains(concurrency) else {
            throw ConfigError.invalid("RTB_LLM_CONCURRENCY", "1...64 calls in flight")
        }
        if let prices = environment["RTB_LLM_PRICES"] {
            let parts = prices.split(separator: ",").map {
                Double($0.trimmingCharacters(in: .whitespaces))
            }
            guard parts.count == 2, let input = parts[0], let output = parts[1], input >= 0,
                output >= 0
            else {
                throw ConfigError.invalid(
                    "RTB_LLM_PRICES '\(prices)'", "input,output dollars per million tokens")
            }
            inputDollarsPerMillion = input
            outputDollarsPerMillion = output
        } else {
            let model = agentModel
            let known = Self.priceTable.first { $0.model == model }
            inputDollarsPerMillion = known?.input ?? 0
            outputDollarsPerMillion = known?.output ?? 0
        }
    }

    /// The cost of a call in dollars x 10^9 (each side rounded to the nanodollar).
    public func nanodollars(inputTokens: Int, outputTokens: Int) -> Int64 {
        Int64((Double(inputTokens) * inputDollarsPerMillion * 1_000).rounded())
            + Int64((Double(outputTokens) * outputDollarsPerMillion * 1_000).rounded())
    }
}
