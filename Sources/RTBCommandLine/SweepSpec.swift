import Foundation
import RTBTrace

/// A study: one model, a base config, axes to vary and seeds (docs/sweeps.md). Its cells are
/// every combination of the axes' values (axes in name order, the last varying fastest) times
/// every seed (fastest of all), numbered from 0 in that order.
public struct SweepSpec: Sendable {
    /// The model's name ("rtb-market" unless the spec names another).
    public var model: String
    /// The spec as canonical JSON text (its digest identifies the study).
    public var canonicalText: String
    public var cells: [SweepCell]

    /// Reads and checks a spec; errors name the file and the field (exit 64).
    public static func load(path: String, text: String) throws -> SweepSpec {
        func fail(_ field: String, _ reason: String) -> CommandFailure {
            CommandFailure(ExitStatus.usage, "\(path): \(field): \(reason)")
        }
        let root: JSONValue
        switch JSONValue.parse(text) {
        case .success(let value): root = value
        case .failure(let error): throw fail("(document)", "not JSON: \(error)")
        }
        guard case .object(let members) = root else { throw fail("(document)", "not an object") }
        for key in members.keys.sorted() where !["model", "base", "axes", "seeds"].contains(key) {
            throw fail(key, "unknown key (expected model, base, axes, seeds)")
        }
        let model =
            try members["model"].map { value -> String in
                guard let name = value.stringValue else { throw fail("model", "not a string") }
                return name
            } ?? "rtb-market"
        var base: [String: JSONValue] = [:]
        if let value = members["base"] {
            guard case .object(let object) = value else { throw fail("base", "not an object") }
            base = object
        }
        var axes: [(String, [JSONValue])] = []
        if let value = members["axes"] {
            guard case .object(let object) = value else { throw fail("axes", "not an object") }
            for name in object.keys.sorted() {
                guard let values = object[name]!.arrayValue, !values.isEmpty else {
                    throw fail("axes.\(name)", "not a non-empty list of values")
                }
                guard name != "seed" else { throw fail("axes.seed", "seeds go in \"seeds\"") }
                axes.append((name, values))
            }
        }
        guard let seedValues = members["seeds"]?.arrayValue, !seedValues.isEmpty else {
            throw fail("seeds", "missing or not a non-empty list of seeds")
        }
        let seeds = try seedValues.enumerated().map { index, value -> String in
            guard case .number(let text) = value, UInt64(text) != nil else {
                throw fail("seeds[\(index)]", "not an unsigned 64-bit integer")
            }
            return text
        }
        guard base["seed"] == nil else { throw fail("base.seed", "seeds go in \"seeds\"") }
        // The cartesian product, last axis fastest, then the seeds.
        var combinations: [[(String, JSONValue)]] = [[]]
        for (name, values) in axes {
            combinations = combinations.flatMap { prefix in values.map { prefix + [(name, $0)] } }
        }
        var cells: [SweepCell] = []
        for combination in combinations {
            for seed in seeds {
                var config = base
                for (name, value) in combination { config[name] = value }
                config["seed"] = .number(seed)
                let index = cells.count
                cells.append(
                    SweepCell(
                        index: index, name: String(format: "cell-%04d", index),
                        config: JSONValue.object(config).canonicalText))
            }
        }
        guard cells.count <= 100_000 else {
            throw fail("axes", "\(cells.count) cells: at most 100000")
        }
        return SweepSpec(model: model, canonicalText: root.canonicalText, cells: cells)
    }
}

/// One cell of a study: its number, name and config (canonical JSON text, as a config file).
public struct SweepCell: Equatable, Sendable {
    public var index: Int
    public var name: String
    public var config: String
}
