import RTBCore

/// One market event: which scenario, when, and what.
///
/// Canonical bytes: one byte `kind | scenario << 6`, the tick as a varint, then the payload
/// fields in schema order (docs/event-layouts.md). An event's sequence number is its position
/// in the run and is not part of its bytes.
public struct MarketEvent: Equatable, Sendable {
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
        var reader = CanonicalReader(bytes)
        var events: [MarketEvent] = []
        while !reader.isAtEnd {
            events.append(try decode(from: &reader))
        }
        return events
    }

    /// The agent this event is about or from, when it names one.
    public var agent: AgentRef? {
        switch body {
        case .campaignRegistered(let payload): return payload.buyer
        case .productRegistered(let payload): return payload.seller
        case .contextRot(let payload): return payload.agent
        case .recovery(let payload): return payload.agent
        case .hallucination(let payload): return payload.agent
        case .agentKilled(let payload): return payload.agent
        case .agentSnapshot(let payload): return payload.agent
        case .ledgerEntry(let payload): return payload.payer
        default: return nil
        }
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

/// A named field value for text, JSON and divergence reports.
public struct EventField: Equatable, Sendable {
    public var name: String
    public var value: FieldValue

    public init(_ name: String, _ value: FieldValue) {
        self.name = name
        self.value = value
    }
}

/// A field value, rendered exactly (integers as integers, money in micros).
public enum FieldValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int64)
    case unsigned(UInt64)
    case bool(Bool)
    case text(String)
    case bytes([UInt8])
    case bids([OpenBid])

    /// Plain text: integers in decimal, bytes in hex, bids as campaign:cents lists.
    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .unsigned(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .text(let value): return value
        case .bytes(let value): return Self.hex(value)
        case .bids(let bids):
            return "[" + bids.map { "\($0.campaign):\($0.cents)" }.joined(separator: ",") + "]"
        }
    }

    /// JSON text (strings escaped, bids as arrays of [campaign, cents]).
    public var json: String {
        switch self {
        case .int, .unsigned, .bool: return description
        case .text(let value): return JSONText.quote(value)
        case .bytes(let value): return JSONText.quote(Self.hex(value))
        case .bids(let bids):
            return "[" + bids.map { "[\($0.campaign),\($0.cents)]" }.joined(separator: ",") + "]"
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var chars: [UInt8] = []
        chars.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            chars.append(digits[Int(byte >> 4)])
            chars.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: chars, as: UTF8.self)
    }
}

/// A u8-coded enum on the wire.
public protocol WireEnumeration: RawRepresentable where RawValue == UInt8 {}
