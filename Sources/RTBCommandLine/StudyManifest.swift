import Foundation
import RTBCore
import RTBIntegrity
import RTBTrace

/// The record of one finished cell: what ran, where its ledger is, what it produced.
public struct StudyCellResult: Equatable, Sendable {
    public var index: Int
    public var name: String
    /// The cell's config, canonical JSON text.
    public var config: String
    /// SHA-256 of the model's canonical config bytes.
    public var configDigest: String
    /// The ledger, relative to the study directory.
    public var ledger: String
    public var headHash: String
    public var events: UInt64
    /// The run's summary metrics, canonical JSON text of an object.
    public var metrics: String

    var json: JSONObject {
        var object = JSONObject()
        object["index"] = .int(Int64(index))
        object["name"] = .string(name)
        object["config"] = .raw(config)
        object["config_digest"] = .string(configDigest)
        object["ledger"] = .string(ledger)
        object["head_hash"] = .string(headHash)
        object["events"] = .unsigned(events)
        object["metrics"] = .raw(metrics)
        return object
    }

    static func parse(_ value: JSONValue, field: String, path: String) throws -> StudyCellResult {
        func text(_ key: String) throws -> String {
            guard let text = value[key]?.stringValue else {
                throw CommandFailure(
                    ExitStatus.invalidLedger, "\(path): \(field).\(key): missing or not a string")
            }
            return text
        }
        guard let index = value["index"]?.int64, let events = value["events"]?.int64, events >= 0,
            let config = value["config"], config.isObject, let metrics = value["metrics"],
            metrics.isObject
        else {
            throw CommandFailure(
                ExitStatus.invalidLedger,
                "\(path): \(field): needs index, events, config and metrics")
        }
        return StudyCellResult(
            index: Int(index), name: try text("name"), config: config.canonicalText,
            configDigest: try text("config_digest"), ledger: try text("ledger"),
            headHash: try text("head_hash"), events: UInt64(events),
            metrics: metrics.canonicalText)
    }
}

/// A study's manifest: the spec, every finished cell in cell order, the study digest (over the
/// cells' head hashes, once every cell is in) and the manifest's own digest, which detects an
/// edit. The same cells give the same bytes whatever ran them (jobs, shards, machines); timings
/// and the environment are kept apart, in measurements.json.
public struct StudyManifest: Equatable, Sendable {
    public var spec: String
    public var model: String
    public var cellsTotal: Int
    /// The shard this manifest covers (1-based index, count), nil for a whole study.
    public var shard: (index: Int, count: Int)?
    public var cells: [StudyCellResult]

    public static func == (lhs: StudyManifest, rhs: StudyManifest) -> Bool { lhs.text == rhs.text }

    /// SHA-256 of the cells' head hashes (32 bytes each) in cell order; nil until all are in.
    public var studyDigest: Digest32? {
        guard cells.count == cellsTotal else { return nil }
        var hasher = Sha256()
        for cell in cells { hasher.update(Digest32(hex: cell.headHash)?.bytes ?? []) }
        return hasher.finalize()
    }

    var body: JSONObject {
        var object = JSONObject()
        object["format"] = .int(1)
        object["spec"] = .raw(spec)
        object["spec_digest"] = .string(Sha256.hash(Array(spec.utf8)).hex)
        object["model"] = .string(model)
        object["cells_total"] = .int(Int64(cellsTotal))
        if let shard {
            var value = JSONObject()
            value["index"] = .int(Int64(shard.index))
            value["count"] = .int(Int64(shard.count))
            object["shard"] = .object(value)
        } else {
            object["shard"] = .null
        }
        object["cells"] = .array(cells.map { .object($0.json) })
        object["study_digest"] = studyDigest.map { .string($0.hex) } ?? .null
        return object
    }

    /// The manifest's text: the body and, in it, the SHA-256 of the body without that key.
    public var text: String {
        var object = body
        object["manifest_digest"] = .string(Sha256.hash(Array(body.text.utf8)).hex)
        return object.text + "\n"
    }

    /// Reads a manifest; an edited one (its digest no longer matches) is refused (exit 12).
    public static func load(path: String, text: String) throws -> StudyManifest {
        func fail(_ reason: String) -> CommandFailure {
            CommandFailure(ExitStatus.invalidLedger, "\(path): \(reason)")
        }
        guard case .success(let root) = JSONValue.parse(text), root.isObject else {
            throw fail("not a study manifest (not a JSON object)")
        }
        guard root["format"]?.int64 == 1, let spec = root["spec"], spec.isObject,
            let model = root["model"]?.stringValue, let total = root["cells_total"]?.int64,
            let cells = root["cells"]?.arrayValue, let stored = root["manifest_digest"]?.stringValue
        else {
            throw fail(
                "not a study manifest of format 1 (format, spec, model, cells_total, cells, manifest_digest)"
            )
        }
        var shard: (Int, Int)?
        if let value = root["shard"], value.isObject {
            guard let index = value["index"]?.int64, let count = value["count"]?.int64 else {
                throw fail("shard: needs index and count")
            }
            shard = (Int(index), Int(count))
        }
        let manifest = StudyManifest(
            spec: spec.canonicalText, model: model, cellsTotal: Int(total), shard: shard,
            cells: try cells.enumerated().map {
                try StudyCellResult.parse($1, field: "cells[\($0)]", path: path)
            })
        if Sha256.hash(Array(manifest.body.text.utf8)).hex != stored
            || root.canonicalText + "\n" != manifest.text
        {
            throw fail("the manifest was edited: its content no longer matches its manifest_digest")
        }
        return manifest
    }

    /// Shard manifests of one study combined in cell order (the same manifest whatever the
    /// split); refuses manifests of different studies and cells that disagree.
    public static func merge(_ manifests: [(path: String, manifest: StudyManifest)]) throws
        -> StudyManifest
    {
        guard let first = manifests.first?.manifest else {
            throw CommandFailure(ExitStatus.usage, "give at least one manifest")
        }
        var cells: [Int: StudyCellResult] = [:]
        for (path, manifest) in manifests {
            guard manifest.spec == first.spec, manifest.model == first.model,
                manifest.cellsTotal == first.cellsTotal
            else {
                throw CommandFailure(
                    ExitStatus.usage, "\(path): a manifest of another study (its spec differs)")
            }
            for cell in manifest.cells {
                if let known = cells[cell.index], known != cell {
                    throw CommandFailure(
                        ExitStatus.invalidLedger,
                        "\(path): \(cell.name) differs from the same cell in another manifest")
                }
                cells[cell.index] = cell
            }
        }
        return StudyManifest(
            spec: first.spec, model: first.model, cellsTotal: first.cellsTotal, shard: nil,
            cells: cells.keys.sorted().map { cells[$0]! })
    }
}
