import RTBCore
import RTBEvents
import RTBMarket
import RTBRunning
import RTBTrace

/// Tables for `rtb-sim test-recovery`.
public enum RecoveryReport {
    public static func render(_ study: RecoveryStudy) -> String {
        var rows = [
            [
                "kill tick", "time", "state match", "market digest", "events replayed",
                "keys lost/back",
                "recovery ms", "deals Δ", "spend Δ $", "disputes Δ",
            ]
        ]
        for result in study.results {
            let disputes = disputeCount(result.totals) - disputeCount(study.baseline)
            rows.append([
                String(result.tick), SimTime(tick: result.tick).description,
                "\(result.fieldsMatching)/\(result.fieldsTotal)",
                result.marketDigestMatches ? "same" : "differs",
                String(result.eventsReplayed), "\(result.keysLost)/\(result.keysRecovered)",
                String(format3(result.recoverySeconds * 1_000)),
                signed(result.totals[.deals] - study.baseline[.deals]),
                Micros(result.totals[.buyerSpend] - study.baseline[.buyerSpend]).dollarsText,
                signed(disputes),
            ])
        }
        var text =
            "scenario \(study.scenario), killing \(study.agents.map(\.description).joined(separator: ", ")), "
            + "\(study.results.count) kill points\n\n" + TextTable.render(rows) + "\n"
        text +=
            "recovery rate: \(study.recoveredCount)/\(study.results.count) kill points recovered to the pre-kill state "
            + "and the uninterrupted market digest\n"
        let times = study.results.map(\.recoverySeconds).sorted()
        if !times.isEmpty {
            text +=
                "recovery time: median \(format3(times[times.count / 2] * 1_000)) ms, max \(format3(times.last! * 1_000)) ms\n"
        }
        if study.scenario != .c {
            text += "\nmean degradation against the baseline (per kill point):\n"
            var degradation = [["metric", "baseline", "mean change"]]
            for counter in [
                Counter.deals, .impressions, .buyerSpend, .negotiations, .reconciledDisputed,
                .reconciledUnresolvable, .disputedSpend,
            ] {
                degradation.append([
                    counter.name, String(study.baseline[counter]),
                    format3(study.meanChange(counter)),
                ])
            }
            degradation.append([
                "goal_attainment_ppm", String(study.baselineGoalAttainmentPpm),
                format3(study.meanGoalAttainmentChangePpm),
            ])
            text += TextTable.render(degradation)
        }
        return text
    }

    /// `test-recovery --json`: one object (docs/json-output.md); recovery times are measured.
    public static func json(_ study: RecoveryStudy) -> String {
        var object = JSONObject()
        object["command"] = .string("test-recovery")
        object["scenario"] = .string(study.scenario.description)
        object["agents"] = .array(study.agents.map { .string($0.description) })
        object["kill_points"] = .int(Int64(study.results.count))
        object["recovered"] = .int(Int64(study.recoveredCount))
        object["baseline_market_digest"] = .string(study.baselineMarketDigest.hex)
        object["results"] = .array(
            study.results.map { result in
                var row = JSONObject()
                row["kill_tick"] = .int(result.tick)
                row["time"] = .string(SimTime(tick: result.tick).description)
                row["fields_matching"] = .int(Int64(result.fieldsMatching))
                row["fields_total"] = .int(Int64(result.fieldsTotal))
                row["market_digest_matches"] = .bool(result.marketDigestMatches)
                row["recovered"] = .bool(result.recovered)
                row["events_replayed"] = .int(result.eventsReplayed)
                row["keys_lost"] = .int(result.keysLost)
                row["keys_recovered"] = .int(result.keysRecovered)
                row["deals_change"] = .int(result.totals[.deals] - study.baseline[.deals])
                row["buyer_spend_change_micros"] = .int(
                    result.totals[.buyerSpend] - study.baseline[.buyerSpend])
                row["disputes_change"] = .int(
                    disputeCount(result.totals) - disputeCount(study.baseline))
                var measured = JSONObject()
                measured["recovery_ms"] = .raw(format3(result.recoverySeconds * 1_000))
                row["measured"] = .object(measured)
                return .object(row)
            })
        return object.text + "\n"
    }

    static func disputeCount(_ counters: Counters) -> Int64 {
        counters[.reconciledDisputed] + counters[.reconciledUnresolvable]
    }

    static func signed(_ value: Int64) -> String { value > 0 ? "+\(value)" : String(value) }

    /// A number with three decimals, from integer arithmetic on the rounded value.
    static func format3(_ value: Double) -> String {
        let thousandths = Int64((value * 1_000).rounded())
        let sign = thousandths < 0 ? "-" : ""
        let magnitude = thousandths.magnitude
        let fraction = String(magnitude % 1_000)
        return sign + String(magnitude / 1_000) + "."
            + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
