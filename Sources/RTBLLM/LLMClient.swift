import Dispatch
import Foundation
import RTBTrace

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One model's reply: its text and the tokens the server counted.
public struct LLMReply: Equatable, Sendable {
    public var text: String
    public var inputTokens: Int
    public var outputTokens: Int
}

/// Why a call failed, in one line (exit 1 from the command).
public struct LLMError: Error, CustomStringConvertible, Equatable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Speaks one provider's API over HTTP: builds the request, retries 429 and 5xx with backoff
/// (honouring Retry-After), times out, and reads the reply's text and token counts. Calls may
/// run on several threads at once.
public final class LLMClient: @unchecked Sendable {
    let settings: LLMSettings
    let session: URLSession

    public init(settings: LLMSettings) {
        self.settings = settings
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = settings.timeoutSeconds
        configuration.timeoutIntervalForResource = settings.timeoutSeconds
        session = URLSession(configuration: configuration)
    }

    /// The model's reply to `prompt` under `system`.
    public func complete(system: String, prompt: String, model: String, maxTokens: Int = 256)
        throws -> LLMReply
    {
        let request = try makeRequest(
            system: system, prompt: prompt, model: model, maxTokens: maxTokens)
        var attempt = 0
        while true {
            let (status, body, retryAfter) = try send(request)
            if status == 200 { return try parse(body, model: model) }
            let retriable = status == 429 || (500...599).contains(status)
            if !retriable || attempt >= settings.retries {
                let attempts = retriable ? " (\(attempt + 1) attempts)" : ""
                if status == 599 {
                    throw LLMError(
                        "cannot reach \(settings.provider.rawValue) at \(settings.baseURL)"
                            + Self.reason(body) + attempts)
                }
                throw LLMError(
                    "\(settings.provider.rawValue) at \(settings.baseURL) answered HTTP \(status) "
                        + "for model \(model)" + Self.reason(body) + attempts)
            }
            let wait = retryAfter ?? min(8, 0.5 * Double(1 << attempt))
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }  // determinism-ok: outside the engine
            attempt += 1
        }
    }

    func makeRequest(system: String, prompt: String, model: String, maxTokens: Int) throws
        -> URLRequest
    {
        let path: String
        let body: String
        switch settings.provider {
        case .anthropic:
            path = "/v1/messages"
            body =
                "{\"max_tokens\":\(maxTokens),\"messages\":[{\"content\":\(JSONText.quote(prompt)),"
                + "\"role\":\"user\"}],\"model\":\(JSONText.quote(model)),\"system\":\(JSONText.quote(system)),"
                + "\"temperature\":0}"
        case .openai:
            path = "/v1/chat/completions"
            body =
                "{\"max_tokens\":\(maxTokens),\"messages\":[{\"content\":\(JSONText.quote(system)),"
                + "\"role\":\"system\"},{\"content\":\(JSONText.quote(prompt)),\"role\":\"user\"}],"
                + "\"model\":\(JSONText.quote(model)),\"temperature\":0}"
        }
        let base =
            settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL
        guard let url = URL(string: base + path) else {
            throw LLMError("RTB_LLM_BASE_URL '\(settings.baseURL)' does not make a URL")
        }
        var request = URLRequest(url: url, timeoutInterval: settings.timeoutSeconds)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        switch settings.provider {
        case .anthropic:
            request.setValue(settings.apiKey, forHTTPHeaderField: "x-api-key")
            request.setValue("2023-06-01", forHTTPHeaderField: "anthropic-version")
        case .openai:
            request.setValue("Bearer " + settings.apiKey, forHTTPHeaderField: "authorization")
        }
        return request
    }

    /// Sends once: status, body, Retry-After seconds. A transport failure (refused, timed out)
    /// counts as a retriable status 599 until the retries run out, then throws.
    func send(_ request: URLRequest) throws -> (Int, Data, Double?) {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, Data, Double?)?
        nonisolated(unsafe) var failure: Error?
        session.dataTask(with: request) { data, response, error in
            if let error {
                failure = error
            } else if let http = response as? HTTPURLResponse {
                let retry = (http.value(forHTTPHeaderField: "retry-after")).flatMap(Double.init)
                result = (http.statusCode, data ?? Data(), retry)
            }
            done.signal()
        }.resume()
        done.wait()
        if let result { return result }
        let reason =
            (failure as? URLError).map { Self.transport($0) }
            ?? "\(failure.map { "\($0)" } ?? "no response")"
        return (599, Data(("{\"error\":{\"message\":" + JSONText.quote(reason) + "}}").utf8), nil)
    }

    static func transport(_ error: URLError) -> String {
        switch error.code {
        case .timedOut: return "timed out"
        case .cannotConnectToHost, .cannotFindHost, .networkConnectionLost: return "unreachable"
        default: return "transport error \(error.code.rawValue)"
        }
    }

    /// ": message" from an error body, when it has one.
    static func reason(_ body: Data) -> String {
        guard case .success(let json) = JSONValue.parse(String(decoding: body, as: UTF8.self)),
            let message = json["error"]?["message"]?.stringValue
        else { return "" }
        return ": " + message
    }

    /// The reply's text and token counts, from either API's response shape.
    func parse(_ body: Data, model: String) throws -> LLMReply {
        let text = String(decoding: body, as: UTF8.self)
        guard case .success(let json) = JSONValue.parse(text) else {
            throw LLMError("\(settings.provider.rawValue) reply for \(model) is not JSON")
        }
        switch settings.provider {
        case .anthropic:
            guard let blocks = json["content"]?.arrayValue,
                let answer = blocks.first(where: { $0["type"]?.stringValue == "text" })?["text"]?
                    .stringValue,
                let input = json["usage"]?["input_tokens"]?.int64,
                let output = json["usage"]?["output_tokens"]?.int64
            else { throw LLMError("anthropic reply for \(model) lacks content text or usage") }
            return LLMReply(text: answer, inputTokens: Int(input), outputTokens: Int(output))
        case .openai:
            guard let choices = json["choices"]?.arrayValue,
                let answer = choices.first?["message"]?["content"]?.stringValue,
                let input = json["usage"]?["prompt_tokens"]?.int64,
                let output = json["usage"]?["completion_tokens"]?.int64
            else { throw LLMError("openai reply for \(model) lacks a message or usage") }
            return LLMReply(text: answer, inputTokens: Int(input), outputTokens: Int(output))
        }
    }
}
