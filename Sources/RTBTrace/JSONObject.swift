/// A JSON object built key by key and written with sorted keys: the one writer of the result
/// documents (`run --output`, every command's `--json`). The same object always gives the same
/// text.
public struct JSONObject: Sendable {
    public indirect enum Value: Sendable {
        case int(Int64)
        case unsigned(UInt64)
        case bool(Bool)
        case string(String)
        /// JSON text written as it is (a number with a fixed number of decimals, a document).
        case raw(String)
        case object(JSONObject)
        case array([Value])
        case null

        var text: String {
            switch self {
            case .int(let number): return String(number)
            case .unsigned(let number): return String(number)
            case .bool(let flag): return flag ? "true" : "false"
            case .string(let text): return JSONText.quote(text)
            case .raw(let text): return text
            case .object(let object): return object.text
            case .array(let values): return "[" + values.map(\.text).joined(separator: ",") + "]"
            case .null: return "null"
            }
        }
    }

    private var entries: [String: Value] = [:]  // determinism-ok: written in sorted key order

    public init() {}

    public subscript(key: String) -> Value? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    public var text: String {
        "{"
            + entries.keys.sorted().map { JSONText.quote($0) + ":" + entries[$0]!.text }
            .joined(separator: ",") + "}"
    }
}
