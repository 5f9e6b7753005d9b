/// Appends values in the project's canonical binary encoding.
///
/// Fixed-width integers are little-endian; `varint` is unsigned LEB128 (minimal form);
/// `signedVarint` is zigzag then LEB128; doubles are their IEEE-754 bit pattern as 8 bytes;
/// byte strings and strings are a varint length followed by the bytes (strings in UTF-8).
public struct CanonicalWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable
    public mutating func u8(_ value: UInt8) { bytes.append(value) }

    @inlinable
    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    @inlinable
    public mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    @inlinable
    public mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0 as UInt32, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    @inlinable
    public mutating func u64(_ value: UInt64) {
        for shift in stride(from: 0 as UInt64, to: 64, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    @inlinable
    public mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    @inlinable
    public mutating func f64(_ value: Double) { u64(value.bitPattern) }

    /// A varint count, then each value's bit pattern as `f64`.
    @inlinable
    public mutating func reals(_ values: [Double]) {
        varint(UInt64(values.count))
        for value in values { u64(value.bitPattern) }
    }

    /// A varint count, then each value as a zigzag varint.
    @inlinable
    public mutating func signedVarints(_ values: [Int64]) {
        values.withUnsafeBufferPointer { signedVarints($0) }
    }

    /// A varint count, then each value as a zigzag varint (the same bytes as the array form),
    /// encoded into a scratch buffer and appended in one copy.
    @inlinable
    public mutating func signedVarints(_ values: UnsafeBufferPointer<Int64>) {
        appendPacked(capacity: (values.count + 1) * 10) { $0.signedVarints(values) }
    }

    /// Unsigned LEB128, minimal form.
    @inlinable
    public mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: rest))
    }

    /// Unsigned LEB128 of a non-negative Int (traps on negative: a programmer error).
    @inlinable
    public mutating func varint(_ value: Int) {
        precondition(value >= 0, "varint of a negative value")
        varint(UInt64(value))
    }

    /// Zigzag-mapped then LEB128: 0, -1, 1, -2 ... become 0, 1, 2, 3 ...
    @inlinable
    public mutating func signedVarint(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// A varint length then the bytes.
    @inlinable
    public mutating func byteString(_ value: [UInt8]) {
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A varint length then the UTF-8 bytes.
    public mutating func string(_ value: String) {
        byteString(Array(value.utf8))
    }

    /// Raw bytes with no length (the caller's layout defines their size).
    @inlinable
    public mutating func raw(_ value: [UInt8]) { bytes.append(contentsOf: value) }
}
