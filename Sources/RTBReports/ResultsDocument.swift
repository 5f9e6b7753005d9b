import RTBCore
import RTBEvents
import RTBMarket
import RTBRunning
import RTBTrace

/// A saved results JSON (from `rtb-sim run --output`), read back for `rtb-sim compare`.
public struct ResultsDocument {
    public var root: JSONValue
    public var scenarios: [JSONValue]
    let path: String

    /// Parses and checks the structure; errors name the file and the field.
    public static func load(path: String, text: String) throws -> ResultsDocument {
        let root: JSONValue
        switch JSONValue.parse(text) {
        case .success(let value): root = value
        case .failure(let error):
            throw ResultsError.malformed(
                path: path, field: "(document)", reason: "not JSON: \(error)")
        }
        guard root.isObject else {
            throw ResultsError.malformed(
                path: path, field: "(document)", reason: "not a JSON object")
        }
        guard let scenarios = root["scenario_results"]?.arrayValue else {
            throw ResultsError.malformed(
                path: path, field: "scenario_results", reason: "missing or not a list")
        }
        guard !scenarios.isEmpty else {
            throw ResultsError.malformed(
                path: path, field: "scenario_results", reason: "empty: no scenario to compare")
        }
        for (index, scenario) in scenarios.enumerated() {
            let field = "scenario_results[\(index)]"
            guard scenario["scenario"]?.stringValue != nil, scenario["totals"]?.isObject == true,
                scenario["derived"]?.isObject == true
            else {
                throw ResultsError.malformed(
                    path: path, field: field, reason: "needs scenario, totals and derived")
            }
            for counter in Counter.allCases {
                guard scenario["totals"]?[counter.name]?.int64 != nil else {
                    throw ResultsError.malformed(
                        path: path, field: "\(field).totals.\(counter.name)",
                        reason: "missing, not an integer or beyond 64 bits")
                }
            }
            guard case .object(let derived)? = scenario["derived"] else { continue }
            for key in derived.keys.sorted() {
                switch derived[key]! {
                case .null: continue
                case .number(let text) where Double(text)?.isFinite == true: continue
                case .number, .string, .bool, .array, .object:
                    throw ResultsError.malformed(
                        path: path, field: "\(field).derived.\(key)",
                        reason: "not a finite number or null")
                }
            }
        }
        return ResultsDocument(root: root, scenarios: scenarios, path: path)
    }

    /// The document re-serialised canonically (sorted keys, numbers as written).
    public var canonicalJSON: String { root.canonicalText + "\n" }

    /// Scenarios side by side: the headline metrics of the study.
    public func comparisonTable(markdown: Bool) -> String {
        func total(_ scenario: JSONValue, _ counter: Counter) -> Int64 {
            scenario["totals"]?[counter.name]?.int64 ?? 0
        }
        func derived(_ scenario: JSONValue, _ name: String) -> String {
            guard let value = scenario["derived"]?[name]?.double else { return "-" }
            return ScenarioSummary.percent(Int64((value * 1_000_000).rounded()))
        }
        var rows: [[String]] = [
            ["metric"]
                + scenarios.map { $0["name"]?.stringValue ?? $0["scenario"]?.stringValue ?? "?" }
        ]
        rows.append(["deals"] + scenarios.map { String(total($0, .deals)) })
        rows.append(["impressions"] + scenarios.map { String(total($0, .impressions)) })
        rows.append(
            ["buyer spend $"] + scenarios.map { Micros(total($0, .buyerSpend)).dollarsText })
        rows.append(
            ["intermediary fees $"] + scenarios.map { Micros(total($0, .fees)).dollarsText })
        rows.append(["take rate"] + scenarios.map { derived($0, "take_rate") })
        rows.append(
            ["ledger costs $"] + scenarios.map { Micros(total($0, .ledgerCosts)).dollarsText })
        rows.append(["ledger entries"] + scenarios.map { String(total($0, .ledgerEntries)) })
        rows.append(["goal attainment"] + scenarios.map { derived($0, "goal_attainment") })
        rows.append(["context-rot events"] + scenarios.map { String(total($0, .contextRotEvents)) })
        rows.append(["hallucination rate"] + scenarios.map { derived($0, "hallucination_rate") })
        rows.append(["recovery rate"] + scenarios.map { derived($0, "recovery_rate") })
        rows.append(
            ["campaigns unresolvable"]
                + scenarios.map { String(total($0, .reconciledUnresolvable)) })
        rows.append(
            ["disputed spend $"] + scenarios.map { Micros(total($0, .disputedSpend)).dollarsText })
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
