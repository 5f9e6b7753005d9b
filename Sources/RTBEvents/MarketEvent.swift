import RTBCore
import RTBTrace

/// One market event (RTB and scale markets): which scenario, when, and what.
///
/// Canonical bytes: one byte `kind | scenario << 6`, the tick as a varint, then the payload
/// fields in schema order (docs/event-layouts.md). An event's sequence number is its position
/// in the run and is not part of its bytes.
public struct MarketEvent: ModelEvent {
    public var scenario: Scenario
    public var tick: Int64
    public var body: EventBody

    public init(_ scenario: Scenario, tick: Int64, _ body: EventBody) {
        self.scenario = scenario
        self.tick = tick
        self.body = body
    }

    /// The event kind.
    public var kind: EventKind { body.kind }

    /// The kind's name.
    public var kindName: String { kind.description }

    /// Every kind's name, in kind order.
    public static var kindNames: [String] { EventKind.allCases.map(\.description) }

    /// "d03 04:00:00, scenario c".
    public var headline: String { "\(time), scenario \(scenario)" }

    /// The outside answer a `Decision` event records.
    public var decision: DecisionRecord? {
        guard case .decision(let payload) = body else { return nil }
        return DecisionRecord(
            source: payload.source, question: payload.question, answer: payload.answer)
    }

    /// The model call a `ModelCall` event records.
    public var decisionCall: DecisionCall? {
        guard case .modelCall(let payload) = body else { return nil }
        return DecisionCall(
            source: payload.source, prompt: payload.prompt, decisions: Int(payload.decisions),
            cached: payload.cached, inputTokens: payload.inputTokens,
            outputTokens: payload.outputTokens, costNanodollars: payload.costNanodollars)
    }

    /// Simulated time of the event.
    public var time: SimTime { SimTime(tick: tick) }

    /// Appends the canonical bytes.
    @inlinable
    public func encode(into writer: inout CanonicalWriter) {
        writer.u8(body.kind.rawValue | scenario.rawValue << 6)
        writer.varint(UInt64(tick))
        body.encode(into: &writer)
    }

    /// The canonical bytes of this event alone.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter(capacity: 64)
        encode(into: &writer)
        return writer.bytes
    }

    /// Reads one event at the reader's position.
    public static func decode(from reader: inout CanonicalReader) throws(CanonicalError)
        -> MarketEvent
    {
        let at = reader.offset
        let head = try reader.u8()
        guard let kind = EventKind(rawValue: head & 0x3F) else {
            throw .invalidTag(offset: at, tag: UInt64(head & 0x3F), type: "event kind")
        }
        let scenario = Scenario(rawValue: head >> 6)!
        let tick = try reader.int64()
        return MarketEvent(scenario, tick: tick, try EventBody.decode(kind, from: &reader))
    }

    /// Decodes every event in `bytes`; throws on any malformed or trailing byte.
    public static func decodeAll(_ bytes: [UInt8]) throws(CanonicalError) -> [MarketEvent] {
        try decodeEvents(bytes)
    }

    /// All fields, header first: scenario, tick, time, kind, then the payload's.
    public var fields: [EventField] {
        [
            EventField("scenario", .text(scenario.description)),
            EventField("tick", .int(tick)),
            EventField("time", .text(time.description)),
            EventField("kind", .text(kind.description)),
        ] + body.fields
    }
}

/// One bid of an open auction: campaign and CPM in cents.
public struct OpenBid: Equatable, Sendable {
    public var campaign: Int
    public var cents: Int64

    public init(campaign: Int, cents: Int64) {
        self.campaign = campaign
        self.cents = cents
    }
}
