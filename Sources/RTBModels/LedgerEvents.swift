import RTBCore
import RTBLedger
import RTBTrace

/// Decodes a ledger's events with its model's decoder, in sequence order.
public enum LedgerEvents {
    /// Calls `body` with every event from frame `fromFrame` on, decoded as `Model.Event`, and
    /// its size in bytes; `body` returns false to stop. Errors name the frame and event.
    public static func forEach<Model: SimulationModel>(
        _ model: Model.Type, store: LedgerStore, fromFrame: Int = 0,
        _ body: (UInt64, Model.Event, Int) throws -> Bool
    ) throws {
        let decompressor = ZstdDecompressor()
        try store.forEachFrame(from: fromFrame) { record in
            let bytes = try raw(record, decompressor, path: store.path)
            return try forEach(
                Model.self, in: bytes, firstSequence: record.firstSequence, frame: record.index,
                path: store.path, body)
        }
    }

    /// Calls `body` with every event of one frame's bytes; false when `body` stopped.
    public static func forEach<Model: SimulationModel>(
        _ model: Model.Type, in bytes: [UInt8], firstSequence: UInt64, frame: Int, path: String,
        _ body: (UInt64, Model.Event, Int) throws -> Bool
    ) throws -> Bool {
        var reader = CanonicalReader(bytes)
        var sequence = firstSequence
        while !reader.isAtEnd {
            let start = reader.offset
            let event: Model.Event
            do {
                event = try Model.Event.decode(from: &reader)
            } catch {
                throw LedgerError.corrupt(
                    path: path, location: "frame \(frame), event \(sequence)", reason: "\(error)")
            }
            if try !body(sequence, event, reader.offset - start) { return false }
            sequence += 1
        }
        return true
    }

    /// Feeds every event of the ledger to `checker`, one frame at a time through the model's
    /// own (specialized) `check(frame:)`; returns how many.
    public static func feed<Model: SimulationModel>(
        _ model: Model.Type, store: LedgerStore, to checker: Model.Checker,
        progress: ((_ events: UInt64) -> Void)? = nil
    ) throws -> UInt64 {
        let decompressor = ZstdDecompressor()
        var events: UInt64 = 0
        try store.forEachFrame { record in
            let bytes = try raw(record, decompressor, path: store.path)
            do throws(FrameDecodeError) {
                events += UInt64(
                    try Model.check(
                        frame: bytes, firstSequence: record.firstSequence, with: checker))
            } catch {
                let sequence = record.firstSequence + UInt64(error.event)
                throw LedgerError.corrupt(
                    path: store.path, location: "frame \(record.index), event \(sequence)",
                    reason: "\(error.error)")
            }
            progress?(events)
            return true
        }
        return events
    }

    /// A frame's decompressed events; a damaged payload is a corrupt frame.
    static func raw(_ record: FrameRecord, _ decompressor: ZstdDecompressor, path: String) throws
        -> [UInt8]
    {
        do {
            return try decompressor.decompress(record.payload, expectedSize: record.rawSize)
        } catch {
            throw LedgerError.corrupt(
                path: path, location: "frame \(record.index)", reason: "payload: \(error)")
        }
    }

    /// Calls `body` with every event, the form older callers use (sequence and event).
    public static func forEach<Model: SimulationModel>(
        _ model: Model.Type, store: LedgerStore, fromFrame: Int = 0,
        _ body: (UInt64, Model.Event) throws -> Bool
    ) throws {
        try forEach(Model.self, store: store, fromFrame: fromFrame) { sequence, event, _ in
            try body(sequence, event)
        }
    }
}
