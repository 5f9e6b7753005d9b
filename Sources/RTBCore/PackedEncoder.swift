/// Varints written straight into a caller's scratch buffer, for hot paths that encode a whole
/// event and then append it to a `CanonicalWriter` in one copy (`CanonicalWriter.appendPacked`).
/// The bytes are those of `CanonicalWriter`'s own `varint`, `signedVarint` and
/// `signedVarints`. The buffer must hold 10 bytes per varint written.
public struct PackedEncoder {
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    @usableFromInline let capacity: Int
    @usableFromInline var written = 0
    /// Bytes written so far.
    @inlinable public var count: Int { written }

    @inlinable
    init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Unsigned LEB128, minimal form.
    @inlinable @inline(__always)
    public mutating func varint(_ value: UInt64) {
        precondition(written + 10 <= capacity, "packed encoder overflow")
        var rest = value
        var offset = written
        while rest >= 0x80 {
            base[offset] = UInt8(truncatingIfNeeded: rest) | 0x80
            rest >>= 7
            offset += 1
        }
        base[offset] = UInt8(truncatingIfNeeded: rest)
        written = offset + 1
    }

    /// Zigzag-mapped then LEB128.
    @inlinable @inline(__always)
    public mutating func signedVarint(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// A varint count, then each value as a zigzag varint.
    /// Checks the room once and keeps the position in a register: most values take one or
    /// two bytes, so a per-value check and store of `written` would cost as much as the bytes.
    @inlinable
    public mutating func signedVarints(_ values: UnsafeBufferPointer<Int64>) {
        varint(UInt64(values.count))
        precondition(values.count <= (capacity - written) / 10, "packed encoder overflow")
        let base = self.base
        var offset = written
        for value in values { PackedEncoder.put(value, into: base, at: &offset) }
        written = offset
    }

    /// `value` as a zigzag varint at `base[offset]`, advancing `offset`. No room check: the
    /// caller has checked for 10 bytes per value.
    @inlinable @inline(__always)
    static func put(_ value: Int64, into base: UnsafeMutablePointer<UInt8>, at offset: inout Int) {
        var rest = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while rest >= 0x80 {
            base[offset] = UInt8(truncatingIfNeeded: rest) | 0x80
            rest >>= 7
            offset &+= 1
        }
        base[offset] = UInt8(truncatingIfNeeded: rest)
        offset &+= 1
    }
}

extension CanonicalWriter {
    /// Appends what `encode` writes, encoded first into a scratch buffer of `capacity` bytes
    /// (on the stack when small) and then copied in one append: no per-byte append, no growth
    /// check per value. `capacity` must allow 10 bytes per varint `encode` writes.
    @inlinable
    public mutating func appendPacked(capacity: Int, _ encode: (inout PackedEncoder) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, capacity)) { scratch in
            var encoder = PackedEncoder(base: scratch.baseAddress!, capacity: scratch.count)
            encode(&encoder)
            bytes.append(
                contentsOf: UnsafeBufferPointer(start: scratch.baseAddress!, count: encoder.count))
        }
    }
}
