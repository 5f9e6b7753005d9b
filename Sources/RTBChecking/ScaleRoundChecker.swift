import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

/// Checks scale-mode rounds from their events: the ranking of the recorded top bids, who wins
/// and what each winner pays under the configured mechanism, recomputed independently.
public final class ScaleRoundChecker: ModelChecker {
    public let config: ScaleConfig
    public private(set) var tally = CheckTally(invariants: Invariant.infos)
    /// The next round's number.
    var nextRound = 0
    /// A finished run records every round of its config; an interrupted one a prefix.
    public let runFinished: Bool

    public init(config: ScaleConfig, runFinished: Bool = true) {
        self.config = config
        self.runFinished = runFinished
    }

    func check(
        _ invariant: Invariant, _ holds: Bool, _ sequence: UInt64,
        _ witness: @autoclosure () -> String
    ) {
        tally.count(invariant.rawValue, holds: holds, at: sequence, witness: witness())
    }

    public func finish() {
        guard runFinished else { return }
        check(
            .totalsMatchEvents, nextRound == config.rounds, UInt64(nextRound),
            "\(nextRound) rounds recorded, the config runs \(config.rounds)")
    }

    public var summaryMetrics: [NamedMetric] { [] }
    public var notes: [String] { [] }

    public func observe(_ event: MarketEvent, sequence: UInt64, size: Int) {
        guard case .scaleRound(let round) = event.body else { return }
        check(
            .identifiersSequential, round.round == nextRound && event.tick == Int64(round.round),
            sequence,
            "round \(round.round) at tick \(event.tick) where round \(nextRound) comes next")
        nextRound = round.round == .max ? round.round : round.round + 1
        check(
            .referencesRegistered,
            round.top.allSatisfy { (0..<config.agents).contains($0.campaign) }
                && round.awards.allSatisfy { award in
                    round.top.contains { $0.campaign == award.campaign }
                },
            sequence,
            "round \(round.round) names agents outside the \(config.agents) or awards a bid not in its top"
        )
        let top = round.top
        let ranked = zip(top, top.dropFirst()).allSatisfy {
            $0.cents > $1.cents || ($0.cents == $1.cents && $0.campaign < $1.campaign)
        }
        let winners = min(config.slots, top.count)
        check(
            .efficientAllocation,
            ranked && round.awards.map(\.campaign) == top.prefix(winners).map(\.campaign)
                && top.allSatisfy { $0.cents >= config.reserveCents }, sequence,
            "round \(round.round): awards \(round.awards.map(\.campaign)) for ranked bids \(top.map { "\($0.campaign):\($0.cents)" })"
        )
        let weights = Array(ScaleConfig.slotWeights.prefix(config.slots))
        func bid(_ index: Int) -> Int64 {
            index < top.count ? max(top[index].cents, config.reserveCents) : config.reserveCents
        }
        for (slot, award) in round.awards.enumerated() where slot < winners {
            let expected: Int64
            switch config.mechanism {
            case .firstPrice: expected = top[slot].cents
            case .secondPrice: expected = bid(1)
            case .gsp: expected = RoundingRule.mulDiv(weights[slot], bid(slot + 1), 1_000)
            case .vcg:
                var externality: Int64 = 0
                for lower in slot..<weights.count {
                    let step = weights[lower] - (lower + 1 < weights.count ? weights[lower + 1] : 0)
                    externality = externality.saturatingPlus(step.saturatingTimes(bid(lower + 1)))
                }
                expected = RoundingRule.mulDiv(externality, 1, 1_000)
            }
            check(
                .paymentRule, award.cents == expected, sequence,
                "round \(round.round): slot \(slot) pays \(award.cents)c, \(config.mechanism) says \(expected)c"
            )
            let weight =
                config.mechanism == .gsp || config.mechanism == .vcg ? weights[slot] : 1_000
            // Payments are whole cents rounded by the project rule; rounding is monotonic, so a
            // payment never exceeds the equally rounded value of the slot at the bid.
            check(
                .winnerPaysAtMostBid,
                award.cents <= RoundingRule.mulDiv(top[slot].cents, weight, 1_000), sequence,
                "round \(round.round): agent \(award.campaign) pays \(award.cents)c for a \(top[slot].cents)c bid"
            )
        }
    }
}
