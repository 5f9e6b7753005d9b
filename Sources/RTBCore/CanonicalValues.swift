/// A u8-coded enum on the wire.
public protocol WireEnumeration: RawRepresentable where RawValue == UInt8 {}

/// Integer, mask, enum and digest values shared by every event and config layout.
extension CanonicalReader {
    /// A u8-coded enum value.
    public mutating func enumeration<E: WireEnumeration>(_ type: E.Type) throws(CanonicalError) -> E
    {
        let at = offset
        let code = try u8()
        guard let value = E(rawValue: code) else {
            throw .invalidTag(offset: at, tag: UInt64(code), type: String(describing: type))
        }
        return value
    }

    /// A varint that fits in a non-negative Int.
    @inlinable
    public mutating func int() throws(CanonicalError) -> Int {
        Int(try int64())
    }

    /// A varint that fits in a non-negative Int64.
    @inlinable
    public mutating func int64() throws(CanonicalError) -> Int64 {
        let at = offset
        let value = try varint()
        if value > UInt64(Int64.max) {
            throw .valueOutOfRange(offset: at, value: value, limit: UInt64(Int64.max))
        }
        return Int64(value)
    }

    /// A 16-bit mask as a varint.
    public mutating func mask() throws(CanonicalError) -> UInt16 {
        let at = offset
        let value = try varint()
        guard value <= UInt64(UInt16.max) else {
            throw .valueOutOfRange(offset: at, value: value, limit: UInt64(UInt16.max))
        }
        return UInt16(value)
    }

    /// 32 raw bytes.
    public mutating func digest() throws(CanonicalError) -> Digest32 {
        Digest32(bytes: try raw(32))!
    }
}

extension CanonicalWriter {
    /// 32 raw bytes.
    @inlinable
    public mutating func digest(_ value: Digest32) {
        for word in [value.words.0, value.words.1, value.words.2, value.words.3] {
            for shift in stride(from: 56 as UInt64, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> shift))
            }
        }
    }
}
