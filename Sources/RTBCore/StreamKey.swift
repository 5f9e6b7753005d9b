/// The name of a random stream: an ordered list of string and integer parts, hashed stably.
///
/// The hash is FNV-1a (64-bit) over a canonical byte form of the parts: a string part is the
/// byte 0x01, its UTF-8 length as ULEB128, then its UTF-8 bytes; an integer part is the byte
/// 0x02 then the value as 8 little-endian bytes. The result never depends on the process, the
/// platform or the Swift version (unlike `Hasher`). Only the hash is kept (keys are built in
/// hot loops).
public struct StreamKey: Sendable, Hashable, CustomStringConvertible {
    /// The FNV-1a hash of the canonical bytes of the parts.
    public private(set) var hash: UInt64

    static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    /// An empty key; add parts with `appending`.
    public init() {
        hash = Self.fnvOffset
    }

    /// The hash in hex.
    public var description: String { "key:" + String(hash, radix: 16) }

    /// A key made of string parts, e.g. `StreamKey("market", "buyer-001")`.
    public init(_ parts: String...) {
        self.init()
        for part in parts { self = self.appending(part) }
    }

    /// This key with one more string part.
    public func appending(_ part: String) -> StreamKey {
        var copy = self
        copy.mixByte(0x01)
        var length = UInt64(part.utf8.count)
        repeat {
            var byte = UInt8(length & 0x7F)
            length >>= 7
            if length != 0 { byte |= 0x80 }
            copy.mixByte(byte)
        } while length != 0
        for byte in part.utf8 { copy.mixByte(byte) }
        return copy
    }

    /// This key with one more integer part.
    public func appending(_ part: UInt64) -> StreamKey {
        var copy = self
        copy.mixByte(0x02)
        for shift in stride(from: 0, to: 64, by: 8) {
            copy.mixByte(UInt8(truncatingIfNeeded: part >> UInt64(shift)))
        }
        return copy
    }

    /// This key with one more signed integer part (two's complement bits).
    public func appending(_ part: Int) -> StreamKey {
        appending(UInt64(bitPattern: Int64(part)))
    }

    private mutating func mixByte(_ byte: UInt8) {
        hash = (hash ^ UInt64(byte)) &* Self.fnvPrime
    }
}
