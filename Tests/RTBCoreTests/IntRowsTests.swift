import RTBCore
import Testing

/// The wire form written out by hand from its definition: columns, rows, the mask of
/// all-zero columns (none without rows), then row by row the other columns' zigzag varints.
func handWrittenIntRows(_ values: [Int64], columns: Int) -> [UInt8] {
    var writer = CanonicalWriter()
    let rows = values.count / columns
    var mask: UInt64 = 0
    for column in 0..<columns
    where rows > 0 && (0..<rows).allSatisfy({ values[$0 * columns + column] == 0 }) {
        mask |= 1 << UInt64(column)
    }
    writer.varint(columns)
    writer.varint(rows)
    writer.varint(mask)
    for row in 0..<rows {
        for column in 0..<columns where mask >> UInt64(column) & 1 == 0 {
            writer.signedVarint(values[row * columns + column])
        }
    }
    return writer.bytes
}

/// Random tables (1 to 64 columns, 0 to 12 rows, about half the columns all zero, values of
/// every byte length and sign): the writer's bytes are the hand-written form, and the reader
/// gives the table back and stops at its end.
@Test func intRowsAreTheirHandWrittenFormAndRoundTrip() throws {
    var stream = RandomStream(seed: 11, key: StreamKey("int-rows"))
    var zeroColumns = 0
    for trial in 0..<2_000 {
        let columns = trial < 64 ? trial + 1 : 1 + Int(stream.next(below: 64))
        let rows = Int(stream.next(below: 13))
        let zero = (0..<columns).map { _ in stream.next(below: 2) == 0 }
        var values: [Int64] = []
        for _ in 0..<rows {
            for column in 0..<columns {
                let raw = Int64(bitPattern: stream.next() >> (stream.next() % 64))
                values.append(zero[column] ? 0 : (raw == 0 ? 1 : raw))
            }
        }
        if rows > 0 { zeroColumns += zero.filter { $0 }.count }
        let table = IntRows(columns: columns, cells: values)
        var writer = CanonicalWriter()
        writer.intRows(table)
        #expect(writer.bytes == handWrittenIntRows(values, columns: columns))
        var reader = CanonicalReader(writer.bytes)
        #expect(try reader.intRows() == table)
        #expect(reader.isAtEnd)
    }
    #expect(zeroColumns > 10_000)
    // Extremes: Int64.min and max in a 64-column row, a lone zero column.
    for values in [[Int64.min] + [Int64](repeating: Int64.max, count: 63), [0]] {
        let table = IntRows(columns: values.count, cells: values)
        var writer = CanonicalWriter()
        writer.intRows(table)
        #expect(writer.bytes == handWrittenIntRows(values, columns: values.count))
        var reader = CanonicalReader(writer.bytes)
        #expect(try reader.intRows() == table)
    }
}

/// Every form the writer cannot produce is refused with its byte offset; a forged row count
/// fails before allocating.
@Test func malformedIntRowsAreRejected() {
    let cases: [([UInt8], CanonicalError)] = [
        ([0, 0, 0], .invalidRows(offset: 0, reason: "0 columns")),
        ([65, 0, 0], .valueOutOfRange(offset: 0, value: 65, limit: 64)),
        ([2, 1, 4, 2, 2], .valueOutOfRange(offset: 2, value: 4, limit: 3)),
        ([2, 0, 1], .invalidRows(offset: 2, reason: "a zero-column mask without rows")),
        // Column 0 holds only zeros but is written out: the writer would have masked it.
        (
            [2, 1, 0, 0, 2],
            .invalidRows(
                offset: 2, reason: "column 0 holds only zeros and is missing from the mask")
        ),
        ([1, 0xE8, 0x07, 0, 2, 2, 2], .truncated(offset: 1, needed: 1000, available: 3)),
        ([64, 0x81, 0x80, 0x10, 0], .valueOutOfRange(offset: 1, value: 262_145, limit: 262_144)),
    ]
    for (bytes, error) in cases {
        var reader = CanonicalReader(bytes)
        #expect(throws: error) { try reader.intRows() }
    }
    // Masked columns take no bytes: five rows of one zero column are three bytes.
    var reader = CanonicalReader([1, 5, 1])
    #expect((try? reader.intRows()) == IntRows(columns: 1, cells: [0, 0, 0, 0, 0]))
    #expect(reader.isAtEnd)
}
