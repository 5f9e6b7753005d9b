import Testing
import RTBCore

@Test func valuesRoundTrip() throws {
    var writer = CanonicalWriter()
    let varints: [UInt64] = [0, 1, 127, 128, 300, 16_384, UInt64.max]
    let signed: [Int64] = [0, -1, 1, -64, 64, Int64.min, Int64.max]
    for value in varints { writer.varint(value) }
    for value in signed { writer.signedVarint(value) }
    writer.string("héllo")
    writer.f64(-0.0)
    writer.u16(65_535)
    var reader = CanonicalReader(writer.bytes)
    for value in varints { #expect(try reader.varint() == value) }
    for value in signed { #expect(try reader.signedVarint() == value) }
    #expect(try reader.string() == "héllo")
    #expect(try reader.f64().bitPattern == (-0.0).bitPattern)
    #expect(try reader.u16() == 65_535)
    try reader.expectEnd()
}

@Test func truncationIsRejected() {
    var reader = CanonicalReader([0x07, 0x00])
    #expect(throws: CanonicalError.truncated(offset: 0, needed: 4, available: 2)) {
        try reader.u32()
    }
    var varint = CanonicalReader([0x80, 0x80])
    #expect(throws: CanonicalError.truncated(offset: 0, needed: 3, available: 2)) {
        try varint.varint()
    }
    var string = CanonicalReader([0x05, 0x61])
    #expect(throws: CanonicalError.truncated(offset: 1, needed: 5, available: 1)) {
        try string.string()
    }
}

@Test func trailingGarbageIsRejected() throws {
    var reader = CanonicalReader([0x01, 0xFF])
    _ = try reader.varint()
    #expect(throws: CanonicalError.trailingBytes(offset: 1, count: 1)) { try reader.expectEnd() }
}

@Test func nonCanonicalFormsAreRejected() {
    var overlong = CanonicalReader([0x81, 0x00])
    #expect(throws: CanonicalError.overlongVarint(offset: 0)) { try overlong.varint() }
    var tooBig = CanonicalReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02])
    #expect(throws: CanonicalError.varintOverflow(offset: 0)) { try tooBig.varint() }
    var badBool = CanonicalReader([0x02])
    #expect(throws: CanonicalError.invalidBool(offset: 0, value: 2)) { try badBool.bool() }
    var badText = CanonicalReader([0x01, 0xFF])
    #expect(throws: CanonicalError.invalidUTF8(offset: 0)) { try badText.string() }
}

@Test func packedVarintsAreTheWritersBytes() {
    // Every byte length (each power of two and its neighbours), zigzag of signed values, and
    // random values: the packed encoder's bytes must be the writer's.
    var values: [UInt64] = [0, 1, 127, 128, UInt64.max, UInt64.max - 1]
    for shift in 0..<64 {
        let power = UInt64(1) << UInt64(shift)
        values += [power - 1, power, power + 1]
    }
    var stream = RandomStream(seed: 7, key: StreamKey("packed"))
    for _ in 0..<10_000 { values.append(stream.next() >> (stream.next() % 64)) }
    let signed = values.map { Int64(bitPattern: $0) }
    var expected = CanonicalWriter()
    for value in values { expected.varint(value) }
    for value in signed { expected.signedVarint(value) }
    // The list form by hand: its count, then each value.
    expected.varint(signed.count)
    for value in signed { expected.signedVarint(value) }
    var packed = CanonicalWriter()
    packed.appendPacked(capacity: (values.count * 2 + signed.count + 1) * 10) { encoder in
        for value in values { encoder.varint(value) }
        for value in signed { encoder.signedVarint(value) }
    }
    signed.withUnsafeBufferPointer { buffer in
        packed.appendPacked(capacity: (buffer.count + 1) * 10) { $0.signedVarints(buffer) }
    }
    #expect(packed.bytes == expected.bytes)
}
