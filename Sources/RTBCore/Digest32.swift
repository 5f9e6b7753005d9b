import Crypto

/// A 32-byte SHA-256 digest, stored without allocation.
public struct Digest32: Hashable, Sendable, CustomStringConvertible {
    /// The digest as four big-endian 64-bit words (word 0 holds bytes 0-7).
    public var words: (UInt64, UInt64, UInt64, UInt64)

    /// All zero bytes: the "previous hash" of the genesis entry.
    public static let zero = Digest32(words: (0, 0, 0, 0))

    /// A digest from its four words.
    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// A digest from exactly 32 bytes; nil for any other length.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 32 else { return nil }
        func word(_ offset: Int) -> UInt64 {
            UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        words = (word(0), word(8), word(16), word(24))
    }

    /// A digest from exactly 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard let digest = bytes.withUnsafeBytes({ Digest32(bytes: $0) }) else { return nil }
        self = digest
    }

    /// A digest from 64 hex characters; nil otherwise.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case 48...57: return char - 48
        case 97...102: return char - 87
        default: return nil
        }
    }

    public static func == (lhs: Digest32, rhs: Digest32) -> Bool { lhs.words == rhs.words }

    public func hash(into hasher: inout Hasher) {  // determinism-ok: Hashable conformance, never in output
        hasher.combine(words.0)
        hasher.combine(words.1)
    }

    /// The 32 bytes in order.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                result.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return result
    }

    /// Lower-case hex, 64 characters.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var chars: [UInt8] = []
        chars.reserveCapacity(64)
        for byte in bytes {
            chars.append(digits[Int(byte >> 4)])
            chars.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// The first 12 hex characters, for tables.
    public var short: String { String(hex.prefix(12)) }

    public var description: String { hex }
}

/// Incremental SHA-256 (swift-crypto). Hash whole frames, not single events: a hasher allocates.
public struct Sha256: Sendable {
    private var hasher = SHA256()

    /// A fresh hasher.
    public init() {}

    /// Feeds bytes.
    public mutating func update(_ bytes: [UInt8]) {
        hasher.update(data: bytes)
    }

    /// Feeds raw memory.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: buffer)
    }

    /// Feeds a digest's 32 bytes.
    public mutating func update(digest: Digest32) {
        let bigEndian = (
            digest.words.0.bigEndian, digest.words.1.bigEndian, digest.words.2.bigEndian,
            digest.words.3.bigEndian
        )
        withUnsafeBytes(of: bigEndian) { hasher.update(bufferPointer: $0) }
    }

    /// Feeds a fixed-width little-endian integer.
    public mutating func update(u64 value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { hasher.update(bufferPointer: $0) }
    }

    /// The digest of everything fed.
    public func finalize() -> Digest32 {
        let digest = hasher.finalize()
        return digest.withUnsafeBytes { Digest32(bytes: $0)! }
    }

    /// SHA-256 of one byte array.
    public static func hash(_ bytes: [UInt8]) -> Digest32 {
        var hasher = Sha256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
