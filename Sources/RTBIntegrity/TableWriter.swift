import Foundation
import RTBTrace

/// Writes `export`'s tables: one buffered file per kind, written under a temporary name and
/// renamed when every table is complete.
final class TableWriter {
    let directory: String
    let format: ExportFormat
    let overwrite: Bool
    private var tables: [String: Table] = [:]
    private var order: [String] = []

    final class Table {
        let info: ExportedTable
        let handle: FileHandle
        let partial: String
        var buffer: [UInt8] = []
        var rows = 0

        init(info: ExportedTable, handle: FileHandle, partial: String) {
            self.info = info
            self.handle = handle
            self.partial = partial
        }
    }

    init(directory: String, format: ExportFormat, overwrite: Bool) {
        self.directory = directory
        self.format = format
        self.overwrite = overwrite
    }

    /// Appends one row to its kind's table; every row of a kind must have the first's columns.
    func add(kind: String, row: [(String, ExportValue)], location: String) throws {
        let table = try tables[kind] ?? open(kind: kind, columns: row.map(\.0))
        guard row.count == table.info.columns.count,
            zip(row, table.info.columns).allSatisfy({ $0.0 == $1 })
        else {
            throw ExportError.operating(
                "\(location): \(kind) has columns \(row.map(\.0).joined(separator: ",")), the kind's first event had \(table.info.columns.joined(separator: ","))"
            )
        }
        let line: String
        switch format {
        case .csv: line = row.map(\.1.csv).joined(separator: ",")
        case .jsonl:
            line =
                "{" + row.map { JSONText.quote($0.0) + ":" + $0.1.json }.joined(separator: ",")
                + "}"
        }
        table.buffer += line.utf8
        table.buffer.append(0x0A)
        table.rows += 1
        if table.buffer.count >= 1 << 20 { try flush(table) }
    }

    /// Flushes, closes and renames every table; returns them in the order their kinds appeared.
    func finish() throws -> [ExportedTable] {
        for kind in order {
            let table = tables[kind]!
            try flush(table)
            try table.handle.close()
        }
        var written: [ExportedTable] = []
        for kind in order {
            let table = tables[kind]!
            let final = directory + "/" + table.info.file
            if overwrite, FileManager.default.fileExists(atPath: final) {
                try FileManager.default.removeItem(atPath: final)
            }
            try FileManager.default.moveItem(atPath: table.partial, toPath: final)
            var info = table.info
            info.rows = table.rows
            written.append(info)
        }
        tables = [:]
        return written
    }

    /// Removes every temporary file (after a failure).
    func discard() {
        for table in tables.values {
            try? table.handle.close()
            try? FileManager.default.removeItem(atPath: table.partial)
        }
        tables = [:]
    }

    private func open(kind: String, columns: [String]) throws -> Table {
        if tables.isEmpty { try makeDirectory() }
        let file = EventExport.fileStem(kind) + "." + format.rawValue
        let final = directory + "/" + file
        if !overwrite, FileManager.default.fileExists(atPath: final) {
            throw ExportError.usage("\(final): exists (use --overwrite to replace it)")
        }
        let partial = final + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
            let handle = FileHandle(forWritingAtPath: partial)
        else { throw ExportError.operating("\(partial): cannot create the file") }
        let table = Table(
            info: ExportedTable(kind: kind, file: file, rows: 0, columns: columns), handle: handle,
            partial: partial)
        if format == .csv {
            table.buffer += columns.joined(separator: ",").utf8
            table.buffer.append(0x0A)
        }
        tables[kind] = table
        order.append(kind)
        return table
    }

    private func makeDirectory() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ExportError.usage("\(directory): exists and is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ExportError.operating("\(directory): cannot create the directory")
        }
    }

    private func flush(_ table: Table) throws {
        guard !table.buffer.isEmpty else { return }
        do {
            try table.handle.write(contentsOf: table.buffer)
        } catch {
            throw ExportError.operating("\(table.partial): write failed (\(error))")
        }
        table.buffer.removeAll(keepingCapacity: true)
    }
}

/// Why `export` stopped: bad arguments (exit 64) or a failure of the machine (exit 1).
public enum ExportError: Error, CustomStringConvertible {
    case usage(String)
    case operating(String)

    public var description: String {
        switch self {
        case .usage(let message), .operating(let message): return message
        }
    }
}
