import Foundation
import RTBCore
import RTBEvents
import RTBMarket
import RTBModels
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
            for counter in Counter.allCases where !counter.isWelfare {
                guard scenario["totals"]?[counter.name]?.int64 != nil else {
                    throw ResultsError.malformed(
                        path: path, field: "\(field).totals.\(counter.name)",
                        reason: "missing, not an integer or beyond 64 bits")
                }
            }
            guard case .object(let derived)? = scenario["derived"] else { continue }
            for key in derived.keys.sorted() {
                // Amounts of money (micros) are 64-bit integers, like the totals.
                if key.hasSuffix("_micros") {
                    guard derived[key]! == .null || derived[key]!.int64 != nil else {
                        throw ResultsError.malformed(
                            path: path, field: "\(field).derived.\(key)",
                            reason: "not an integer within 64 bits, or null")
                    }
                    continue
                }
                switch derived[key]! {
                case .null: continue
                // Ratios are shown in ppm (x 10^6 as a 64-bit integer): at most 9e12 in size.
                case .number(let text)
                where Double(text).map { $0.isFinite && abs($0) <= 9e12 } == true:
                    continue
                case .number, .string, .bool, .array, .object:
                    throw ResultsError.malformed(
                        path: path, field: "\(field).derived.\(key)",
                        reason: "not a finite number within +-9e12, or null")
                }
            }
        }
        return ResultsDocument(root: root, scenarios: scenarios, path: path)
    }

    /// The document re-serialised canonically (sorted keys, numbers as written).
    public var canonicalJSON: String { root.canonicalText + "\n" }

    /// The scenarios side by side, every metric (see `comparisonTable(_:markdown:)`).
    public func comparisonTable(markdown: Bool) -> String {
        Self.comparisonTable([(label: nil, document: self)], markdown: markdown)
    }

    /// Every scenario of every document side by side, one row per metric: each total of the
    /// results (amounts of money in dollars) and each derived figure (ratios in percent, days
    /// with two decimals, money in dollars).
    /// Columns are headed by the scenario's name, after the document's label when one is given.
    public static func comparisonTable(
        _ documents: [(label: String?, document: ResultsDocument)], markdown: Bool
    ) -> String {
        TextTable.render(comparisonRows(documents), markdown: markdown)
    }

    /// The rows of `comparisonTable`, header first.
    public static func comparisonRows(_ documents: [(label: String?, document: ResultsDocument)])
        -> [[String]]
    {
        var columns: [(header: String, scenario: JSONValue)] = []
        for (label, document) in documents {
            for scenario in document.scenarios {
                let name = scenario["name"]?.stringValue ?? scenario["scenario"]?.stringValue ?? "?"
                columns.append(((label.map { $0 + " " } ?? "") + name, scenario))
            }
        }
        var rows: [[String]] = [["metric"] + columns.map(\.header)]
        for counter in Counter.allCases {
            let money = counter.name.hasSuffix("_micros")
            let name = money ? String(counter.name.dropLast("_micros".count)) + " $" : counter.name
            rows.append(
                [name]
                    + columns.map { column in
                        // Results of engine 0.1.0 have no welfare counters.
                        guard let value = column.scenario["totals"]?[counter.name]?.int64 else {
                            return "-"
                        }
                        return money ? Micros(value).dollarsText : String(value)
                    })
        }
        var derivedNames = Set<String>()
        for column in columns {
            if case .object(let derived)? = column.scenario["derived"] {
                derivedNames.formUnion(derived.keys)
            }
        }
        for key in derivedNames.sorted() {
            let money = key.hasSuffix("_micros")
            let name = money ? String(key.dropLast("_micros".count)) + " $" : key
            rows.append(
                [name]
                    + columns.map { column in
                        if money {
                            return column.scenario["derived"]?[key]?.int64.map {
                                Micros($0).dollarsText
                            } ?? "-"
                        }
                        guard let value = column.scenario["derived"]?[key]?.double else {
                            return "-"
                        }
                        if key.hasSuffix("_days") { return String(format: "%.2f", value) }
                        return ScenarioSummary.percent(Int64((value * 1_000_000).rounded()))
                    })
        }
        return rows
    }
}

extension ResultsDocument {
    /// The value a metric name of the validity table ("a.deals", "a.take_rate_ppm") has in
    /// this document: a scenario's total, or its derived ratio in ppm; nil when absent.
    func value(of metric: String) -> Int64? {
        let parts = metric.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2,
            let scenario = scenarios.first(where: { $0["scenario"]?.stringValue == parts[0] })
        else { return nil }
        if parts[1].hasSuffix("_ppm") {
            let key = String(parts[1].dropLast("_ppm".count))
            return scenario["derived"]?[key]?.double.map { Int64(($0 * 1_000_000).rounded()) }
        }
        return scenario["totals"]?[parts[1]]?.int64
    }

    /// The seed's validity table beside the runs: one row per range of the default
    /// configuration's table (`RTBMarketModel.validityRanges`), each run's value and whether
    /// it lies inside ("-" when the run has no such scenario or value).
    public static func validityRows(_ documents: [(label: String?, document: ResultsDocument)])
        -> [[String]]
    {
        var rows = [["seed's validity range", "range"] + documents.map { $0.label ?? "value" }]
        for range in RTBMarketModel.validityRanges {
            let ppm = range.name.hasSuffix("_ppm")
            func shown(_ value: Int64) -> String {
                ppm ? ScenarioSummary.percent(value) : String(value)
            }
            let high = range.high == Int64.max ? "" : shown(range.high)
            rows.append(
                [
                    range.name.replacingOccurrences(of: "_ppm", with: ""),
                    shown(range.low) + "-" + high,
                ]
                    + documents.map { run in
                        guard let value = run.document.value(of: range.name) else { return "-" }
                        let inside = value >= range.low && value <= range.high
                        return shown(value) + (inside ? " ok" : " OUT")
                    })
        }
        return rows
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
