import RTBCore
import RTBTrace

extension LabRun {
    /// The round where a canary plants its defect (the middle of the experiment), as a tick.
    var canaryTick: Int64 { config.totalRounds / 2 }

    /// Plays rounds until the iteration ends or a frame is full.
    func playRounds() {
        let target = layout.frameTargetBytes
        while round < config.rounds && log.pendingBytesCount < target {
            playRound()
            round += 1
        }
    }

    /// One auction round (docs/auction-lab.md): context, participants, choices and bids, the
    /// allocation and prices, clicks; recorded, then folded into the accounts and the
    /// learners' data.
    func playRound() {
        let tick = self.tick
        let planted = canary != nil && tick == canaryTick
        context.draw(&environment)
        let agentCount = config.agents.count
        let count = config.participants
        let scratch = self.scratch
        let pool = scratch.pool
        let slotOf = scratch.slotOf
        // Participants: a partial Fisher-Yates shuffle of the pool, undone after the round.
        for index in 0..<count {
            let other = index + Int(environment.next(below: UInt64(agentCount - index)))
            let agent = pool[other]
            pool[other] = pool[index]
            pool[index] = agent
            slotOf[index] = other
            scratch.chosen[index].agent = agent
        }
        for index in Swift.stride(from: count - 1, through: 0, by: -1) {
            let other = slotOf[index]
            let agent = pool[other]
            pool[other] = pool[index]
            pool[index] = agent
        }
        let slots =
            config.maxSlots == 1 ? 1 : 1 + Int(environment.next(below: UInt64(config.maxSlots)))
        if hasUsers { drawUser() }

        // The weights and the context are borrowed once for every participant.
        flatWeights.withUnsafeBufferPointer { weights in
            context.values.withUnsafeBufferPointer { values in
                predictCTRs(count, weights: weights, context: values)
            }
        }
        for p in 0..<count { choose(p) }
        let eligible = rank()
        let bids = scratch.bids
        let ranking = scratch.ranking
        // The accounts' sorted eligible bids are the ranking's (by impression, score is bid).
        let sorted = scratch.sorted
        let rankOf = scratch.rankOf
        if !clickBilling {
            for index in 0..<eligible {
                sorted[index] = bids[ranking[index] * self.stride + 2]
                rankOf[ranking[index]] = index
            }
        }
        if planted && canary == "skip-best" && eligible >= 2 {
            let first = ranking[0]
            ranking[0] = ranking[1]
            ranking[1] = first
        }
        scratch.outcomeCount = 0
        let winners = min(slots, eligible)
        let stride = self.stride
        for slot in 0..<winners {
            let p = ranking[slot]
            let bid = bids[p * stride + 2]
            var price: Int64
            switch config.priceRule {
            case .firstPrice:
                price = bid
            case .secondPrice:
                let next = slot + 1 < eligible ? score(ranking[slot + 1]) : 0
                if clickBilling {
                    let quality = bids[p * stride + 6]
                    price = max(config.reserve, (next + quality - 1) / quality)
                } else {
                    price = max(config.reserve, next)
                }
                if planted && canary == "pay-own-bid" { price = bid }
            }
            if planted && canary == "overcharge" { price = bid + 1 }
            let effect = Double(config.positionEffects[slot]) * 1e-6
            let choice = scratch.chosen[p]
            let click = environment.nextUnit() < effect * choice.trueCTR
            scratch.fill(position: p, price: price, click: click)
            if !clickBilling || click { spent[choice.agent] += price }
            if !exposures.isEmpty {
                let index = user * firstItem.last! + firstItem[choice.agent] + choice.item
                if exposures[index] < UInt16.max { exposures[index] += 1 }
            }
        }
        let bidBuffer = scratch.bidBuffer
        let outcomeBuffer = scratch.outcomeBuffer
        if !(planted && canary == "drop-round") {
            let user = self.user
            log.append { writer, perturbed in
                writer.appendPacked(capacity: (8 + bidBuffer.count + outcomeBuffer.count) * 10) {
                    $0.varint(UInt64(LabEventKind.roundPlayed.rawValue))
                    $0.varint(UInt64(perturbed ? tick + 1 : tick))
                    $0.varint(UInt64(slots))
                    $0.varint(UInt64(user))
                    $0.intRows(bidBuffer, columns: stride)
                    $0.signedVarints(outcomeBuffer)
                }
            }
        }
        accounting.fold(
            bids: bidBuffer, outcome: outcomeBuffer, slots: slots, cvrPpm: cvrPpm,
            into: &accounts, slotOf: slotOf, sorted: sorted,
            sortedCount: clickBilling ? nil : eligible, positions: clickBilling ? nil : rankOf)
        if collectsData { remember(count: count) }
        if (round + 1) % 50 == 0 { pace() }
    }

    /// The true CTR of every participant's items (logistic of the item's weights against the
    /// context), into the scratch's `ctrs`. One loop for all of them: each CTR is a chain of
    /// dependent operations, and chains that do not wait on one another overlap in the
    /// processor. `weights` are the run's `flatWeights`, `context` the round's values.
    @inline(__always)
    func predictCTRs(
        _ count: Int, weights: UnsafeBufferPointer<Double>,
        context values: UnsafeBufferPointer<Double>
    ) {
        let scratch = self.scratch
        let ctrs = scratch.ctrs
        let width = self.width
        var next = 0
        // The logits first, then their logistics in a loop without calls or stores to the
        // run's state, whose iterations the processor overlaps.
        let context = values.baseAddress!
        for p in 0..<count {
            let row = scratch.agentRows[scratch.chosen[p].agent]
            scratch.firstCTR[p] = next
            var item = weights.baseAddress! + row.first * width
            for index in 0..<row.count {
                var logit = 0.0
                for dimension in 0..<width { logit += item[dimension] * context[dimension] }
                ctrs[next + index] = logit
                item += width
            }
            next += row.count
        }
        DeterministicMath.powersOfTwo32.withUnsafeBufferPointer { table in
            let powers = table.baseAddress!
            for index in 0..<next {
                ctrs[index] = DeterministicMath.logistic(ctrs[index], powers: powers)
            }
        }
    }

    /// Participant `p` picks an item, estimates its CTR and bids; its integers are written to
    /// the round's bids. The items' CTRs are in the scratch's `ctrs` (`predictCTRs`). The
    /// learners' steps (Thompson draws, shading) are calls of their own, so the oracle's path
    /// keeps its values in registers.
    @inline(__always)
    func choose(_ p: Int) {
        let scratch = self.scratch
        let agent = scratch.chosen[p].agent
        let row = scratch.agentRows[agent]
        let first = row.first
        let values = scratch.values + first
        let micros = scratch.micros + first
        let ctrs = scratch.ctrs + scratch.firstCTR[p]
        let cvrFactor = self.cvrFactor
        var bestValue = -1.0
        var best = 0
        var bestCTR = 0.0
        for item in 0..<row.count {
            var ctr = ctrs[item]
            if hasUsers { ctr = userCTR(ctr, index: first + item) }
            let value = ctr * values[item] * cvrFactor
            if value > bestValue {
                bestValue = value
                best = item
                bestCTR = ctr
            }
        }
        var pick = best
        var pickCTR = bestCTR
        var estimatedCTR = bestCTR
        if row.thompson { (pick, pickCTR, estimatedCTR) = thompsonPick(p, row) }
        // The oracle knows the user's value of a click; a learner values a click at the item's.
        let knownFactor = row.thompson ? 1 : cvrFactor
        let clickValue = Double(micros[pick]) * knownFactor
        let trueClickValue = Double(micros[pick]) * cvrFactor
        let estimate = estimatedCTR * values[pick] * knownFactor
        let (gamma, sample) = row.truthful ? (1, 1) : shade(agent, estimate)
        var bid =
            clickBilling
            ? Int64(gamma * clickValue) : Int64(gamma * estimatedCTR * clickValue)
        let budget = row.budget
        if budget > 0 && !(canary == "overspend" && tick >= canaryTick) {
            bid = min(bid, budget - spent[agent])
        }
        let value = Int64(pickCTR * trueClickValue)
        scratch.chosen[p].item = pick
        scratch.chosen[p].trueCTR = pickCTR
        scratch.chosen[p].estimate = estimate
        scratch.chosen[p].gamma = gamma
        scratch.chosen[p].sample = sample
        let bids = scratch.bids + p * stride
        bids[0] = Int64(agent)
        bids[1] = Int64(pick)
        bids[2] = bid
        // Recorded as the value minus the bid: 0 for a truthful bidder (docs/auction-lab.md).
        bids[3] = value - bid
        bids[4] = Int64(bestCTR * Double(micros[best]) * cvrFactor) - value
        bids[5] = Int64(estimatedCTR * clickValue) - value
        if clickBilling { bids[6] = max(1, Int64((estimatedCTR * 1e6).rounded())) }
    }

    /// A Thompson-sampling participant's pick: the item whose sampled CTR times its value is
    /// highest (one posterior draw per item, in item order), its true CTR for the round's user
    /// and the posterior's estimate of its CTR.
    @inline(never)
    func thompsonPick(_ p: Int, _ row: AgentRow) -> (item: Int, trueCTR: Double, estimate: Double) {
        let agent = scratch.chosen[p].agent
        let values = scratch.values + row.first
        let ctrs = scratch.ctrs + scratch.firstCTR[p]
        var pick = 0
        var pickScore = -1.0
        for item in 0..<row.count {
            let sampled =
                posteriors[agent]!.sample(item, context.observed, &agentStreams[agent])
                * values[item]
            if sampled > pickScore {
                pickScore = sampled
                pick = item
            }
        }
        var ctr = ctrs[pick]
        if hasUsers { ctr = userCTR(ctr, index: row.first + pick) }
        return (pick, ctr, posteriors[agent]!.estimate(pick, context.observed))
    }

    /// A shading bidder's gamma and the value it remembers for `estimate`.
    @inline(never)
    func shade(_ agent: Int, _ estimate: Double) -> (gamma: Double, sample: Double) {
        bidders[agent].shade(estimate, &agentStreams[agent])
    }

    /// The round's user: drawn from the pool, with its persona's factors.
    func drawUser() {
        user = Int(environment.next(below: UInt64(config.users)))
        if config.personas.isEmpty { return }
        let persona = config.personas[userPersonas[user]]
        ctrFactor = Double(persona.ctrPpm) * 1e-6
        cvrFactor = Double(persona.cvrPpm) * 1e-6
        cvrPpm = persona.cvrPpm
    }

    /// A CTR for the round's user: its persona's factor and its fatigue with the item (halved
    /// every half-life of impressions it has seen), at most 1.
    @inline(__always)
    func userCTR(_ ctr: Double, index: Int) -> Double {
        var result = ctr * ctrFactor
        if !exposures.isEmpty {
            let seen = Double(exposures[user * firstItem.last! + index])
            if seen > 0 {
                result *= DeterministicMath.fastExp(
                    -0.6931471805599453 * seen / Double(config.fatigueHalfLife))
            }
        }
        return min(1, result)
    }

    /// The score ranking participant `p`'s bid.
    @inline(__always)
    func score(_ p: Int) -> Int64 {
        let row = scratch.bids + p * stride
        return clickBilling ? row[2] &* row[6] : row[2]
    }

    /// Sorts the eligible participants (bid > 0 and at least the reserve) by score, ties by
    /// position, into the round's ranking; returns how many.
    @inline(__always)
    func rank() -> Int {
        let ranking = scratch.ranking
        let bids = scratch.bids
        let reserve = config.reserve
        var eligible = 0
        for p in 0..<config.participants {
            let bid = bids[p * stride + 2]
            guard bid > 0 && bid >= reserve else { continue }
            let own = score(p)
            var index = eligible
            while index > 0 && score(ranking[index - 1]) < own {
                ranking[index] = ranking[index - 1]
                index -= 1
            }
            ranking[index] = p
            eligible += 1
        }
        return eligible
    }

    /// Adds the round to the learners' data: bid samples and won impressions.
    func remember(count: Int) {
        let chosen = scratch.chosen
        let outcome = scratch.outcome
        for p in 0..<count {
            let agent = chosen[p].agent
            let slot = scratch.slotOf[p]
            let won = slot >= 0
            if learnsFromData[agent] {
                var utility = 0.0
                if won {
                    let price = Double(outcome[slot * 3 + 1]) * 1e-6
                    let click = outcome[slot * 3 + 2] == 1
                    let value = scratch.values[firstItem[agent] + chosen[p].item] * cvrFactor
                    let effect = Double(config.positionEffects[slot]) * 1e-6
                    switch (bidderKinds[agent], config.billing) {
                    case (.empiricalShaded, .impression): utility = (click ? value : 0) - price
                    case (.empiricalShaded, .click): utility = click ? value - price : 0
                    case (_, .impression): utility = effect * chosen[p].estimate - price
                    case (_, .click):
                        utility = effect * chosen[p].estimate * (1 - price / value)
                    }
                }
                samples[agent].append(
                    BidSample(
                        estimate: chosen[p].estimate, gamma: chosen[p].sample, won: won,
                        utility: utility))
            }
            if won && thompson[agent] {
                let item = chosen[p].item
                impressions[agent][item].features.append(contentsOf: context.observed)
                impressions[agent][item].clicks.append(outcome[slot * 3 + 2] == 1)
            }
        }
    }

    /// Budget-paced agents adjust their multiplier to the spend plan.
    func pace() {
        for agent in bidderKinds.indices where bidderKinds[agent] == .budgetPaced {
            bidders[agent].pace(
                spent: spent[agent], budget: budgets[agent], elapsed: round + 1,
                rounds: config.rounds)
        }
    }
}
