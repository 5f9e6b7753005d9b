import RTBCore

/// One event of a model, decoded. Its canonical bytes are the model's own layout (generated
/// and documented per model); the harness only needs to decode, render and compare them.
public protocol ModelEvent: Equatable, Sendable {
    /// Reads one event at the reader's position.
    static func decode(from reader: inout CanonicalReader) throws(CanonicalError) -> Self
    /// The kind's name ("DealAgreed").
    var kindName: String { get }
    /// Every kind's name, in kind order (what `dump --kind` and `export --kind` accept).
    static var kindNames: [String] { get }
    /// Where and when it happened, for a divergence headline ("d03 04:00:00, scenario c").
    var headline: String { get }
    /// Every field, header fields first, for text, JSON lines and divergence reports.
    var fields: [EventField] { get }
    /// The answer recorded when this event records a decision taken outside the engine.
    var decision: DecisionRecord? { get }
    /// The model call recorded when this event records one (it precedes the decisions it
    /// answered).
    var decisionCall: DecisionCall? { get }
}

extension ModelEvent {
    /// Models whose decisions never call a model record no calls.
    public var decisionCall: DecisionCall? { nil }
}

extension ModelEvent {
    /// Decodes every event in `bytes`; throws on any malformed or trailing byte.
    public static func decodeEvents(_ bytes: [UInt8]) throws(CanonicalError) -> [Self] {
        var reader = CanonicalReader(bytes)
        var events: [Self] = []
        while !reader.isAtEnd { events.append(try decode(from: &reader)) }
        return events
    }
}
