/// One agent's accounts over an iteration, folded from its rounds' recorded integers (so the
/// run and the checker compute them the same way, from the same bytes; the run hands over the
/// eligible bids already sorted by its ranking, the checker sorts the recorded ones).
struct AgentAccounts: Equatable {
    var participations: Int64 = 0
    var wins: Int64 = 0
    var clicks: Int64 = 0
    var spend: Int64 = 0
    var gross: Int64 = 0
    var optimum: Int64 = 0
    var expected: Int64 = 0
    var allocationRegret: Int64 = 0
    var overbidRegret: Int64 = 0
    var underbidRegret: Int64 = 0
    var estimationRegret: Int64 = 0
    var squaredError = 0.0
    var ratioSum = 0.0
    var ratioCount: Int64 = 0
    var gammaSum = 0.0
    var gammaCount: Int64 = 0

    var net: Int64 { gross - spend }
    var ctrRmsePpm: Int64 {
        participations == 0
            ? 0 : Int64(((squaredError / Double(participations)).squareRoot() * 1e6).rounded())
    }
    var ctrBiasPpm: Int64 {
        ratioCount == 0 ? 0 : Int64((ratioSum / Double(ratioCount) * 1e6).rounded())
    }
    var meanGammaPpm: Int64 {
        gammaCount == 0 ? 0 : Int64((gammaSum / Double(gammaCount) * 1e6).rounded())
    }

    func summary(run: Int, iteration: Int, agent: Int) -> AgentIteration {
        AgentIteration(
            run: run, iteration: iteration, agent: agent, participations: participations,
            wins: wins, clicks: clicks, spend: spend, gross: gross, net: net, optimum: optimum,
            expected: expected, allocationRegret: allocationRegret, overbidRegret: overbidRegret,
            underbidRegret: underbidRegret, estimationRegret: estimationRegret,
            ctrRmsePpm: ctrRmsePpm, ctrBiasPpm: ctrBiasPpm, meanGammaPpm: meanGammaPpm)
    }
}

/// The rules that turn a RoundPlayed event's integers into accounts (docs/auction-lab.md):
/// bids holds `stride` integers per participant (agent, item, bid, value - bid, best - value,
/// estimate - value [, quality]); outcome three per filled slot (position, price, click).
struct RoundAccounting {
    let stride: Int
    let billing: Billing
    let reserve: Int64
    let positionEffects: [Int64]
    /// Each agent's click values in the current run (micro-units), per item.
    var values: [[Int64]]

    init(config: LabConfig) {
        stride = config.bidStride
        billing = config.billing
        reserve = config.reserve
        positionEffects = config.positionEffects
        values = Array(repeating: [], count: config.agents.count)
    }

    /// Participant `p`'s true expected value in a recorded round's `bids`, which hold it as
    /// its difference from the bid (0 for a truthful bidder, so one byte); nil when the sum
    /// overflows or is negative (a malformed round).
    static func value(in bids: [Int64], at p: Int, stride: Int) -> Int64? {
        let (value, overflow) = bids[p * stride + 3].addingReportingOverflow(bids[p * stride + 2])
        return overflow || value < 0 ? nil : value
    }

    /// Folds one round into `accounts` (indexed by agent); `cvrPpm` is the round's user's
    /// persona factor on the value of a click. `slotOf` is scratch of at least the
    /// participants' count, `sorted` too; on return `slotOf` holds each participant's filled
    /// slot (-1: none). A caller that has already ranked the round's eligible bids passes them
    /// in `sorted`, descending, and their count as `sortedCount` (the same list this would
    /// sort: a run ranks its bids before it records them), and may pass in `positions` each
    /// eligible participant's index in that list.
    mutating func fold(
        bids: UnsafeBufferPointer<Int64>, outcome: UnsafeBufferPointer<Int64>, slots: Int,
        cvrPpm: Int64,
        into accounts: inout [AgentAccounts], slotOf: UnsafeMutablePointer<Int>,
        sorted: UnsafeMutablePointer<Int64>, sortedCount: Int? = nil,
        positions: UnsafePointer<Int>? = nil
    ) {
        let count = bids.count / stride
        for p in 0..<count { slotOf[p] = -1 }
        // The eligible bids, descending (insertion sort: a round has few participants).
        var eligible = sortedCount ?? 0
        if billing == .impression && sortedCount == nil {
            for p in 0..<count {
                let bid = bids[p * stride + 2]
                guard bid > 0 && bid >= reserve else { continue }
                var index = eligible
                while index > 0 && sorted[index - 1] < bid {
                    sorted[index] = sorted[index - 1]
                    index -= 1
                }
                sorted[index] = bid
                eligible += 1
            }
        }
        let competing = UnsafeBufferPointer(start: sorted, count: eligible)
        var filled = 0
        while filled * 3 < outcome.count {
            slotOf[Int(outcome[filled * 3])] = filled
            filled += 1
        }
        accounts.withUnsafeMutableBufferPointer { accounts in
            for p in 0..<count {
                let base = p * stride
                let agent = Int(bids[base])
                let item = Int(bids[base + 1])
                let bid = bids[base + 2]
                let value = bids[base + 3] + bid
                let bestGap = bids[base + 4]
                let estimateGap = bids[base + 5]
                let estimate = value + estimateGap
                // The value of a click for this round's user (its persona's CVR factor).
                let clickValue =
                    cvrPpm == 1_000_000
                    ? values[agent][item] : values[agent][item] * cvrPpm / 1_000_000
                accounts[agent].participations += 1
                accounts[agent].estimationRegret += estimateGap
                if estimateGap != 0 && clickValue > 0 {
                    let error = Double(estimateGap) / Double(clickValue)
                    accounts[agent].squaredError += error * error
                }
                if billing == .click && clickValue > 0 {
                    accounts[agent].gammaSum += Double(bid) / Double(clickValue)
                    accounts[agent].gammaCount += 1
                } else if estimate > 0 {
                    accounts[agent].gammaSum += bid == estimate ? 1 : Double(bid) / Double(estimate)
                    accounts[agent].gammaCount += 1
                }
                let slot = slotOf[p]
                var realized: Int64 = 0
                if slot >= 0 {
                    let price = outcome[slot * 3 + 1]
                    let click = outcome[slot * 3 + 2] == 1
                    accounts[agent].wins += 1
                    if click {
                        accounts[agent].clicks += 1
                        accounts[agent].gross += clickValue
                    }
                    if billing == .impression || click { accounts[agent].spend += price }
                    if value > 0 {
                        accounts[agent].ratioSum +=
                            estimateGap == 0 ? 1 : Double(estimate) / Double(value)
                        accounts[agent].ratioCount += 1
                    }
                    realized = value * positionEffects[slot] / 1_000_000 - price
                }
                if billing == .impression {
                    let position =
                        !(bid > 0 && bid >= reserve)
                        ? competing.count
                        : positions?[p] ?? competing.firstIndex(of: bid) ?? competing.count
                    let chosen = optimum(value, position: position, sorted: competing, slots: slots)
                    let hindsight =
                        bestGap == 0
                        ? chosen
                        : optimum(
                            value + bestGap, position: position, sorted: competing, slots: slots)
                    accounts[agent].optimum += hindsight
                    accounts[agent].expected += realized
                    accounts[agent].allocationRegret += hindsight - chosen
                    if slot >= 0 {
                        accounts[agent].overbidRegret += chosen - realized
                    } else {
                        accounts[agent].underbidRegret += chosen
                    }
                }
            }
        }
    }

    /// The best expected utility of a bid on `value` against the others' bids: max(0, max over
    /// slots s of value x effect(s) - threshold(s)), threshold(s) = max(reserve, the s-th
    /// highest eligible competing bid, or 0). `sorted` holds the round's eligible bids in
    /// descending order; the participant's own is at `position` (`sorted.count` when it is not
    /// eligible). Among equal bids any copy's index gives the same competitors.
    @inline(__always)
    func optimum(
        _ value: Int64, position: Int, sorted: UnsafeBufferPointer<Int64>, slots: Int
    ) -> Int64 {
        var best: Int64 = 0
        for slot in 0..<slots {
            let index = slot < position ? slot : slot + 1
            let competing = index < sorted.count ? sorted[index] : 0
            let gain = value * positionEffects[slot] / 1_000_000 - max(reserve, competing)
            if gain > best { best = gain }
        }
        return best
    }
}
