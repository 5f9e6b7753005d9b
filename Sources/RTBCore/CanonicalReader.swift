/// Reads the canonical encoding back, rejecting truncation, non-minimal varints and garbage.
public struct CanonicalReader: Sendable {
    /// The whole buffer.
    public let bytes: [UInt8]
    /// The next byte to read.
    public private(set) var offset: Int
    /// One past the last readable byte.
    public let end: Int

    /// A reader over `bytes[start..<end]` (the whole array by default).
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        offset = start
        self.end = end ?? bytes.count
    }

    /// Bytes left to read.
    public var remaining: Int { end - offset }
    /// True when every byte was read.
    public var isAtEnd: Bool { offset == end }

    @inlinable
    mutating func need(_ count: Int) throws(CanonicalError) {
        if end - offset < count {
            throw .truncated(offset: offset, needed: count, available: end - offset)
        }
    }

    public mutating func u8() throws(CanonicalError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func bool() throws(CanonicalError) -> Bool {
        let at = offset
        switch try u8() {
        case 0: return false
        case 1: return true
        case let other: throw .invalidBool(offset: at, value: other)
        }
    }

    public mutating func u16() throws(CanonicalError) -> UInt16 {
        UInt16(truncatingIfNeeded: try fixed(2))
    }

    public mutating func u32() throws(CanonicalError) -> UInt32 {
        UInt32(truncatingIfNeeded: try fixed(4))
    }

    public mutating func u64() throws(CanonicalError) -> UInt64 { try fixed(8) }

    public mutating func i64() throws(CanonicalError) -> Int64 { Int64(bitPattern: try fixed(8)) }

    public mutating func f64() throws(CanonicalError) -> Double { Double(bitPattern: try fixed(8)) }

    mutating func fixed(_ width: Int) throws(CanonicalError) -> UInt64 {
        try need(width)
        var value: UInt64 = 0
        for index in 0..<width {
            value |= UInt64(bytes[offset + index]) << UInt64(8 * index)
        }
        offset += width
        return value
    }

    /// Unsigned LEB128; rejects non-minimal forms and values over 64 bits.
    public mutating func varint() throws(CanonicalError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            if offset >= end {
                throw .truncated(offset: start, needed: offset - start + 1, available: end - start)
            }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw .varintOverflow(offset: start) }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 { throw .overlongVarint(offset: start) }
                return value
            }
            shift += 7
        }
    }

    /// A varint that must fit in a non-negative Int no larger than `limit`.
    public mutating func count(limit: Int = Int(Int32.max)) throws(CanonicalError) -> Int {
        let at = offset
        let value = try varint()
        if value > UInt64(limit) {
            throw .valueOutOfRange(offset: at, value: value, limit: UInt64(limit))
        }
        return Int(value)
    }

    /// A list's element count: at most `limit` and at most the bytes left, since every element
    /// takes at least one byte. A reader may reserve room for that many elements: a forged
    /// count cannot make it allocate more than the input's size.
    public mutating func elementCount(limit: Int = Int(Int32.max)) throws(CanonicalError) -> Int {
        let at = offset
        let count = try self.count(limit: limit)
        if count > remaining {
            throw .truncated(offset: at, needed: count, available: remaining)
        }
        return count
    }

    /// Zigzag LEB128.
    public mutating func signedVarint() throws(CanonicalError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A varint count, then that many `f64` values (a forged count fails before allocating).
    public mutating func reals() throws(CanonicalError) -> [Double] {
        let count = try elementCount()
        try need(count * 8)
        var values: [Double] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try f64()) }
        return values
    }

    /// A varint count, then that many zigzag varints (a forged count fails before allocating:
    /// each takes at least one byte).
    public mutating func signedVarints() throws(CanonicalError) -> [Int64] {
        let count = try elementCount()
        try need(count)
        var values: [Int64] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try signedVarint()) }
        return values
    }

    public mutating func byteString() throws(CanonicalError) -> [UInt8] {
        let length = try count()
        try need(length)
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }

    public mutating func string() throws(CanonicalError) -> String {
        let at = offset
        let raw = try byteString()
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw .invalidUTF8(offset: at)
        }
        return text
    }

    /// `count` raw bytes.
    public mutating func raw(_ count: Int) throws(CanonicalError) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Throws unless every byte was consumed.
    public func expectEnd() throws(CanonicalError) {
        if offset != end { throw .trailingBytes(offset: offset, count: end - offset) }
    }
}

/// Why canonical bytes could not be read.
public enum CanonicalError: Error, Equatable, CustomStringConvertible {
    case truncated(offset: Int, needed: Int, available: Int)
    case overlongVarint(offset: Int)
    case varintOverflow(offset: Int)
    case valueOutOfRange(offset: Int, value: UInt64, limit: UInt64)
    case trailingBytes(offset: Int, count: Int)
    case invalidUTF8(offset: Int)
    case invalidBool(offset: Int, value: UInt8)
    case invalidTag(offset: Int, tag: UInt64, type: String)
    case wrongCount(offset: Int, count: Int, expected: Int, what: String)
    case invalidRows(offset: Int, reason: String)

    public var description: String {
        switch self {
        case .truncated(let offset, let needed, let available):
            return "truncated at byte \(offset): needed \(needed) bytes, \(available) left"
        case .overlongVarint(let offset):
            return "non-minimal varint at byte \(offset)"
        case .varintOverflow(let offset):
            return "varint over 64 bits at byte \(offset)"
        case .valueOutOfRange(let offset, let value, let limit):
            return "value \(value) at byte \(offset) exceeds the limit \(limit)"
        case .trailingBytes(let offset, let count):
            return "\(count) trailing bytes at byte \(offset)"
        case .invalidUTF8(let offset):
            return "invalid UTF-8 string at byte \(offset)"
        case .invalidBool(let offset, let value):
            return "invalid boolean \(value) at byte \(offset)"
        case .invalidTag(let offset, let tag, let type):
            return "unknown \(type) tag \(tag) at byte \(offset)"
        case .wrongCount(let offset, let count, let expected, let what):
            return "\(count) \(what) at byte \(offset), expected \(expected)"
        case .invalidRows(let offset, let reason):
            return "invalid int rows at byte \(offset): \(reason)"
        }
    }
}
