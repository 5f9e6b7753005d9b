/// Minimal canonical JSON text helpers: escaping and fixed number formatting.
public enum JSONText {
    /// A JSON string literal.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A JSON object of the fields, in the given order.
    public static func object(_ fields: [EventField]) -> String {
        "{" + fields.map { quote($0.name) + ":" + $0.value.json }.joined(separator: ",") + "}"
    }
}
