import RTBCore
import RTBLedger
import RTBModels
import RTBTrace

/// Decodes a ledger's events in sequence order with its model's decoder, for people (text) and
/// tools (JSON lines).
public enum EventDump {
    /// Calls `output` with one line per event from `from`, at most `count` events.
    public static func write(
        path: String, from: UInt64, count: UInt64?, jsonLines: Bool,
        output: (String) -> Void
    ) throws {
        let store = try LedgerStore.open(path: path)
        try write(
            ModelRegistry.model(of: store), store: store, from: from, count: count,
            jsonLines: jsonLines, output: output)
    }

    static func write<Model: SimulationModel>(
        _ model: Model.Type, store: LedgerStore, from: UInt64, count: UInt64?, jsonLines: Bool,
        output: (String) -> Void
    ) throws {
        var remaining = count ?? UInt64.max
        guard remaining > 0, let first = try store.frameIndex(containing: from) else { return }
        try LedgerEvents.forEach(Model.self, store: store, fromFrame: first) { sequence, event in
            guard sequence >= from else { return true }
            output(render(event.fields, sequence: sequence, jsonLines: jsonLines))
            remaining -= 1
            return remaining > 0
        }
    }

    /// One event's fields as a text line or a JSON object line.
    public static func render(_ fields: [EventField], sequence: UInt64, jsonLines: Bool) -> String
    {
        let fields = [EventField("seq", .unsigned(sequence))] + fields
        if jsonLines { return JSONText.object(fields) }
        return fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }
}
