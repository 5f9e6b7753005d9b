import Foundation
import RTBCore
import RTBTrace

/// One creative's baselines: CPM (dollars), CTR (clicks per impression) and CVR (signups per
/// click), each as p10, p50, p90, and the blueprint's win probability.
public struct CreativeBaseline: Equatable, Sendable {
    public var id: String
    public var pWin: Double
    public var cpm: [Double]
    public var ctr: [Double]
    public var cvr: [Double]

    public init(id: String, pWin: Double, cpm: [Double], ctr: [Double], cvr: [Double]) {
        self.id = id
        self.pWin = pWin
        self.cpm = cpm
        self.ctr = ctr
        self.cvr = cvr
    }
}

/// Reads a baselines file: JSON ({"budget", "creatives": [{"id", "p_win", "cpm": [p10, p50,
/// p90], "ctr": [...], "cvr": [...]}]}) or CSV (header creative_id, p_win, cpm_p10, cpm_p50,
/// cpm_p90, ctr_p10 ... cvr_p90). Errors name the file, the row (1-based creative, or CSV line)
/// and the field.
public enum Baselines {
    public static func read(path: String) throws(ConfigError) -> (
        budget: Double?, creatives: [CreativeBaseline]
    ) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalid("baselines", "a readable file (\(path) cannot be read)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let result: (Double?, [CreativeBaseline])
        if path.hasSuffix(".csv") {
            result = (nil, try csv(text, path: path))
        } else {
            result = try json(text, path: path)
        }
        guard !result.1.isEmpty else {
            throw .invalid("baselines", "\(path): at least one creative")
        }
        var seen = Set<String>()
        for (index, creative) in result.1.enumerated() {
            guard seen.insert(creative.id).inserted else {
                throw .invalid(
                    "baselines",
                    "\(path) row \(index + 1) field id: \"\(creative.id)\" appears twice")
            }
        }
        return result
    }

    static func json(_ text: String, path: String) throws(ConfigError) -> (
        Double?, [CreativeBaseline]
    ) {
        let value: JSONValue
        switch JSONValue.parse(text) {
        case .success(let parsed): value = parsed
        case .failure(let error): throw .invalid("baselines", "\(path): JSON (\(error))")
        }
        var budget: Double?
        guard value.isObject else { throw .invalid("baselines", "\(path): a JSON object") }
        for (key, member) in try value.configMembers() {
            switch key {
            case "budget":
                guard let dollars = member.double else {
                    throw .invalid("baselines", "\(path) field budget: a number of dollars")
                }
                budget = dollars
            case "creatives", "_comment": break
            default:
                throw .invalid(
                    "baselines", "\(path) field \(key): one of budget, creatives, _comment")
            }
        }
        guard let items = value["creatives"]?.arrayValue else {
            throw .invalid("baselines", "\(path) field creatives: a list")
        }
        var creatives: [CreativeBaseline] = []
        for (index, item) in items.enumerated() {
            let row = "\(path) row \(index + 1)"
            guard item.isObject else { throw .invalid("baselines", "\(row): an object") }
            for (field, _) in try item.configMembers()
            where !["id", "p_win", "cpm", "ctr", "cvr"].contains(field) {
                throw .invalid(
                    "baselines", "\(row) field \(field): one of id, p_win, cpm, ctr, cvr")
            }
            guard let id = item["id"]?.stringValue, !id.isEmpty else {
                throw .invalid(
                    "baselines", "\(row) field id: a non-empty string (a missing creative)")
            }
            guard let pWin = item["p_win"]?.double else {
                throw .invalid("baselines", "\(row) field p_win: a number")
            }
            var triples: [[Double]] = []
            for field in ["cpm", "ctr", "cvr"] {
                guard let list = item[field]?.arrayValue, list.count == 3,
                    let values = Optional(list.compactMap(\.double)), values.count == 3
                else { throw .invalid("baselines", "\(row) field \(field): [p10, p50, p90]") }
                triples.append(values)
            }
            let creative = CreativeBaseline(
                id: id, pWin: pWin, cpm: triples[0], ctr: triples[1], cvr: triples[2])
            try validate(creative, row: row)
            creatives.append(creative)
        }
        return (budget, creatives)
    }

    static let csvHeader = [
        "creative_id", "p_win", "cpm_p10", "cpm_p50", "cpm_p90", "ctr_p10", "ctr_p50", "ctr_p90",
        "cvr_p10", "cvr_p50", "cvr_p90",
    ]

    static func csv(_ text: String, path: String) throws(ConfigError) -> [CreativeBaseline] {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard
            let header = lines.first?.split(separator: ",").map({
                $0.trimmingCharacters(in: .whitespaces)
            }),
            header == csvHeader
        else {
            throw .invalid(
                "baselines", "\(path) line 1: the header \(csvHeader.joined(separator: ","))")
        }
        var creatives: [CreativeBaseline] = []
        for (offset, line) in lines.dropFirst().enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let row = "\(path) line \(offset + 2)"
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count == csvHeader.count else {
                throw .invalid(
                    "baselines", "\(row): \(csvHeader.count) fields, found \(cells.count)")
            }
            guard !cells[0].isEmpty else {
                throw .invalid("baselines", "\(row) field creative_id: a missing creative")
            }
            var numbers: [Double] = []
            for index in 1..<cells.count {
                guard let number = Double(cells[index]), number.isFinite else {
                    throw .invalid("baselines", "\(row) field \(csvHeader[index]): a number")
                }
                numbers.append(number)
            }
            let creative = CreativeBaseline(
                id: cells[0], pWin: numbers[0], cpm: Array(numbers[1...3]),
                ctr: Array(numbers[4...6]),
                cvr: Array(numbers[7...9]))
            try validate(creative, row: row)
            creatives.append(creative)
        }
        return creatives
    }

    /// p10 <= p50 <= p90, positive rates and prices, rates at most 1, p_win in [0, 1].
    static func validate(_ creative: CreativeBaseline, row: String) throws(ConfigError) {
        guard creative.pWin >= 0 && creative.pWin <= 1 else {
            throw .invalid("baselines", "\(row) field p_win: a probability in [0, 1]")
        }
        for (field, triple) in [
            ("cpm", creative.cpm), ("ctr", creative.ctr), ("cvr", creative.cvr),
        ] {
            guard triple.allSatisfy({ $0 > 0 }) else {
                throw .invalid(
                    "baselines", "\(row) field \(field): positive values (a negative or zero rate)")
            }
            guard triple[0] <= triple[1] && triple[1] <= triple[2] else {
                throw .invalid(
                    "baselines",
                    "\(row) field \(field): p10 <= p50 <= p90 (p10 \(triple[0]), p50 \(triple[1]), p90 \(triple[2]))"
                )
            }
            guard field != "cpm" || triple[2] <= 1e6 else {
                throw .invalid("baselines", "\(row) field cpm: at most 1e6 dollars")
            }
            guard field == "cpm" || triple[2] <= 1 else {
                throw .invalid("baselines", "\(row) field \(field): rates at most 1")
            }
        }
    }
}
