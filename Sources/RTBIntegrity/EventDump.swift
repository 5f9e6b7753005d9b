import RTBCore
import RTBLedger
import RTBModels
import RTBTrace

/// Decodes a ledger's events in sequence order with its model's decoder, for people (text) and
/// tools (JSON lines).
public enum EventDump {
    /// Calls `output` with one line per selected event.
    public static func write(
        path: String, selection: EventSelection, jsonLines: Bool, output: (String) -> Void
    ) throws {
        let store = try LedgerStore.open(path: path)
        try write(
            ModelRegistry.model(of: store), store: store, selection: selection,
            jsonLines: jsonLines, output: output)
    }

    static func write<Model: SimulationModel>(
        _ model: Model.Type, store: LedgerStore, selection: EventSelection, jsonLines: Bool,
        output: (String) -> Void
    ) throws {
        try selection.forEach(Model.self, store: store) { sequence, event in
            output(render(event.fields, sequence: sequence, jsonLines: jsonLines))
        }
    }

    /// One event's fields as a text line or a JSON object line.
    public static func render(_ fields: [EventField], sequence: UInt64, jsonLines: Bool) -> String {
        let fields = [EventField("seq", .unsigned(sequence))] + fields
        if jsonLines { return JSONText.object(fields) }
        return fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }
}
