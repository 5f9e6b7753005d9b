import RTBCore
import RTBTrace

/// Checks a creative-pipeline run from its events: forecast percentiles in order, every honest
/// auction's slot and price against its recorded bids, every study's results against its
/// rounds, each bandit day's funding, that no arm is updated without spend (honest mode), and
/// each slate's precision and rank shift against the forecasts.
public final class PipelineChecker: ModelChecker {
    public static let invariants = [
        InvariantInfo(
            name: "forecast-ordered", summary: "each forecast's CAC p10 <= p50 <= p90"),
        InvariantInfo(
            name: "study-payment",
            summary:
                "honest: our slot is our rank by bid x pCTR among bids at least the reserve, the price per click max(reserve, next score / our pCTR) and at most our bid; reference: the next lower bid"
        ),
        InvariantInfo(
            name: "study-accounts",
            summary: "a study's rounds, wins, clicks, signups and spend equal its rounds' sums"),
        InvariantInfo(
            name: "bandit-budget",
            summary:
                "each day funds the top quartile of the draws, and the allocations sum to the daily budget"
        ),
        InvariantInfo(
            name: "no-phantom-update",
            summary:
                "honest mode: an arm is updated only on a day it was funded, with that day's allocation"
        ),
        InvariantInfo(
            name: "slate-metrics",
            summary:
                "each slate's precision at k and rank shift equal the checker's from the forecasts"),
    ]

    let config: PipelineConfig
    let runFinished: Bool
    public private(set) var tally = CheckTally(invariants: PipelineChecker.invariants)
    var lastSequence: UInt64 = 0
    var referenceCAC: [Int64] = []
    /// The current study's sums: rounds, wins, clicks, signups, spend.
    var sums: [Int64] = [0, 0, 0, 0, 0]
    var funded: [Int: Int64] = [:]  // determinism-ok: looked up by key
    var phantoms = 0
    var metrics: [NamedMetric] = []

    public init(config: PipelineConfig, runFinished: Bool) {
        self.config = config
        self.runFinished = runFinished
    }

    public func observe(_ event: PipeEvent, sequence: UInt64, size: Int) {
        lastSequence = sequence
        switch event.body {
        case .pipelineOpened: break
        case .creativeForecast(let forecast):
            tally.count(
                0, holds: forecast.cacP10 <= forecast.cacP50 && forecast.cacP50 <= forecast.cacP90,
                at: sequence,
                witness:
                    "creative \(forecast.creative): CAC p10 \(forecast.cacP10), p50 \(forecast.cacP50), p90 \(forecast.cacP90)"
            )
            referenceCAC.append(forecast.cacP50.raw)
        case .studyRound(let round): played(round, at: sequence)
        case .creativeStudied(let study):
            let recorded = [study.rounds, study.wins, study.clicks, study.signups, study.spend.raw]
            tally.count(
                2, holds: recorded == sums, at: sequence,
                witness:
                    "creative \(study.creative) point \(study.point): recorded rounds/wins/clicks/signups/spend \(recorded), rounds give \(sums)"
            )
            sums = [0, 0, 0, 0, 0]
        case .banditDay(let day):
            let order = day.draws.indices.sorted {
                day.draws[$0] != day.draws[$1] ? day.draws[$0] > day.draws[$1] : $0 < $1
            }
            let quartile = max(1, day.draws.count / 4)
            tally.count(
                3,
                holds: day.funded == order.prefix(quartile).map(Int64.init)
                    && day.allocations.count == quartile
                    && day.allocations.reduce(0, +) == config.budget, at: sequence,
                witness:
                    "day \(day.day): funded \(day.funded) with \(day.allocations) (sum \(day.allocations.reduce(0, +)), budget \(config.budget)); top draws \(Array(order.prefix(quartile)))"
            )
            funded = [:]
            for (arm, allocation) in zip(day.funded, day.allocations) {
                funded[Int(arm)] = allocation
            }
        case .banditUpdate(let update):
            switch config.mode {
            case .honest:
                tally.count(
                    4, holds: funded[update.arm] == update.spend.raw && update.spend.raw > 0,
                    at: sequence,
                    witness:
                        "day \(update.day): arm \(update.arm) updated with spend \(update.spend) (funded \(funded[update.arm].map(String.init) ?? "no"))"
                )
            case .reference:
                if update.spend.raw == 0 { phantoms += 1 }
            }
        case .slateCompared(let slate): compared(slate, at: sequence)
        case .slateSignificance: break
        }
    }

    func played(_ round: StudyRound, at sequence: UInt64) {
        guard round.bids.count == (PipelineConfig.competitors.count + 1) * 2,
            round.outcome.count == 4
        else {
            tally.count(1, holds: false, at: sequence, witness: "a malformed round")
            return
        }
        let (slot, price, click, signup) = (
            round.outcome[0], round.outcome[1], round.outcome[2], round.outcome[3]
        )
        sums[0] += 1
        if slot > 0 { sums[1] += 1 }
        if click == 1 {
            sums[2] += 1
            sums[4] += price
        }
        sums[3] += signup
        let bids = round.bids
        let count = bids.count / 2
        let expectedSlot: Int64
        let expectedPrice: Int64
        switch config.mode {
        case .honest:
            let order = (0..<count).filter { bids[$0 * 2] > 0 && bids[$0 * 2] >= config.reserve }
                .sorted {
                    let left = bids[$0 * 2] * bids[$0 * 2 + 1]
                    let right = bids[$1 * 2] * bids[$1 * 2 + 1]
                    return left != right ? left > right : $0 < $1
                }
            if let rank = order.firstIndex(of: 0), rank < round.slots {
                expectedSlot = Int64(rank + 1)
                let next =
                    rank + 1 < order.count
                    ? bids[order[rank + 1] * 2] * bids[order[rank + 1] * 2 + 1] : 0
                expectedPrice = min(bids[0], max(config.reserve, (next + bids[1] - 1) / bids[1]))
            } else {
                (expectedSlot, expectedPrice) = (0, 0)
            }
        case .reference:
            let order = (0..<count).sorted { (left: Int, right: Int) -> Bool in
                let (a, b): (Int64, Int64) = (bids[left * 2], bids[right * 2])
                return a != b ? a > b : left < right
            }
            let winners = min(round.slots, (0..<count).count { bids[$0 * 2] >= config.reserve })
            if let rank = order.firstIndex(of: 0), rank < winners {
                expectedSlot = Int64(rank + 1)
                expectedPrice = rank + 1 < count ? bids[order[rank + 1] * 2] : 0
            } else {
                (expectedSlot, expectedPrice) = (0, 0)
            }
        }
        tally.count(
            1, holds: slot == expectedSlot && price == expectedPrice && price <= bids[0],
            at: sequence,
            witness:
                "creative \(round.creative) point \(round.point): slot \(slot) at \(price), the rule gives slot \(expectedSlot) at \(expectedPrice) (our bid \(bids[0]))"
        )
    }

    func compared(_ slate: SlateCompared, at sequence: UInt64) {
        let order = referenceCAC.indices.sorted {
            referenceCAC[$0] != referenceCAC[$1] ? referenceCAC[$0] < referenceCAC[$1] : $0 < $1
        }
        let k = slate.slate.count
        let best = Set(order.prefix(k))
        var rank = Array(repeating: 0, count: order.count)
        for (index, creative) in order.enumerated() { rank[creative] = index + 1 }
        let valid = k > 0 && slate.slate.allSatisfy { $0 >= 0 && Int($0) < order.count }
        let precision =
            valid ? Int64(slate.slate.count { best.contains(Int($0)) }) * 1_000_000 / Int64(k) : -1
        let shift =
            valid
            ? Int64(
                slate.slate.enumerated().reduce(0) {
                    $0 + abs($1.offset + 1 - rank[Int($1.element)])
                }) : -1
        tally.count(
            5, holds: slate.precisionPpm == precision && slate.rankShift == shift, at: sequence,
            witness:
                "\(slate.method) slate: precision \(slate.precisionPpm) ppm and rank shift \(slate.rankShift), the forecasts give \(precision) and \(shift)"
        )
    }

    public func finish() {}

    public var summaryMetrics: [NamedMetric] { [] }

    public var notes: [String] {
        config.mode == .reference
            ? [
                "reference mode: \(phantoms) bandit updates without spend (the reference's phantom signups) are its named behaviour, not counted"
            ] : []
    }
}
