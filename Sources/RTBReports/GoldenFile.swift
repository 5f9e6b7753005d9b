import RTBCore
import RTBTrace

/// A golden file: a canonical run's arguments, exact digests and metrics, expected ranges, and
/// chunk hashes that locate a divergence (golden/README.md).
public struct GoldenFile: Equatable, Sendable {
    public var name: String
    /// `rtb-verify record` options that produce the run.
    public var arguments: [String]
    public var engineVersion: String
    public var runDigest: String
    public var marketDigest: String
    public var events: UInt64
    /// Metric name ("a.deals", "b.hallucination_rate_ppm") and exact value, in report order.
    public var metrics: [NamedMetric]
    /// Expected ranges (inclusive) of some metrics.
    public var ranges: [MetricRange]
    public var chunkEvents: Int
    public var chunkHashes: [String]

    /// Equal content (metric and range order does not matter).
    public static func == (lhs: GoldenFile, rhs: GoldenFile) -> Bool {
        func metrics(_ golden: GoldenFile) -> [String] {
            golden.metrics.map { "\($0.name)=\($0.value)" }.sorted()
        }
        func ranges(_ golden: GoldenFile) -> [String] {
            golden.ranges.map { "\($0.name)=\($0.low)...\($0.high)" }.sorted()
        }
        return lhs.name == rhs.name && lhs.arguments == rhs.arguments
            && lhs.engineVersion == rhs.engineVersion
            && lhs.runDigest == rhs.runDigest && lhs.marketDigest == rhs.marketDigest
            && lhs.events == rhs.events
            && metrics(lhs) == metrics(rhs) && ranges(lhs) == ranges(rhs)
            && lhs.chunkEvents == rhs.chunkEvents
            && lhs.chunkHashes == rhs.chunkHashes
    }

    public init(
        name: String, arguments: [String], engineVersion: String, runDigest: String,
        marketDigest: String,
        events: UInt64, metrics: [NamedMetric], ranges: [MetricRange],
        chunkEvents: Int, chunkHashes: [String]
    ) {
        self.name = name
        self.arguments = arguments
        self.engineVersion = engineVersion
        self.runDigest = runDigest
        self.marketDigest = marketDigest
        self.events = events
        self.metrics = metrics
        self.ranges = ranges
        self.chunkEvents = chunkEvents
        self.chunkHashes = chunkHashes
    }

    // MARK: - JSON

    /// Pretty, sorted-key JSON (one metric per line, so git diffs read well).
    public var json: String {
        func quote(_ text: String) -> String { JSONText.quote(text) }
        var lines = ["{"]
        lines.append("  \"arguments\": [" + arguments.map(quote).joined(separator: ", ") + "],")
        lines.append("  \"chunk_events\": \(chunkEvents),")
        lines.append(
            "  \"chunk_hashes\": [" + chunkHashes.map(quote).joined(separator: ", ") + "],")
        lines.append("  \"engine_version\": \(quote(engineVersion)),")
        lines.append("  \"events\": \(events),")
        lines.append("  \"market_digest\": \(quote(marketDigest)),")
        lines.append("  \"metrics\": {")
        /// `"key": value` lines of a nested object, sorted by key, commas between.
        func members(_ entries: [(key: String, value: String)]) -> [String] {
            let sorted = entries.sorted { $0.key < $1.key }
            return sorted.enumerated().map { index, entry in
                "    \(quote(entry.key)): \(entry.value)" + (index + 1 < sorted.count ? "," : "")
            }
        }
        lines += members(metrics.map { ($0.name, "\($0.value)") })
        lines.append("  },")
        lines.append("  \"name\": \(quote(name)),")
        lines.append("  \"ranges\": {")
        lines += members(ranges.map { ($0.name, "[\($0.low), \($0.high)]") })
        lines.append("  },")
        lines.append("  \"run_digest\": \(quote(runDigest))")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads a golden file; errors name the file and field.
    public static func parse(_ text: String, path: String) throws -> GoldenFile {
        func fail(_ field: String, _ reason: String) -> ResultsError {
            .malformed(path: path, field: field, reason: reason)
        }
        guard case .success(let root) = JSONValue.parse(text), root.isObject else {
            throw fail("(document)", "not a JSON object")
        }
        func string(_ key: String) throws -> String {
            guard let value = root[key]?.stringValue else {
                throw fail(key, "missing or not a string")
            }
            return value
        }
        func strings(_ key: String) throws -> [String] {
            guard let items = root[key]?.arrayValue, items.allSatisfy({ $0.stringValue != nil })
            else {
                throw fail(key, "missing or not a list of strings")
            }
            return items.map { $0.stringValue! }
        }
        guard let events = root["events"]?.int64, events >= 0 else {
            throw fail("events", "missing or not an integer")
        }
        guard let chunkEvents = root["chunk_events"]?.int64, chunkEvents > 0 else {
            throw fail("chunk_events", "not a positive integer")
        }
        guard case .object(let metricTable)? = root["metrics"] else {
            throw fail("metrics", "missing or not an object")
        }
        var metrics: [NamedMetric] = []
        for key in metricTable.keys.sorted() {
            guard let value = metricTable[key]?.int64 else {
                throw fail("metrics.\(key)", "not an integer")
            }
            metrics.append(NamedMetric(key, value))
        }
        guard case .object(let rangeTable)? = root["ranges"] else {
            throw fail("ranges", "missing or not an object")
        }
        var ranges: [MetricRange] = []
        for key in rangeTable.keys.sorted() {
            guard let pair = rangeTable[key]?.arrayValue, pair.count == 2, let low = pair[0].int64,
                let high = pair[1].int64
            else {
                throw fail("ranges.\(key)", "expected [low, high] integers")
            }
            ranges.append(MetricRange(key, low, high))
        }
        return GoldenFile(
            name: try string("name"), arguments: try strings("arguments"),
            engineVersion: try string("engine_version"),
            runDigest: try string("run_digest"), marketDigest: try string("market_digest"),
            events: UInt64(events),
            metrics: metrics, ranges: ranges, chunkEvents: Int(chunkEvents),
            chunkHashes: try strings("chunk_hashes"))
    }

    // MARK: - Comparison

    /// Differences between this (expected) golden and an actual run, most useful first: the
    /// digest, the first differing metric, the others, and where the events first diverge.
    public func differences(from actual: GoldenFile) -> [String] {
        var lines: [String] = []
        if engineVersion != actual.engineVersion {
            lines.append(
                "engine version: golden \(engineVersion), this build \(actual.engineVersion)")
        }
        if runDigest != actual.runDigest {
            lines.append("run digest: expected \(runDigest), actual \(actual.runDigest)")
        }
        if marketDigest != actual.marketDigest {
            lines.append("market digest: expected \(marketDigest), actual \(actual.marketDigest)")
        }
        let actualValues = Dictionary(
            actual.metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })  // determinism-ok: lookups only
        let changed = actual.metrics.map(\.name).compactMap { name -> String? in
            let expected = metrics.first { $0.name == name }?.value
            let value = actualValues[name]!
            guard expected != value else { return nil }
            return "\(name) expected \(expected.map(String.init) ?? "(absent)"), actual \(value)"
        }
        if let first = changed.first { lines.append("first differing metric: \(first)") }
        if changed.count > 1 {
            lines.append(
                "other differing metrics (\(changed.count - 1)): "
                    + changed.dropFirst().prefix(12).joined(separator: "; "))
        }
        if events != actual.events {
            lines.append("events: expected \(events), actual \(actual.events)")
        }
        if let chunk = zip(chunkHashes, actual.chunkHashes).enumerated().first(where: {
            $0.element.0 != $0.element.1
        })?.offset
            ?? (chunkHashes.count != actual.chunkHashes.count
                ? min(chunkHashes.count, actual.chunkHashes.count) : nil)
        {
            lines.append(
                "first divergent event: within events \(chunk * chunkEvents)-\(chunk * chunkEvents + chunkEvents - 1) "
                    + "(chunk \(chunk) of \(chunkEvents) events)")
        }
        return lines
    }

    /// Metrics outside this golden's ranges.
    public func rangeViolations(in actual: [NamedMetric]) -> [String] {
        ranges.compactMap { range in
            guard let value = actual.first(where: { $0.name == range.name })?.value else {
                return "\(range.name): missing (expected \(range.low)...\(range.high))"
            }
            return (range.low...range.high).contains(value)
                ? nil : "\(range.name) = \(value), outside \(range.low)...\(range.high)"
        }
    }
}
