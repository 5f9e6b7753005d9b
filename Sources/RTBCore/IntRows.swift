/// A table of signed integers stored row by row (`cells[row * columns + column]`), with a
/// wire form that leaves out its all-zero columns: `columns` (1 to 64), the row count, a mask
/// with bit j set exactly when there is a row and column j holds only zeros, then row by row
/// each value of the other columns as a zigzag varint. A table whose columns are mostly zero
/// for a run (a truthful bidder's shading and regret columns, say) costs a byte for its mask
/// instead of a byte per zero.
public struct IntRows: Equatable, Sendable {
    /// Values per row, 1 to 64.
    public let columns: Int
    /// The values, row after row.
    public var cells: [Int64]

    /// A table of `cells.count / columns` rows (`columns` 1 to 64 and dividing the count: a
    /// programmer error otherwise).
    public init(columns: Int, cells: [Int64]) {
        precondition(
            columns >= 1 && columns <= IntRows.maxColumns && cells.count % columns == 0,
            "int rows: \(cells.count) values in \(columns) columns")
        self.columns = columns
        self.cells = cells
    }

    /// The number of rows.
    public var rows: Int { cells.count / columns }

    /// The value at `row`, `column`.
    public subscript(row: Int, column: Int) -> Int64 { cells[row * columns + column] }

    /// The most columns a mask can describe.
    public static let maxColumns = 64
    /// The most values a reader accepts in one table (a forged row count cannot make it
    /// allocate more).
    public static let maxValues = 1 << 24
}

extension PackedEncoder {
    /// An `IntRows` wire form of `values` in rows of `columns`. The room check covers three
    /// header varints and one varint per value.
    @inlinable
    public mutating func intRows(_ values: UnsafeBufferPointer<Int64>, columns: Int) {
        precondition(
            columns >= 1 && columns <= IntRows.maxColumns && values.count % columns == 0,
            "int rows: \(values.count) values in \(columns) columns")
        let rows = values.count / columns
        // Column by column: an OR down each column, one test per column (a test and a shift per
        // value costs more than writing the values out).
        var used: UInt64 = 0
        for column in 0..<columns {
            var any: Int64 = 0
            var index = column
            for _ in 0..<rows {
                any |= values[index]
                index &+= columns
            }
            if any != 0 { used |= 1 &<< UInt64(column) }
        }
        let all: UInt64 = columns == 64 ? ~0 : (1 << UInt64(columns)) - 1
        varint(UInt64(columns))
        varint(UInt64(rows))
        varint(rows == 0 ? 0 : all & ~used)
        precondition(values.count <= (capacity - written) / 10, "packed encoder overflow")
        let base = self.base
        var offset = written
        var start = 0
        for _ in 0..<rows {
            var rest = used
            while rest != 0 {
                let value = values[start &+ rest.trailingZeroBitCount]
                rest &= rest &- 1
                PackedEncoder.put(value, into: base, at: &offset)
            }
            start &+= columns
        }
        written = offset
    }
}

extension CanonicalWriter {
    /// `rows` in their wire form (see `IntRows`).
    @inlinable
    public mutating func intRows(_ rows: IntRows) {
        rows.cells.withUnsafeBufferPointer { values in
            appendPacked(capacity: (values.count + 3) * 10) {
                $0.intRows(values, columns: rows.columns)
            }
        }
    }
}

extension CanonicalReader {
    /// An `IntRows` wire form; rejects 0 or more than 64 columns, more than `IntRows.maxValues`
    /// values, a mask with bits beyond the columns or set without rows, and a column outside
    /// the mask that holds only zeros (the form is then not the one the writer produces).
    public mutating func intRows() throws(CanonicalError) -> IntRows {
        let at = offset
        let columns = try count(limit: IntRows.maxColumns)
        guard columns >= 1 else { throw .invalidRows(offset: at, reason: "0 columns") }
        let rowsAt = offset
        let rows = try count(limit: IntRows.maxValues / columns)
        let maskAt = offset
        let mask = try varint()
        let all: UInt64 = columns == 64 ? ~0 : (1 << UInt64(columns)) - 1
        if mask & ~all != 0 {
            throw .valueOutOfRange(offset: maskAt, value: mask, limit: all)
        }
        if rows == 0 && mask != 0 {
            throw .invalidRows(offset: maskAt, reason: "a zero-column mask without rows")
        }
        let used = all & ~mask
        // Every value outside the mask takes at least one byte.
        if rows * used.nonzeroBitCount > remaining {
            throw .truncated(
                offset: rowsAt, needed: rows * used.nonzeroBitCount, available: remaining)
        }
        var values = [Int64](repeating: 0, count: rows * columns)
        var nonzero: UInt64 = 0
        for row in 0..<rows {
            var rest = used
            while rest != 0 {
                let column = rest.trailingZeroBitCount
                rest &= rest &- 1
                let value = try signedVarint()
                if value != 0 { nonzero |= 1 << UInt64(column) }
                values[row * columns + column] = value
            }
        }
        if rows > 0 && nonzero != used {
            let column = (used & ~nonzero).trailingZeroBitCount
            throw .invalidRows(
                offset: maskAt,
                reason: "column \(column) holds only zeros and is missing from the mask")
        }
        return IntRows(columns: columns, cells: values)
    }
}
