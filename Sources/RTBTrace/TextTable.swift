/// Plain or markdown tables with right-aligned numbers.
public enum TextTable {
    public static func render(_ rows: [[String]], markdown: Bool = false) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { column in
            rows.map { $0.count > column ? $0[column].count : 0 }.max() ?? 0
        }
        func pad(_ text: String, _ width: Int, left: Bool) -> String {
            let spaces = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + spaces : spaces + text
        }
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            let cells = first.indices.map { column in
                pad(column < row.count ? row[column] : "", widths[column], left: column == 0)
            }
            lines.append(
                markdown
                    ? "| " + cells.joined(separator: " | ") + " |" : cells.joined(separator: "  "))
            if index == 0 {
                lines.append(
                    markdown
                        ? "|"
                            + widths.enumerated().map {
                                $0.offset == 0
                                    ? " " + String(repeating: "-", count: $0.element) + " "
                                    : " " + String(repeating: "-", count: max(1, $0.element - 1))
                                        + ": "
                            }.joined(separator: "|") + "|"
                        : widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
