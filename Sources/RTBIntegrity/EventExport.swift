import Foundation
import RTBLedger
import RTBModels
import RTBTrace

/// The file formats of `export`.
public enum ExportFormat: String, CaseIterable, Sendable {
    case csv, jsonl
}

/// One table `export` wrote.
public struct ExportedTable: Equatable, Sendable {
    /// The event kind ("DealAgreed").
    public var kind: String
    /// The file's name in the output directory ("deal_agreed.csv").
    public var file: String
    public var rows: Int
    public var columns: [String]
}

/// Writes a ledger's events as tidy tables, one file per event kind, whose columns are the
/// kind's fields (docs/event-layouts.md) plus `seq`, numeric day and time-of-day columns beside
/// `tick` when the model's ticks are seconds, and every amount of money in dollars beside its
/// micros or cents (docs/export.md).
public enum EventExport {
    /// Writes the selected events of the ledger at `path` into `directory` (created if missing);
    /// calls `progress` now and then with the sequence number reached and the event count.
    /// Files are written beside their final names and renamed at the end, so a failure leaves
    /// no table; an existing table is replaced only with `overwrite`.
    public static func write(
        path: String, selection: EventSelection, format: ExportFormat, directory: String,
        overwrite: Bool, progress: ((_ sequence: UInt64, _ total: UInt64) -> Void)? = nil
    ) throws -> [ExportedTable] {
        let store = try LedgerStore.open(path: path)
        let writer = TableWriter(directory: directory, format: format, overwrite: overwrite)
        let total = try store.head()?.eventCount ?? 0
        do {
            try write(
                ModelRegistry.model(of: store), store: store, selection: selection, into: writer
            ) { sequence in progress?(sequence, total) }
            return try writer.finish()
        } catch {
            writer.discard()
            throw error
        }
    }

    static func write<Model: SimulationModel>(
        _ model: Model.Type, store: LedgerStore, selection: EventSelection,
        into writer: TableWriter,
        progress: (UInt64) -> Void
    ) throws {
        let ticksPerDay = Model.ticksPerDay
        var rows = 0
        try selection.forEach(Model.self, store: store) { sequence, event in
            rows += 1
            if rows & 0x3FF == 0 { progress(sequence) }
            try writer.add(
                kind: event.kindName,
                row: row(event.fields, sequence: sequence, ticksPerDay: ticksPerDay),
                location: "\(store.path): event \(sequence)")
        }
    }

    /// The row of one event: (column, value) in column order.
    static func row(_ fields: [EventField], sequence: UInt64, ticksPerDay: Int64?)
        -> [(String, ExportValue)]
    {
        var row: [(String, ExportValue)] = [("seq", .field(.unsigned(sequence)))]
        row.reserveCapacity(fields.count * 2)
        for field in fields {
            row.append((field.name, .field(field.value)))
            switch field.value {
            case .int(let value):
                if field.name == "tick", let ticksPerDay, ticksPerDay > 0, value >= 0 {
                    row.append(("day", .field(.int(value / ticksPerDay + 1))))
                    row.append(("time_of_day_s", .field(.int(value % ticksPerDay))))
                } else if let base = dollarColumn(of: field.name, suffix: "_micros") {
                    row.append((base, .dollars(value, digits: 6)))
                } else if let base = dollarColumn(of: field.name, suffix: "_cents") {
                    row.append((base, .dollars(value, digits: 2)))
                }
            case .unsigned, .bool, .text, .bytes, .pairs, .real, .reals, .ints:
                break
            }
        }
        return row
    }

    static func dollarColumn(of name: String, suffix: String) -> String? {
        name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) + "_usd" : nil
    }

    /// The file name of a kind's table: "DealAgreed" gives "deal_agreed".
    static func fileStem(_ kind: String) -> String {
        var stem = ""
        for character in kind {
            if character.isUppercase, !stem.isEmpty { stem += "_" }
            stem += character.lowercased()
        }
        return stem
    }
}

/// A cell of an exported table.
enum ExportValue {
    case field(FieldValue)
    /// An amount in units of 10^-digits dollars, written exactly as a decimal.
    case dollars(Int64, digits: Int)

    var csv: String {
        switch self {
        case .field(let value):
            switch value {
            case .int, .unsigned, .bool, .bytes, .real: return value.description
            case .pairs, .reals, .ints: return Self.quoted(value.json)
            case .text(let text): return Self.quoted(text)
            }
        case .dollars: return json
        }
    }

    var json: String {
        switch self {
        case .field(let value): return value.json
        case .dollars(let amount, let digits):
            var scale: UInt64 = 1
            for _ in 0..<digits { scale *= 10 }
            let magnitude = amount.magnitude
            let fraction = String(magnitude % scale)
            return (amount < 0 ? "-" : "") + String(magnitude / scale) + "."
                + String(repeating: "0", count: digits - fraction.count) + fraction
        }
    }

    /// A CSV cell: quoted when it holds a comma, a quote or a line break (RFC 4180).
    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
