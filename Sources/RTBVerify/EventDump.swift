import RTBCore
import RTBEvents
import RTBLedger
import RTBTrace

/// Decodes a ledger's events in sequence order, for people (text) and tools (JSON lines).
public enum EventDump {
    /// Calls `output` with one line per event from `from`, at most `count` events.
    public static func write(
        path: String, from: UInt64, count: UInt64?, jsonLines: Bool,
        output: (String) -> Void
    ) throws {
        let store = try LedgerStore.open(path: path)
        var remaining = count ?? UInt64.max
        guard remaining > 0, let first = try store.frameIndex(containing: from) else { return }
        try forEachEvent(store: store, fromFrame: first) { sequence, event in
            guard sequence >= from else { return true }
            output(render(event, sequence: sequence, jsonLines: jsonLines))
            remaining -= 1
            return remaining > 0
        }
    }

    /// One event as a text line or a JSON object line.
    public static func render(_ event: MarketEvent, sequence: UInt64, jsonLines: Bool) -> String {
        let fields = [EventField("seq", .unsigned(sequence))] + event.fields
        if jsonLines { return JSONText.object(fields) }
        return fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }

    /// Decodes every event from frame `fromFrame` on; `body` returns false to stop. Errors name
    /// the frame and event.
    public static func forEachEvent(
        store: LedgerStore, fromFrame: Int = 0,
        _ body: (UInt64, MarketEvent) throws -> Bool
    ) throws {
        let decompressor = ZstdDecompressor()
        try store.forEachFrame(from: fromFrame) { record in
            let bytes: [UInt8]
            do {
                bytes = try decompressor.decompress(record.payload, expectedSize: record.rawSize)
            } catch {
                throw LedgerError.corrupt(
                    path: store.path, location: "frame \(record.index)", reason: "payload: \(error)"
                )
            }
            var reader = CanonicalReader(bytes)
            var sequence = record.firstSequence
            while !reader.isAtEnd {
                let event: MarketEvent
                do {
                    event = try MarketEvent.decode(from: &reader)
                } catch {
                    throw LedgerError.corrupt(
                        path: store.path, location: "frame \(record.index), event \(sequence)",
                        reason: "\(error)")
                }
                if try !body(sequence, event) { return false }
                sequence += 1
            }
            return true
        }
    }
}
