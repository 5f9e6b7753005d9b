/// A JSON value that keeps numbers as their original text, so documents re-serialise exactly.
public indirect enum JSONValue: Equatable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Parses JSON text; nil with the byte offset of the first error.
    public static func parse(_ text: String) -> Result<JSONValue, JSONParseError> {
        var parser = Parser(bytes: Array(text.utf8))
        do {
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.offset == parser.bytes.count else {
                throw JSONParseError(offset: parser.offset, reason: "trailing text")
            }
            return .success(value)
        } catch let error as JSONParseError {
            return .failure(error)
        } catch {
            return .failure(JSONParseError(offset: parser.offset, reason: "\(error)"))
        }
    }

    /// Canonical text: object keys sorted, no spaces, numbers as written.
    public var canonicalText: String {
        switch self {
        case .object(let members):
            return "{"
                + members.keys.sorted().map {
                    JSONText.quote($0) + ":" + members[$0]!.canonicalText
                }
                .joined(separator: ",") + "}"
        case .array(let items): return "[" + items.map(\.canonicalText).joined(separator: ",") + "]"
        case .string(let text): return JSONText.quote(text)
        case .number(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    public var int64: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }

    public var double: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// A JSON config's members in key order (a model's config parser switches on the key).
    public func configMembers() throws(ConfigError) -> [(key: String, value: JSONValue)] {
        guard case .object(let members) = self else { throw .malformed("not a JSON object") }
        return members.keys.sorted().map { ($0, members[$0]!) }
    }

    /// This config value as an integer, or the error naming `key`.
    public func configInteger(_ key: String) throws(ConfigError) -> Int64 {
        guard let number = int64 else { throw .invalid(key, "an integer") }
        return number
    }

    /// This config value as a finite number, or the error naming `key`.
    public func configNumber(_ key: String) throws(ConfigError) -> Double {
        guard let number = double, number.isFinite else { throw .invalid(key, "a number") }
        return number
    }

    /// This config value, a number in `range`, in millionths (ppm of a factor, micro-units of
    /// an amount), or the error naming `key` and `expected` (never a trap on a huge number).
    public func configMillionths(_ key: String, in range: ClosedRange<Double>, _ expected: String)
        throws(ConfigError) -> Int64
    {
        let number = try configNumber(key)
        guard range.contains(number), range.upperBound <= 1e12 else {
            throw .invalid(key, expected)
        }
        return Int64((number * 1_000_000).rounded())
    }

    /// This config value as the case of `cases` whose description it spells, or the error
    /// naming `key` and listing the cases.
    public func configChoice<T: CustomStringConvertible>(_ key: String, _ cases: [T])
        throws(ConfigError) -> T
    {
        guard case .string(let name) = self, let found = cases.first(where: { "\($0)" == name })
        else { throw .invalid(key, cases.map { "\($0)" }.joined(separator: ", ")) }
        return found
    }

    /// This config value as an unsigned 64-bit seed, or the error naming `key`.
    public func configSeed(_ key: String) throws(ConfigError) -> UInt64 {
        guard case .number(let text) = self, let seed = UInt64(text) else {
            throw .invalid(key, "an unsigned 64-bit integer")
        }
        return seed
    }

    struct Parser {
        let bytes: [UInt8]
        var offset = 0

        mutating func skipSpace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) {
                offset += 1
            }
        }

        func fail(_ reason: String) -> JSONParseError {
            JSONParseError(offset: offset, reason: reason)
        }

        mutating func expect(_ literal: String) throws {
            let utf8 = Array(literal.utf8)
            guard offset + utf8.count <= bytes.count,
                Array(bytes[offset..<offset + utf8.count]) == utf8
            else {
                throw fail("expected \(literal)")
            }
            offset += utf8.count
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < 64 else { throw fail("nested too deeply") }
            guard offset < bytes.count else { throw fail("unexpected end") }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                var members: [String: JSONValue] = [:]  // determinism-ok: keys are read back sorted (canonicalText)
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                    offset += 1; return .object(members)
                }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    members[key] = try value(depth: depth + 1)
                    skipSpace()
                    if offset < bytes.count, bytes[offset] == UInt8(ascii: ",") {
                        offset += 1; continue
                    }
                    try expect("}")
                    return .object(members)
                }
            case UInt8(ascii: "["):
                offset += 1
                var items: [JSONValue] = []
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                    offset += 1; return .array(items)
                }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    if offset < bytes.count, bytes[offset] == UInt8(ascii: ",") {
                        offset += 1; continue
                    }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default: return .number(try number())
            }
        }

        mutating func number() throws -> String {
            let start = offset
            while offset < bytes.count, "+-0123456789.eE".utf8.contains(bytes[offset]) {
                offset += 1
            }
            let text = String(decoding: bytes[start..<offset], as: UTF8.self)
            guard !text.isEmpty, Double(text) != nil else { throw fail("invalid number") }
            return text
        }

        mutating func string() throws -> String {
            try expect("\"")
            var scalars = String.UnicodeScalarView()
            var chunk: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: chunk, as: UTF8.self).unicodeScalars)
                chunk.removeAll()
            }
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                if byte == UInt8(ascii: "\"") {
                    flush()
                    return String(scalars)
                }
                if byte == UInt8(ascii: "\\") {
                    flush()
                    guard offset < bytes.count else { break }
                    let escape = bytes[offset]
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "u"):
                        guard offset + 4 <= bytes.count,
                            let code = UInt32(
                                String(decoding: bytes[offset..<offset + 4], as: UTF8.self),
                                radix: 16),
                            let scalar = Unicode.Scalar(code)
                        else { throw fail("invalid \\u escape") }
                        offset += 4
                        scalars.append(scalar)
                    default: scalars.append(Unicode.Scalar(escape))
                    }
                } else {
                    chunk.append(byte)
                }
            }
            throw fail("unterminated string")
        }
    }
}

/// Where and why JSON text did not parse.
public struct JSONParseError: Error, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public var description: String { "byte \(offset): \(reason)" }
}
