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
    /// Integer pairs, such as (campaign, cents) bids.
    case pairs([FieldPair])
    /// A binary64 value (prices, quantities of the models that use floating point).
    case real(Double)
    /// A list of binary64 values (a price vector, a bundle).
    case reals([Double])
    /// A list of integers (per-cell counts).
    case ints([Int64])

    /// Plain text: integers in decimal, bytes in hex, pairs as first:second lists.
    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .unsigned(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .text(let value): return value
        case .bytes(let value): return Self.hex(value)
        case .pairs(let pairs):
            return "[" + pairs.map { "\($0.first):\($0.second)" }.joined(separator: ",") + "]"
        case .real(let value): return Self.real(value)
        case .reals(let values): return "[" + values.map(Self.real).joined(separator: ",") + "]"
        case .ints(let values): return "[" + values.map(String.init).joined(separator: ",") + "]"
        }
    }

    /// JSON text (strings escaped, pairs as arrays of [first, second]).
    public var json: String {
        switch self {
        case .int, .unsigned, .bool: return description
        case .text(let value): return JSONText.quote(value)
        case .bytes(let value): return JSONText.quote(Self.hex(value))
        case .pairs(let pairs):
            return "[" + pairs.map { "[\($0.first),\($0.second)]" }.joined(separator: ",") + "]"
        case .real(let value): return Self.jsonReal(value)
        case .reals(let values): return "[" + values.map(Self.jsonReal).joined(separator: ",") + "]"
        case .ints(let values): return "[" + values.map(String.init).joined(separator: ",") + "]"
        }
    }

    /// The shortest decimal that reads back as the same binary64 (Swift's own rendering, which
    /// is exact and platform-independent); "nan", "inf" and "-inf" for the special values.
    static func real(_ value: Double) -> String { value.description }

    /// A JSON number, or a string for the values JSON cannot hold.
    static func jsonReal(_ value: Double) -> String {
        value.isFinite ? value.description : JSONText.quote(value.description)
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

/// Two integers shown together (a bid's campaign and cents, a slot's agent and payment).
public struct FieldPair: Equatable, Sendable {
    public var first: Int64
    public var second: Int64

    public init(_ first: Int64, _ second: Int64) {
        self.first = first
        self.second = second
    }
}
