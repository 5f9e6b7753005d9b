import RTBCore
import RTBIntegrity
import RTBRunning
import RTBTrace

/// The one-object documents `--json` prints (docs/json-output.md). Wall-clock figures are
/// under "measured" keys, outside everything the run determines.
public enum CommandJSON {
    /// `verify --json`.
    public static func verify(
        _ report: ChainReport, path: String, deep: Bool, pinned: Bool?, problem: String?,
        seconds: Double
    ) -> JSONObject {
        var object = JSONObject()
        object["command"] = .string("verify")
        object["ledger"] = .string(path)
        object["status"] = .string(
            problem != nil
                ? "damaged"
                : report.inProgress
                    ? "intact-prefix-recording"
                    : report.finished ? "intact" : "intact-prefix-unfinished")
        object["problem"] = problem.map { .string($0) } ?? .null
        object["head_hash"] = .string(report.headHash.hex)
        object["finished"] = .bool(report.finished)
        object["frames"] = .int(Int64(report.frames))
        object["events"] = .unsigned(report.events)
        object["checkpoints"] = .int(Int64(report.checkpoints))
        object["raw_bytes"] = .int(report.rawBytes)
        object["deep"] = .bool(deep)
        object["market_digest_recomputed"] = .bool(report.marketDigestChecked)
        object["head_pinned"] = pinned.map { .bool($0) } ?? .null
        object["measured"] = .object(measured(seconds: seconds))
        return object
    }

    /// `check --json`.
    public static func check(
        _ outcome: CheckOutcome, path: String, golden: (path: String, passed: Bool)?
    ) -> JSONObject {
        var object = JSONObject()
        object["command"] = .string("check")
        object["ledger"] = .string(path)
        object["model"] = .string(outcome.model.name)
        object["events"] = .unsigned(outcome.events)
        object["run_digest"] = outcome.runDigest.map { .string($0.hex) } ?? .null
        let tally = outcome.tally
        object["violations"] = .int(tally.totalViolations)
        object["invariants"] = .array(
            tally.invariants.indices.map { index in
                var invariant = JSONObject()
                invariant["name"] = .string(tally.invariants[index].name)
                invariant["summary"] = .string(tally.invariants[index].summary)
                invariant["checked"] = .int(tally.checked[index])
                invariant["violations"] = .int(tally.violations[index])
                invariant["first"] =
                    tally.first[index].map { finding in
                        var first = JSONObject()
                        first["event"] = .unsigned(finding.sequence)
                        first["witness"] = .string(finding.witness)
                        return .object(first)
                    } ?? .null
                return .object(invariant)
            })
        object["metrics"] = .object(metrics(outcome.metrics))
        object["notes"] = .array(outcome.notes.map { .string($0) })
        if let golden {
            var comparison = JSONObject()
            comparison["file"] = .string(golden.path)
            comparison["passed"] = .bool(golden.passed)
            object["golden"] = .object(comparison)
        } else {
            object["golden"] = .null
        }
        return object
    }

    /// `replay --json`.
    public static func replay(_ report: ReplayReport, path: String, seconds: Double) -> JSONObject {
        var object = JSONObject()
        object["command"] = .string("replay")
        object["ledger"] = .string(path)
        object["identical"] = .bool(report.divergence == nil)
        object["run_digest"] = .string(report.runDigest.hex)
        object["events_compared"] = .unsigned(report.eventsCompared)
        object["frames_compared"] = .int(Int64(report.framesCompared))
        object["checkpoints_compared"] = .int(Int64(report.checkpointsCompared))
        object["segments_rerun"] = .int(Int64(report.segmentsRerun))
        object["divergence"] =
            report.divergence.map { .object(divergence($0, path: path)) } ?? .null
        object["measured"] = .object(measured(seconds: seconds))
        return object
    }

    /// `record --json` and `rtb-sim run --json`'s recording part.
    public static func recording(_ outcome: RunOutcome, path: String) -> JSONObject {
        var object = JSONObject()
        object["ledger"] = .string(path)
        object["model"] = .string(outcome.model.name)
        object["summary"] = .string(outcome.summary)
        object["config_digest"] = .string(outcome.configDigest.hex)
        object["run_digest"] = outcome.runDigest.map { .string($0.hex) } ?? .null
        object["market_digest"] = .string(outcome.marketDigest.hex)
        object["events"] = .unsigned(outcome.events)
        object["frames"] = .int(Int64(outcome.frames))
        object["raw_bytes"] = .int(outcome.rawBytes)
        object["bytes_on_disk"] = outcome.bytesOnDisk.map { .int($0) } ?? .null
        object["frames_verified_on_resume"] = .int(Int64(outcome.framesVerifiedOnResume))
        object["frames_rederived_on_resume"] = .int(Int64(outcome.framesRederivedOnResume))
        object["head_file_problem"] = outcome.headFileProblem.map { .string($0) } ?? .null
        object["metrics"] = .object(metrics(outcome.metrics))
        return object
    }

    static func metrics(_ metrics: [NamedMetric]) -> JSONObject {
        var object = JSONObject()
        for metric in metrics { object[metric.name] = .int(metric.value) }
        return object
    }

    static func measured(seconds: Double) -> JSONObject {
        var object = JSONObject()
        object["seconds"] = .raw(String(format: "%.3f", seconds))
        return object
    }

    static func divergence(_ divergence: Divergence, path: String) -> JSONObject {
        var object = JSONObject()
        object["event"] = divergence.sequence.map { .unsigned($0) } ?? .null
        object["frame"] = .int(Int64(divergence.frame))
        object["last_matching_checkpoint"] =
            divergence.lastMatchingCheckpoint.map { .int(Int64($0)) } ?? .null
        object["expected"] = divergence.expected.map { .object(rendered($0)) } ?? .null
        object["actual"] = divergence.actual.map { .object(rendered($0)) } ?? .null
        object["report"] = .string(divergence.report(trace: path))
        return object
    }

    static func rendered(_ event: RenderedEvent) -> JSONObject {
        var object = JSONObject()
        object["kind"] = .string(event.kindName)
        object["headline"] = .string(event.headline)
        object["agent"] = event.agent.map { .string($0) } ?? .null
        object["fields"] = .raw(JSONText.object(event.fields))
        return object
    }
}
