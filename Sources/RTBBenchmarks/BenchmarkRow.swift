import Foundation

/// One line of the benchmark table: a figure, its target and, where one applies, the
/// physical bound measured on the same machine.
public struct BenchmarkRow: Sendable {
    public var name: String
    /// The figure as printed ("0.137 s (0.124-0.151)").
    public var figure: String
    /// The number compared with the target.
    public var value: Double
    public var unit: String
    /// "<= 0.25 s", ">= 1 M/s", or "" when there is no target.
    public var target: String
    /// nil when there is no target.
    public var met: Bool?
    public var bound: String
    public var issue: String

    /// Ratio to a target: lower is better (`atMost`) or higher is better.
    public static func row(
        _ name: String, issue: String, samples: Samples? = nil, value: Double, unit: String,
        atMost: Double? = nil, atLeast: Double? = nil, bound: String = "",
        format: String = "%.3f"
    ) -> BenchmarkRow {
        var figure = String(format: format, value) + " " + unit
        if let samples, samples.values.count > 1 {
            figure +=
                " (" + String(format: format, samples.min) + "-"
                + String(format: format, samples.max) + ")"
        }
        var target = ""
        var met: Bool?
        if let atMost {
            target = "<= " + String(format: format, atMost) + " " + unit
            met = value <= atMost
        } else if let atLeast {
            target = ">= " + String(format: format, atLeast) + " " + unit
            met = value >= atLeast
        }
        return BenchmarkRow(
            name: name, figure: figure, value: value, unit: unit, target: target, met: met,
            bound: bound, issue: issue)
    }
}

/// The benchmark table in text, markdown and JSON.
public enum BenchmarkTable {
    public static func render(_ rows: [BenchmarkRow], markdown: Bool) -> String {
        var lines: [String] = []
        let header = [
            "figure", "measured (median, min-max)", "target", "met", "bound on this machine",
            "issue",
        ]
        let cells = rows.map {
            [
                $0.name, $0.figure, $0.target, $0.met.map { $0 ? "yes" : "NO" } ?? "-", $0.bound,
                $0.issue,
            ]
        }
        if markdown {
            lines.append("| " + header.joined(separator: " | ") + " |")
            lines.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
            for row in cells { lines.append("| " + row.joined(separator: " | ") + " |") }
        } else {
            let widths = header.indices.map { column in
                ([header] + cells).map { $0[column].count }.max() ?? 0
            }
            for row in [header] + cells {
                lines.append(
                    row.enumerated().map {
                        $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0)
                    }
                    .joined(separator: "  "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ rows: [BenchmarkRow], machine: [String: String]) -> String {
        func quote(_ text: String) -> String {
            "\""
                + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                    of: "\"", with: "\\\"") + "\""
        }
        let machineText = machine.keys.sorted().map { quote($0) + ":" + quote(machine[$0]!) }
            .joined(separator: ",")
        let rowTexts = rows.map { row in
            "{"
                + [
                    "\"name\":" + quote(row.name), "\"value\":" + String(row.value),
                    "\"unit\":" + quote(row.unit),
                    "\"figure\":" + quote(row.figure), "\"target\":" + quote(row.target),
                    "\"met\":" + (row.met.map { $0 ? "true" : "false" } ?? "null"),
                    "\"bound\":" + quote(row.bound),
                    "\"issue\":" + quote(row.issue),
                ].joined(separator: ",") + "}"
        }
        return "{\"machine\":{\(machineText)},\"rows\":[\n" + rowTexts.joined(separator: ",\n")
            + "\n]}\n"
    }
}
