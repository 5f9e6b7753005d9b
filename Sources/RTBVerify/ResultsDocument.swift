import Foundation
import RTBCore
import RTBEvents
import RTBMarket

/// A saved results JSON (from `rtb-sim run --output`), read back for `rtb-sim compare`.
public struct ResultsDocument {
    public var root: [String: Any]
    public var scenarios: [[String: Any]]
    let path: String

    /// Parses and checks the structure; errors name the file and the field.
    public static func load(path: String, text: String) throws -> ResultsDocument {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw ResultsError.malformed(path: path, field: "(document)", reason: "not JSON")
        }
        guard let root = object as? [String: Any] else {
            throw ResultsError.malformed(path: path, field: "(document)", reason: "not a JSON object")
        }
        guard let scenarios = root["scenario_results"] as? [[String: Any]] else {
            throw ResultsError.malformed(path: path, field: "scenario_results", reason: "missing or not a list of objects")
        }
        for (index, scenario) in scenarios.enumerated() {
            guard scenario["scenario"] is String, scenario["totals"] is [String: Any], scenario["derived"] is [String: Any] else {
                throw ResultsError.malformed(path: path, field: "scenario_results[\(index)]",
                                             reason: "needs scenario, totals and derived")
            }
        }
        return ResultsDocument(root: root, scenarios: scenarios, path: path)
    }

    /// The document re-serialised canonically (sorted keys).
    public var canonicalJSON: String { Self.canonical(root) + "\n" }

    static func canonical(_ value: Any) -> String {
        switch value {
        case let dictionary as [String: Any]:
            return "{" + dictionary.keys.sorted().map { JSONText.quote($0) + ":" + canonical(dictionary[$0]!) }
                .joined(separator: ",") + "}"
        case let array as [Any]:
            return "[" + array.map(canonical).joined(separator: ",") + "]"
        case let text as String:
            return JSONText.quote(text)
        case let number as NSNumber:
            if let exact = Int64(exactly: number.doubleValue), !"\(number)".contains(".") { return String(exact) }
            return "\(number)"
        default:
            return "null"
        }
    }

    /// Scenarios side by side: the headline metrics of the study.
    public func comparisonTable(markdown: Bool) -> String {
        func total(_ scenario: [String: Any], _ counter: Counter) -> Int64 {
            ((scenario["totals"] as? [String: Any])?[counter.name] as? NSNumber)?.int64Value ?? 0
        }
        func derived(_ scenario: [String: Any], _ name: String) -> String {
            guard let value = (scenario["derived"] as? [String: Any])?[name] as? NSNumber else { return "-" }
            return String(format: "%.2f%%", value.doubleValue * 100)
        }
        var rows: [[String]] = [["metric"] + scenarios.map { ($0["name"] as? String) ?? ($0["scenario"] as? String ?? "?") }]
        rows.append(["deals"] + scenarios.map { String(total($0, .deals)) })
        rows.append(["impressions"] + scenarios.map { String(total($0, .impressions)) })
        rows.append(["buyer spend $"] + scenarios.map { Micros(total($0, .buyerSpend)).dollarsText })
        rows.append(["intermediary fees $"] + scenarios.map { Micros(total($0, .fees)).dollarsText })
        rows.append(["take rate"] + scenarios.map { derived($0, "take_rate") })
        rows.append(["ledger costs $"] + scenarios.map { Micros(total($0, .ledgerCosts)).dollarsText })
        rows.append(["ledger entries"] + scenarios.map { String(total($0, .ledgerEntries)) })
        rows.append(["goal attainment"] + scenarios.map { derived($0, "goal_attainment") })
        rows.append(["context-rot events"] + scenarios.map { String(total($0, .contextRotEvents)) })
        rows.append(["hallucination rate"] + scenarios.map { derived($0, "hallucination_rate") })
        rows.append(["recovery rate"] + scenarios.map { derived($0, "recovery_rate") })
        rows.append(["campaigns unresolvable"] + scenarios.map { String(total($0, .reconciledUnresolvable)) })
        rows.append(["disputed spend $"] + scenarios.map { Micros(total($0, .disputedSpend)).dollarsText })
        return TextTable.render(rows, markdown: markdown)
    }
}

/// A results file that is not what `rtb-sim run --output` writes.
public enum ResultsError: Error, CustomStringConvertible {
    case malformed(path: String, field: String, reason: String)

    public var description: String {
        switch self {
        case .malformed(let path, let field, let reason): return "\(path): \(field): \(reason)"
        }
    }
}
