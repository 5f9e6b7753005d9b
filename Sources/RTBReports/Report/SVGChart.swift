import Foundation

/// Draws a `ReportChart` as an inline SVG element: axes with rounded ticks, grid lines, one
/// polyline (lines) or one group of bars (bars) per series, and a legend. The same chart always
/// gives the same text.
enum SVGChart {
    static let width = 720.0
    static let left = 72.0
    static let right = 16.0
    static let top = 16.0
    /// Colours that stay apart for the colour-blind (Okabe-Ito).
    static let palette = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
    ]

    static func svg(_ chart: ReportChart) -> String {
        if chart.style == .points { return points(chart) }
        let count = max(chart.categories.count, 1)
        let band = (width - left - right) / Double(count)
        // Long or many category names are written slanted, in a taller margin.
        let longest = chart.categories.map(\.count).max() ?? 0
        let slanted = Double(longest) * 6.5 > band
        let bottom = slanted ? 64 + min(Double(longest) * 5, 110) : 64
        let height = 256 + bottom
        let values = chart.series.flatMap(\.values).filter(\.isFinite)
        let (low, high, step) = scale(
            min: min(0, values.min() ?? 0), max: max(values.max() ?? 1, 0))
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (value - low) / (high - low)) }
        var out = opening(chart, height: height)
        // Grid and y ticks.
        var tick = low
        while tick <= high + step / 2 {
            out +=
                "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\" stroke=\"#dddddd\"/>\n"
            out +=
                "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" font-size=\"11\">\(label(tick))</text>\n"
            tick += step
        }
        out +=
            "<line x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" stroke=\"#333333\"/>\n"
        out +=
            "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(0)))\" y2=\"\(f(y(0)))\" stroke=\"#333333\"/>\n"
        // X labels: at most about 40 slanted or 16 level, evenly spaced.
        let every = max(1, Int((Double(count) / (slanted ? 40 : 16)).rounded(.up)))
        for (index, category) in chart.categories.enumerated() where index % every == 0 {
            let x = f(left + band * (Double(index) + 0.5))
            let y = f(top + plotHeight + 16)
            out +=
                slanted
                ? "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"end\" font-size=\"11\" transform=\"rotate(-40 \(x) \(y))\">\(escape(category))</text>\n"
                : "<text x=\"\(x)\" y=\"\(y)\" text-anchor=\"middle\" font-size=\"11\">\(escape(category))</text>\n"
        }
        out +=
            "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 26))\" text-anchor=\"middle\" font-size=\"12\">\(escape(chart.xLabel))</text>\n"
        out +=
            "<text x=\"14\" y=\"\(f(top + plotHeight / 2))\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 \(f(top + plotHeight / 2)))\">\(escape(chart.yLabel))</text>\n"
        // Marks.
        for (number, series) in chart.series.enumerated() {
            let colour = palette[number % palette.count]
            switch chart.style {
            case .lines:
                let points = series.values.enumerated().filter { $0.element.isFinite }.map {
                    "\(f(left + band * (Double($0.offset) + 0.5))),\(f(y($0.element)))"
                }
                out +=
                    "<polyline class=\"series\" data-series=\"\(escape(series.name))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
                if series.values.count <= 60 {
                    for point in points {
                        let xy = point.split(separator: ",")
                        out +=
                            "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"\(colour)\"/>\n"
                    }
                }
            case .points:
                break
            case .bars:
                let slot = band * 0.8 / Double(max(chart.series.count, 1))
                for (index, value) in series.values.enumerated() where value.isFinite {
                    let x = left + band * (Double(index) + 0.1) + slot * Double(number)
                    let top = min(y(value), y(0))
                    let barHeight = max(abs(y(value) - y(0)), value == 0 ? 0 : 1)
                    out +=
                        "<rect class=\"series\" data-series=\"\(escape(series.name))\" x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(max(slot - 1, 1)))\" height=\"\(f(barHeight))\" fill=\"\(colour)\"/>\n"
                }
            }
        }
        return out + legend(chart, height: height) + "</svg>"
    }

    /// The svg element's opening and its white background.
    static func opening(_ chart: ReportChart, height: Double) -> String {
        "<svg class=\"chart\" data-chart=\"\(escape(chart.id))\" "
            + "viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" "
            + "role=\"img\" aria-label=\"\(escape(chart.title))\">\n"
            + "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>\n"
    }

    static func legend(_ chart: ReportChart, height: Double) -> String {
        var out = ""
        var x = left
        for (number, series) in chart.series.enumerated() {
            let colour = palette[number % palette.count]
            out +=
                "<rect x=\"\(f(x))\" y=\"\(f(height - 18))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>\n"
            out +=
                "<text x=\"\(f(x + 16))\" y=\"\(f(height - 8))\" font-size=\"12\">\(escape(series.name))</text>\n"
            x += 28 + Double(series.name.count) * 7
        }
        return out
    }

    /// A scatter: numeric axes from the points (and whiskers), a circle per point, a vertical
    /// whisker from low to high where given.
    static func points(_ chart: ReportChart) -> String {
        let bottom = 64.0
        let height = 256 + bottom
        let xs = chart.series.flatMap(\.x).filter(\.isFinite)
        let ys = chart.series.flatMap { $0.values + $0.low + $0.high }.filter(\.isFinite)
        let (xLow, xHigh, xStep) = scale(min: min(0, xs.min() ?? 0), max: max(xs.max() ?? 1, 0))
        let (yLow, yHigh, yStep) = scale(min: min(0, ys.min() ?? 0), max: max(ys.max() ?? 1, 0))
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        func x(_ value: Double) -> Double { left + plotWidth * (value - xLow) / (xHigh - xLow) }
        func y(_ value: Double) -> Double {
            top + plotHeight * (1 - (value - yLow) / (yHigh - yLow))
        }
        var out = opening(chart, height: height)
        var tick = yLow
        while tick <= yHigh + yStep / 2 {
            out +=
                "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\" stroke=\"#dddddd\"/>\n"
            out +=
                "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\" font-size=\"11\">\(label(tick))</text>\n"
            tick += yStep
        }
        tick = xLow
        while tick <= xHigh + xStep / 2 {
            out +=
                "<text x=\"\(f(x(tick)))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"11\">\(label(tick))</text>\n"
            tick += xStep
        }
        out +=
            "<line x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" stroke=\"#333333\"/>\n"
        out +=
            "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(yLow)))\" y2=\"\(f(y(yLow)))\" stroke=\"#333333\"/>\n"
        out +=
            "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 26))\" text-anchor=\"middle\" font-size=\"12\">\(escape(chart.xLabel))</text>\n"
        out +=
            "<text x=\"14\" y=\"\(f(top + plotHeight / 2))\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 \(f(top + plotHeight / 2)))\">\(escape(chart.yLabel))</text>\n"
        for (number, series) in chart.series.enumerated() {
            let colour = palette[number % palette.count]
            for index in series.values.indices
            where index < series.x.count && series.x[index].isFinite
                && series.values[index].isFinite
            {
                let px = f(x(series.x[index]))
                if index < series.low.count, index < series.high.count {
                    out +=
                        "<line x1=\"\(px)\" x2=\"\(px)\" y1=\"\(f(y(series.low[index])))\" y2=\"\(f(y(series.high[index])))\" stroke=\"\(colour)\"/>\n"
                }
                out +=
                    "<circle class=\"series\" data-series=\"\(escape(series.name))\" cx=\"\(px)\" cy=\"\(f(y(series.values[index])))\" r=\"3\" fill=\"\(colour)\"/>\n"
            }
        }
        return out + legend(chart, height: height) + "</svg>"
    }

    /// The axis range and tick step: a step of 1, 2 or 5 times a power of ten, about 5 ticks.
    static func scale(min low: Double, max high: Double) -> (Double, Double, Double) {
        let span = high - low > 0 ? high - low : 1
        let raw = span / 5
        let power = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        return ((low / step).rounded(.down) * step, (high / step).rounded(.up) * step, step)
    }

    /// Tick labels: 1.5K, 2M, 0.25.
    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        for (limit, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]
        where magnitude >= limit {
            return trimmed(value / limit) + suffix
        }
        return trimmed(value)
    }

    static func trimmed(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
            of: "<", with: "&lt;"
        )
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

extension ReportDocument {
    /// A self-contained HTML page: inline CSS and SVG, no script, no external resource.
    public var html: String {
        let e = SVGChart.escape
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>\(e(title))</title>
            <style>
            body { font-family: sans-serif; margin: 24px auto; max-width: 1000px; color: #222222; }
            table { border-collapse: collapse; margin: 8px 0 24px; font-size: 13px; }
            th, td { border: 1px solid #cccccc; padding: 3px 8px; }
            td { text-align: right; } td:first-child, th:first-child { text-align: left; }
            figure { margin: 0 0 28px; } figcaption { font-weight: bold; margin-bottom: 6px; }
            .facts td { text-align: left; font-family: monospace; word-break: break-all; }
            </style></head>
            <body>
            <h1>\(e(title))</h1>
            <table class="facts">

            """
        for fact in facts { out += "<tr><th>\(e(fact.name))</th><td>\(e(fact.value))</td></tr>\n" }
        out += "</table>\n"
        for chart in charts {
            out +=
                "<figure id=\"chart-\(e(chart.id))\"><figcaption>\(e(chart.title))</figcaption>\n"
            out += SVGChart.svg(chart) + "\n</figure>\n"
        }
        for table in tables {
            out += "<h2>\(e(table.title))</h2>\n<table>\n<tr>"
            out += table.header.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
            for row in table.rows {
                out += "<tr>" + row.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n"
            }
            out += "</table>\n"
        }
        return out + "</body></html>\n"
    }
}
