import RTBCore

/// What the database itself must look like, checked on every open and by `verify`.
extension LedgerStore {
    /// The columns of every required table, in order (migrations 0001 and 0002), and of the
    /// optional measurements table (0003).
    static let requiredColumns: [(table: String, columns: [String])] = [
        ("header", ["id", "format_version", "header_bytes", "genesis_hash"]),
        (
            "frames",
            [
                "frame_index", "first_sequence", "event_count", "raw_size", "prev_hash", "hash",
                "codec", "payload",
            ]
        ),
        (
            "checkpoints",
            [
                "frame_count", "next_sequence", "frame_hash", "state_size", "state_digest", "codec",
                "payload",
            ]
        ),
        ("head", ["id", "frame_count", "event_count", "head_hash", "finished", "market_digest"]),
    ]
    static let measurementColumns = ["id", "sequence", "name", "value", "unit"]

    /// The schema check of `open`, before a store exists.
    static func schemaProblemOf(_ database: SQLiteDatabase, hasMeasurements: Bool)
        throws(LedgerError) -> String?
    {
        var tables = requiredColumns
        if hasMeasurements { tables.append(("measurements", measurementColumns)) }
        for (table, expected) in tables {
            let query = try database.prepare("PRAGMA table_info(\(table))")
            var columns: [String] = []
            while try query.step() { columns.append(query.text(1) ?? "") }
            if columns.isEmpty { return "table \(table) is missing" }
            if columns != expected {
                return "table \(table) has columns \(columns.joined(separator: ",")), expected \(expected.joined(separator: ","))"
            }
        }
        return nil
    }


    /// The first value whose SQLite type is not its column's (an integer stored as REAL or
    /// TEXT, a hash stored as TEXT), among the frames below `limit` and every other row; nil
    /// when every value has its type. SQLite does not enforce declared types; readers rely on
    /// them.
    public func columnTypeProblem(upTo limit: Int? = nil) throws(LedgerError) -> String? {
        let checks: [(label: String, sql: String)] = [
            (
                "frame",
                """
                SELECT frame_index FROM frames WHERE (? IS NULL OR frame_index < ?) AND (
                typeof(frame_index) != 'integer' OR typeof(first_sequence) != 'integer'
                OR typeof(event_count) != 'integer' OR typeof(raw_size) != 'integer'
                OR typeof(prev_hash) != 'blob' OR typeof(hash) != 'blob'
                OR typeof(codec) != 'integer' OR typeof(payload) != 'blob') LIMIT 1
                """
            ),
            (
                "checkpoint after frame count",
                """
                SELECT frame_count FROM checkpoints WHERE (? IS NULL OR frame_count <= ?) AND (
                typeof(frame_count) != 'integer' OR typeof(next_sequence) != 'integer'
                OR typeof(frame_hash) != 'blob' OR typeof(state_size) != 'integer'
                OR typeof(state_digest) != 'blob' OR typeof(codec) != 'integer'
                OR typeof(payload) != 'blob') LIMIT 1
                """
            ),
            (
                "head",
                """
                SELECT id FROM head WHERE ? IS NULL AND ? IS NULL AND (
                typeof(frame_count) != 'integer' OR typeof(event_count) != 'integer'
                OR typeof(head_hash) != 'blob' OR typeof(finished) != 'integer'
                OR typeof(market_digest) NOT IN ('blob', 'null')) LIMIT 1
                """
            ),
            (
                "header",
                """
                SELECT id FROM header WHERE ? IS NULL AND ? IS NULL AND (
                typeof(format_version) != 'integer' OR typeof(header_bytes) != 'blob'
                OR typeof(genesis_hash) != 'blob') LIMIT 1
                """
            ),
        ]
        for (label, sql) in checks {
            let query = try database.prepare(sql)
            if let limit {
                query.bind(1, Int64(limit))
                query.bind(2, Int64(limit))
            }
            if try query.step() {
                return "\(label) \(query.int(0)): a value does not have its column's type"
            }
        }
        return nil
    }
}
