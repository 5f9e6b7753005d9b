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

    public init(source: String, question: Digest32, answer: [UInt8]) {
        self.source = source
        self.question = question
        self.answer = answer
    }
}

/// The one chokepoint through which a run asks for a decision it cannot take alone. The
/// harness serves it: live from a `DecisionSource` while recording, from the ledger's recorded
/// answers on replay, and recorded-then-live when a recording resumes. The run must emit the
/// returned record as an event before using the answer.
public protocol DecisionChannel: AnyObject {
    /// The answer to `question` (canonical bytes), with its record; `sequence` is the sequence
    /// number the decision's event will take (measurements about the call are filed under it).
    func ask(_ question: [UInt8], at sequence: UInt64) throws -> DecisionRecord
}

/// Something outside the engine that answers questions (an LLM client, a test oracle).
public protocol DecisionSource: AnyObject {
    /// Recorded as the decision's source.
    var name: String { get }
    /// The answer's canonical bytes.
    func answer(_ question: [UInt8]) throws -> [UInt8]
    /// The answer with the source to record (a source may say how it answered: a fallback)
    /// and measurements about the call (tokens, dollars, cache hits), kept outside every digest.
    func reply(to question: [UInt8]) throws -> DecisionReply
}

extension DecisionSource {
    public func reply(to question: [UInt8]) throws -> DecisionReply {
        DecisionReply(answer: try answer(question), source: name)
    }
}

/// A source's answer, who gave it, and what the call cost.
public struct DecisionReply: Sendable {
    public var answer: [UInt8]
    public var source: String
    /// (name, value, unit) measurements about the call.
    public var measurements: [(name: String, value: Double, unit: String)]

    public init(
        answer: [UInt8], source: String,
        measurements: [(name: String, value: Double, unit: String)] = []
    ) {
        self.answer = answer
        self.source = source
        self.measurements = measurements
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
