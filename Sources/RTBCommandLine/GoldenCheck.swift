import RTBCore
import RTBReports
import RTBTrace

/// `rtb-verify check --golden`: a ledger's metrics, recomputed from its events, against a
/// golden file's exact values and ranges.
public enum GoldenCheck {
    public struct Comparison {
        public var passed: Bool
        public var text: String
    }

    public static func compare(
        metrics actual: [NamedMetric], runDigest: Digest32?, goldenPath: String
    )
        throws -> Comparison
    {
        let golden = try GoldenFile.parse(try CommandRunner.read(goldenPath), path: goldenPath)
        var lines: [String] = []
        if let runDigest, runDigest.hex != golden.runDigest {
            lines.append("run digest: golden \(golden.runDigest), ledger \(runDigest.hex)")
        }
        for metric in actual {
            if let expected = golden.metrics.first(where: { $0.name == metric.name })?.value,
                expected != metric.value
            {
                lines.append("\(metric.name): golden \(expected), ledger \(metric.value)")
            }
        }
        let outOfRange = golden.rangeViolations(in: actual)
        lines += outOfRange.map { "out of range: \($0)" }
        let satisfied = golden.ranges.count - outOfRange.count
        var text = "golden \(golden.name): \(satisfied) of \(golden.ranges.count) ranges satisfied"
        text +=
            lines.isEmpty
            ? ", every metric equal\n"
            : "\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
        return Comparison(passed: lines.isEmpty, text: text)
    }
}
