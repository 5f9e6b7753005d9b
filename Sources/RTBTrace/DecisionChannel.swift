import RTBCore

/// A decision answered outside the engine (an outside service, a model behind an API), as the
/// model records it in an event: replay and resume serve the recorded answer and never ask
/// again.
public struct DecisionRecord: Equatable, Sendable {
    /// Who answered ("anthropic:claude-haiku-4-5", "test-oracle").
    public var source: String
    /// SHA-256 of the question's canonical bytes.
    public var question: Digest32
    /// The answer's canonical bytes.
    public var answer: [UInt8]
    /// The call to a model that answered this decision, on the first decision it answered
    /// (a call may answer several); nil for the others and for answers taken without one. The
    /// run records it as its own event, before the decision.
    public var call: DecisionCall?

    public init(source: String, question: Digest32, answer: [UInt8], call: DecisionCall? = nil) {
        self.source = source
        self.question = question
        self.answer = answer
        self.call = call
    }
}

/// One call to a model (or a cache hit standing in for one), as recorded: what was asked, how
/// many decisions it answered, and what it cost. Tokens are the server's counts; the cost
/// follows from them and the price table, in nanodollars so that it is exact. Latency is a
/// measurement, never part of this record.
public struct DecisionCall: Equatable, Sendable {
    /// "<provider>:<model>".
    public var source: String
    /// SHA-256 of the prompt (system prompt, a zero byte, user prompt) sent.
    public var prompt: Digest32
    /// Decisions the call answered (the batch's size).
    public var decisions: Int
    /// Whether the response cache answered (then tokens and cost are 0: nothing was paid).
    public var cached: Bool
    public var inputTokens: Int64
    public var outputTokens: Int64
    /// Dollars times 10^9.
    public var costNanodollars: Int64

    public init(
        source: String, prompt: Digest32, decisions: Int, cached: Bool, inputTokens: Int64,
        outputTokens: Int64, costNanodollars: Int64
    ) {
        self.source = source
        self.prompt = prompt
        self.decisions = decisions
        self.cached = cached
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.costNanodollars = costNanodollars
    }
}

/// The one chokepoint through which a run asks for a decision it cannot take alone. The
/// harness serves it: live from a `DecisionSource` while recording, from the ledger's recorded
/// answers on replay, and recorded-then-live when a recording resumes. The run must emit the
/// returned record as an event before using the answer.
public protocol DecisionChannel: AnyObject {
    /// The answer to `question` (canonical bytes), with its record; `sequence` is the sequence
    /// number the record's first event will take (its call's, if it has one, else the
    /// decision's): measurements about the call and the decision are filed under their events.
    func ask(_ question: [UInt8], at sequence: UInt64) throws -> DecisionRecord
    /// The answers to independent questions asked together, in order; `sequence` is the
    /// sequence number the first record's first event will take (its call's event, if it has
    /// one, else its decision's). A record's call event precedes its decision event.
    func askBatch(_ questions: [[UInt8]], at sequence: UInt64) throws -> [DecisionRecord]
}

extension DecisionChannel {
    /// One question after the other.
    public func askBatch(_ questions: [[UInt8]], at sequence: UInt64) throws -> [DecisionRecord] {
        var records: [DecisionRecord] = []
        var next = sequence
        for question in questions {
            let record = try ask(question, at: next)
            next += record.eventCount
            records.append(record)
        }
        return records
    }
}

extension DecisionRecord {
    /// Events the run records for it: its call's, if any, and its own.
    public var eventCount: UInt64 { call == nil ? 1 : 2 }
}

/// Something outside the engine that answers questions (an LLM client, a test oracle).
public protocol DecisionSource: AnyObject {
    /// Recorded as the decision's source.
    var name: String { get }
    /// The answer's canonical bytes.
    func answer(_ question: [UInt8]) throws -> [UInt8]
    /// Replies to independent questions asked together, in order (a source may batch them into
    /// fewer calls and make its calls concurrently).
    func replies(to questions: [[UInt8]]) throws -> [DecisionReply]
    /// The answer with the source to record (a source may say how it answered: a fallback)
    /// and measurements about the call (tokens, dollars, cache hits), kept outside every digest.
    func reply(to question: [UInt8]) throws -> DecisionReply
}

extension DecisionSource {
    public func reply(to question: [UInt8]) throws -> DecisionReply {
        DecisionReply(answer: try answer(question), source: name)
    }

    public func replies(to questions: [[UInt8]]) throws -> [DecisionReply] {
        try questions.map { try reply(to: $0) }
    }
}

/// A source's answer, who gave it, and what the call cost.
public struct DecisionReply: Sendable {
    public var answer: [UInt8]
    public var source: String
    /// (name, value, unit) measurements about the call.
    public var measurements: [(name: String, value: Double, unit: String)]
    /// The model call that answered, on the first reply it answered.
    public var call: DecisionCall?
    /// Measurements about that call (its latency), filed under its event.
    public var callMeasurements: [(name: String, value: Double, unit: String)]

    public init(
        answer: [UInt8], source: String,
        measurements: [(name: String, value: Double, unit: String)] = [],
        call: DecisionCall? = nil,
        callMeasurements: [(name: String, value: Double, unit: String)] = []
    ) {
        self.answer = answer
        self.source = source
        self.measurements = measurements
        self.call = call
        self.callMeasurements = callMeasurements
    }
}

/// The channel of runs whose decisions are all taken inside the engine.
public final class NoDecisions: DecisionChannel {
    public init() {}

    public func ask(_ question: [UInt8], at sequence: UInt64) throws -> DecisionRecord {
        throw DecisionError.noSource
    }
}

/// Why a decision could not be served.
public enum DecisionError: Error, Equatable, CustomStringConvertible {
    /// The run asked, but nothing can answer (no source configured).
    case noSource
    /// Replay asked more decisions than the ledger recorded, and there is no live source.
    case notRecorded(index: Int)

    public var description: String {
        switch self {
        case .noSource: return "the run asked for an outside decision but has no decision source"
        case .notRecorded(let index):
            return "decision \(index) was not recorded and no live source is available"
        }
    }
}
