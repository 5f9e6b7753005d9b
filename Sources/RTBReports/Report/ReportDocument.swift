import Foundation
import RTBTrace

/// A report of one run, whatever its model: facts about the run, tables and charts. It renders
/// as a self-contained HTML page (inline SVG, no script, no network), as markdown and as JSON,
/// each from the same content. Models add their sections through `ModelReport`.
public struct ReportDocument: Sendable {
    public var title: String
    /// Identity and verdict lines ("seed", "42").
    public var facts: [ReportFact]
    public var tables: [ReportTable]
    public var charts: [ReportChart]

    public init(
        title: String, facts: [ReportFact] = [], tables: [ReportTable] = [],
        charts: [ReportChart] = []
    ) {
        self.title = title
        self.facts = facts
        self.tables = tables
        self.charts = charts
    }
}

public struct ReportFact: Equatable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A table: a header row and rows of cells (the first cell names the row).
public struct ReportTable: Equatable, Sendable {
    public var title: String
    public var header: [String]
    public var rows: [[String]]

    public init(title: String, header: [String], rows: [[String]]) {
        self.title = title
        self.header = header
        self.rows = rows
    }
}

/// A chart: series of values over categories (days, scenarios, kinds), drawn as lines or as
/// grouped bars.
public struct ReportChart: Equatable, Sendable {
    public enum Style: String, Sendable {
        /// Values by category, joined; bars by category; points at numeric x (each series'
        /// `x`), with vertical whiskers from `low` to `high` when given (categories unused).
        case lines, bars, points
    }

    /// A stable id (HTML anchor, JSON key): "daily-spend".
    public var id: String
    public var title: String
    public var style: Style
    public var xLabel: String
    public var yLabel: String
    public var categories: [String]
    public var series: [ReportSeries]

    public init(
        id: String, title: String, style: Style, xLabel: String, yLabel: String,
        categories: [String], series: [ReportSeries]
    ) {
        self.id = id
        self.title = title
        self.style = style
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.categories = categories
        self.series = series
    }
}

public struct ReportSeries: Equatable, Sendable {
    public var name: String
    /// One value per category (points: per point, its y).
    public var values: [Double]
    /// Points only: each point's x, and its interval (whiskers), when there is one.
    public var x: [Double] = []
    public var low: [Double] = []
    public var high: [Double] = []

    public init(_ name: String, _ values: [Double]) {
        self.name = name
        self.values = values
    }

    /// A series of points (x, y), with whiskers from low to high when both are given.
    public init(_ name: String, x: [Double], y: [Double], low: [Double] = [], high: [Double] = []) {
        self.name = name
        self.values = y
        self.x = x
        self.low = low
        self.high = high
    }
}

extension ReportDocument {
    /// Markdown: facts and tables as tables, each chart as the table of its data.
    public var markdown: String {
        var out = "# \(title)\n\n"
        out += TextTable.render(
            [["fact", "value"]] + facts.map { [$0.name, $0.value] }, markdown: true)
        for table in tables {
            out += "\n## \(table.title)\n\n"
            out += TextTable.render([table.header] + table.rows, markdown: true)
        }
        for chart in charts {
            out += "\n## \(chart.title)\n\n"
            out +=
                "\(chart.yLabel) by \(chart.xLabel) (chart `\(chart.id)`, \(chart.style.rawValue)).\n\n"
            guard chart.style != .points else {
                let rows = chart.series.flatMap { series in
                    series.values.indices.map { index in
                        [
                            series.name, Self.number(series.x[index]),
                            Self.number(series.values[index]),
                            series.low.isEmpty ? "" : Self.number(series.low[index]),
                            series.high.isEmpty ? "" : Self.number(series.high[index]),
                        ]
                    }
                }
                out += TextTable.render(
                    [["series", chart.xLabel, chart.yLabel, "low", "high"]] + rows, markdown: true)
                continue
            }
            let rows = chart.categories.indices.map { index in
                [chart.categories[index]]
                    + chart.series.map { Self.number($0.values[index]) }
            }
            out += TextTable.render(
                [[chart.xLabel] + chart.series.map(\.name)] + rows, markdown: true)
        }
        return out
    }

    /// JSON, one object (docs/report.md gives the schema).
    public var json: String {
        func strings(_ values: [String]) -> String {
            "[" + values.map(JSONText.quote).joined(separator: ",") + "]"
        }
        let facts = facts.map {
            "{\"name\":\(JSONText.quote($0.name)),\"value\":\(JSONText.quote($0.value))}"
        }
        let tables = tables.map {
            "{\"title\":\(JSONText.quote($0.title)),\"header\":\(strings($0.header)),\"rows\":["
                + $0.rows.map(strings).joined(separator: ",") + "]}"
        }
        let charts = charts.map { chart in
            let series = chart.series.map { series in
                func list(_ key: String, _ values: [Double]) -> String {
                    values.isEmpty
                        ? ""
                        : ",\"\(key)\":[" + values.map(Self.number).joined(separator: ",") + "]"
                }
                return "{\"name\":\(JSONText.quote(series.name)),\"values\":["
                    + series.values.map(Self.number).joined(separator: ",") + "]"
                    + list("x", series.x) + list("low", series.low) + list("high", series.high)
                    + "}"
            }
            return "{\"id\":\(JSONText.quote(chart.id)),\"title\":\(JSONText.quote(chart.title)),"
                + "\"style\":\"\(chart.style.rawValue)\",\"x_label\":\(JSONText.quote(chart.xLabel)),"
                + "\"y_label\":\(JSONText.quote(chart.yLabel)),\"categories\":\(strings(chart.categories)),"
                + "\"series\":[" + series.joined(separator: ",") + "]}"
        }
        return "{\"title\":\(JSONText.quote(title)),\"facts\":[" + facts.joined(separator: ",")
            + "],\"tables\":[" + tables.joined(separator: ",") + "],\"charts\":["
            + charts.joined(separator: ",") + "]}\n"
    }

    /// A value as JSON and table text: integers without a decimal point, others with up to six
    /// decimals (the values are counts and amounts in dollars or percent).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
