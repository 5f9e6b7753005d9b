import RTBCore
import RTBEvents
import RTBTrace

/// Ratios derived from a scenario's counters (each a ratio of counted events), in ppm so they
/// render exactly. The checker derives them from recorded counts too, so they clamp to Int64's
/// range instead of trapping (a real run's ratios are far inside it).
public struct ScenarioSummary: Sendable {
    public var metrics: ScenarioMetrics

    public init(_ metrics: ScenarioMetrics) {
        self.metrics = metrics
    }

    var totals: Counters { metrics.totals }

    static func ppm(_ numerator: Int64, _ denominator: Int64) -> Int64? {
        denominator <= 0 ? nil : RoundingRule.saturatingMulDiv(numerator, 1_000_000, denominator)
    }

    /// Fees as a share of buyer spend.
    public var takeRatePpm: Int64? { Self.ppm(totals[.fees], totals[.buyerSpend]) }
    /// Hallucinated claims as a share of claims.
    public var hallucinationRatePpm: Int64? {
        Self.ppm(totals[.hallucinatedClaims], totals[.claims])
    }
    /// Recoveries whose memory equals the memory before the loss, as a share of recoveries.
    public var recoveryRatePpm: Int64? {
        Self.ppm(totals[.recoveriesMatching], totals[.recoveries])
    }
    /// Deliveries whose two counts differ, as a share of deliveries.
    public var discrepancyRatePpm: Int64? {
        Self.ppm(totals[.discrepantDeliveries], totals[.deliveries])
    }
    /// Seller revenue as a share of the contract value sellers delivered.
    public var sellerPaidSharePpm: Int64? {
        Self.ppm(totals[.sellerRevenue], totals[.sellerValueDelivered])
    }
    /// Delivered value its buyers did not pay, as a share of the value delivered.
    public var deliveredUnpaidSharePpm: Int64? {
        Self.ppm(totals[.deliveredUnpaid], totals[.sellerValueDelivered])
    }
    /// What buyers' impressions were worth to them beyond what they paid.
    public var buyerSurplus: Micros {
        Micros(totals[.buyerValue].saturatingMinus(totals[.buyerSpend]))
    }
    /// Buyers' surplus counting only impressions up to each campaign's goal, and delivered value
    /// left unpaid as a debt: value within goal - spend - delivered but unpaid. Withholding
    /// payment for what was delivered cannot raise it.
    public var buyerNetSurplus: Micros {
        Micros(
            totals[.buyerValueWithinGoal].saturatingMinus(totals[.buyerSpend]).saturatingMinus(
                totals[.deliveredUnpaid]))
    }
    /// Buyer spend per thousand impressions.
    public var averageCPM: Micros? {
        totals[.impressions] <= 0
            ? nil
            : Micros(
                RoundingRule.saturatingMulDiv(totals[.buyerSpend], 1_000, totals[.impressions]))
    }
    /// Mean over campaigns of min(1, served / goal).
    public var goalAttainmentPpm: Int64? {
        let pairs = zip(metrics.campaignServed, metrics.campaignGoals).filter { $0.1 > 0 }
        guard !pairs.isEmpty else { return nil }
        let sum = pairs.reduce(Int64(0)) {
            $0.saturatingPlus(min(1_000_000, RoundingRule.saturatingMulDiv($1.0, 1_000_000, $1.1)))
        }
        return sum / Int64(pairs.count)
    }
    /// Campaigns reconciled.
    public var campaignsReconciled: Int64 {
        [.reconciledAccepted, .reconciledNegotiated, .reconciledDisputed, .reconciledUnresolvable]
            .reduce(0) { $0.saturatingPlus(totals[$1]) }
    }
    /// Mean days to resolution.
    public var meanResolutionDaysPpm: Int64? {
        Self.ppm(totals[.resolutionDays], campaignsReconciled)
    }

    /// Derived values by name (nil = undefined, e.g. no claims).
    public var derived: [(name: String, ppm: Int64?)] {
        [
            ("take_rate", takeRatePpm),
            ("hallucination_rate", hallucinationRatePpm),
            ("recovery_rate", recoveryRatePpm),
            ("discrepancy_rate", discrepancyRatePpm),
            ("goal_attainment", goalAttainmentPpm),
            ("mean_resolution_days", meanResolutionDaysPpm),
            ("seller_paid_share", sellerPaidSharePpm),
            ("delivered_unpaid_share", deliveredUnpaidSharePpm),
        ]
    }

    /// "0.149934" from ppm (six decimals, exact).
    public static func decimal(_ ppm: Int64) -> String {
        let sign = ppm < 0 ? "-" : ""
        let magnitude = ppm.magnitude
        let fraction = String(magnitude % 1_000_000)
        return sign + String(magnitude / 1_000_000) + "."
            + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// "14.99%" from ppm.
    public static func percent(_ ppm: Int64?) -> String {
        guard let ppm else { return "-" }
        let hundredths = RoundingRule.mulDiv(ppm, 1, 100)
        let fraction = String(hundredths.magnitude % 100)
        return (hundredths < 0 ? "-" : "") + String(hundredths.magnitude / 100) + "."
            + (fraction.count == 1 ? "0" : "") + fraction + "%"
    }
}

extension ScenarioMetrics {
    /// The named metrics of scenarios (run-level sections skipped): every counter as
    /// "<scenario>.<counter>", every ratio as "<scenario>.<ratio>_ppm" (-1 when undefined).
    public static func named(_ scenarios: [ScenarioMetrics]) -> [NamedMetric] {
        var list: [NamedMetric] = []
        for metrics in scenarios where metrics.scenario != .run {
            let prefix = metrics.scenario.description + "."
            for counter in Counter.allCases {
                list.append(NamedMetric(prefix + counter.name, metrics.totals[counter]))
            }
            for (name, ppm) in ScenarioSummary(metrics).derived {
                list.append(NamedMetric(prefix + name + "_ppm", ppm ?? -1))
            }
        }
        return list
    }
}
