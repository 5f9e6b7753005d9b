import RTBCore
import RTBTrace

/// The checker's side of the cells added as the run goes: discovered audiences and their test
/// cells, merged winners and their power cells, each held to its rule.
extension AtomizationChecker {
    func addCell(
        _ target: CellTargeting, creative: Int, price cellPrice: Int64, budget cellBudget: Int64,
        status new: CellStatus
    ) {
        cells += 1
        price.append(cellPrice)
        budget.append(cellBudget)
        spentToday.append(0)
        spend.append(0)
        cellImpressions.append(0)
        conversionsPpm.append(0)
        revenue.append(0)
        status.append(new)
        creativeOf.append(creative)
        targeting.append(target)
        mergedInto.append(-1)
        reach.append(target.reach(configured: config.audiences.count, discovered: discovered))
    }

    /// The viewer of impression `index` of `cell` in `slot` (the engine's `UserDraw`).
    func user(of cell: Int, slot: Int64, index: Int64) -> Int64 {
        UserDraw.user(
            seed: config.seed, slot: slot, cell: Int64(cell), index: index, users: config.users,
            reach: reach[cell], pool: zipPool.count)
    }

    func creditedCell(_ cell: Int) -> Int { CellTargeting.credited(cell, mergedInto: mergedInto) }

    func isWinner(_ cell: Int) -> Bool {
        status[cell] == .evergreen && Lifecycle.winner(revenue: revenue[cell], spend: spend[cell])
    }

    func bestRunningCell() -> Int? {
        Reallocation.bestRunning(
            status: status, budget: budget, revenue: revenue, spend: spend,
            conversionsPpm: conversionsPpm)
    }

    /// What the discovery rule finds now (nil also when no running cell could model the test
    /// cell, or the run has discovered its maximum).
    func expectedDiscovery() -> DiscoveryRule.Finding? {
        guard discovered.count < config.maxDiscoveries, bestRunningCell() != nil else {
            return nil
        }
        return DiscoveryRule.find(
            zipImpressions: zipImpressions, zipConversions: zipConversions, pool: zipPool,
            signals: config.signalVocabulary.count, known: discovered,
            thresholdPpm: config.discoveryConfidencePpm, sharePpm: config.signalSharePpm,
            minConversions: config.discoveryMinConversions)
    }

    func observe(_ found: AudienceDiscovered, at sequence: UInt64) {
        let recorded = DiscoveryRule.Finding(
            zips: found.zips.map { Int($0) }, signals: found.signals.map { Int($0) },
            impressions: found.impressions, conversions: found.conversions,
            campaignImpressions: found.campaignImpressions,
            campaignConversions: found.campaignConversions, confidence: found.confidence)
        let expected = expectedDiscovery()
        let due = config.discovery && Cadences.due(config.cadences.discovery, after: found.slot)
        tally.count(
            11,
            holds: due && !discoveryRecorded && expected == recorded
                && found.audience == config.audiences.count + discovered.count,
            at: sequence,
            witness:
                "slot \(found.slot): audience \(found.audience) of ZIPs \(found.zips) (confidence \(found.confidence)); the rule gives \(expected.map { "ZIPs \($0.zips) (confidence \($0.confidence))" } ?? "nothing")"
        )
        discoveryRound = found.slot
        discoveryRecorded = true
        let valid = recorded.zips.allSatisfy { $0 >= 0 && $0 < zipPool.count }
        discovered.append(valid && !recorded.zips.isEmpty ? recorded.zips : [0])
        pendingSpawn = (found.audience, bestRunningCell())
    }

    /// A cell created after the product's: the test cell of the audience just discovered.
    func observeSpawn(_ created: CellCreated, at sequence: UInt64) {
        guard let spawn = pendingSpawn, created.cell == cells,
            created.audience == spawn.audience,
            created.audience < config.audiences.count + discovered.count
        else {
            tally.count(
                0, holds: false, at: sequence,
                witness: "cell \(created.cell) created without a discovered audience")
            return
        }
        pendingSpawn = nil
        var matches = created.budget.raw == 0
        if let best = spawn.best {
            matches =
                matches && created.creative == creativeOf[best]
                && created.strategy == targeting[best].strategy
                && created.daypart == targeting[best].dayparts[0]
                && created.platform == targeting[best].platforms[0]
                && created.price.raw == price[best]
        }
        tally.count(
            11, holds: matches, at: sequence,
            witness:
                "cell \(created.cell) is not the best running cell's copy for audience \(spawn.audience)"
        )
        addCell(
            CellTargeting(
                audiences: [created.audience], strategy: created.strategy,
                dayparts: [created.daypart], platforms: [created.platform]),
            creative: created.creative, price: created.price.raw, budget: 0, status: .test)
        pendingFunding = created.cell
    }

    func checkFunding(_ moved: BudgetReallocated, at sequence: UInt64) {
        let expected = pendingFunding.flatMap {
            AtomizationRun.spawnFunding(
                cell: $0, budgets: budget, running: status.map(\.isRunning),
                amount: config.minTestBudget.raw)
        }
        pendingFunding = nil
        tally.count(
            11,
            holds: expected.map {
                $0.map { Int64($0.cell) } == moved.cells && $0.map(\.delta) == moved.deltas
            } ?? false,
            at: sequence, witness: "slot \(moved.slot): a spawn funding the rule does not give")
    }

    func observe(_ merged: CellsMerged, at sequence: UInt64) {
        merges += 1
        let sources = merged.cells.map { Int($0) }
        guard sources.count == 2, sources.allSatisfy({ $0 >= 0 && $0 < cells }),
            sources[0] != sources[1], merged.into == cells,
            merged.strategy < config.bidStrategies.count,
            merged.creative < config.creatives.count,
            let first = merged.audiences.first, let daypart = merged.dayparts.first,
            let platform = merged.platforms.first, first >= 0, daypart >= 0, platform >= 0,
            merged.audiences.allSatisfy({ $0 < Int64(config.audiences.count + discovered.count) }),
            merged.dayparts.allSatisfy({ $0 < Int64(config.dayparts.count) }),
            merged.platforms.allSatisfy({ $0 < Int64(config.platforms.count) })
        else {
            tally.count(12, holds: false, at: sequence, witness: "malformed merge")
            return
        }
        let union =
            creativeOf[sources[0]] == creativeOf[sources[1]]
            ? targeting[sources[0]].merged(with: targeting[sources[1]]) : nil
        let target = CellTargeting(
            audiences: merged.audiences.map { Int($0) }, strategy: merged.strategy,
            dayparts: merged.dayparts.map { Int($0) }, platforms: merged.platforms.map { Int($0) })
        let sums = (
            spend: sources.reduce(0) { $0 + spend[$1] },
            conversions: sources.reduce(0) { $0 + conversionsPpm[$1] },
            revenue: sources.reduce(0) { $0 + revenue[$1] }
        )
        let due =
            config.lifecycle && config.merge
            && Cadences.due(config.cadences.lifecycle, after: merged.slot)
        tally.count(
            12,
            holds: due && pendingMerge == nil && sources.allSatisfy(isWinner) && union == target
                && merged.creative == creativeOf[sources[0]] && merged.spend.raw == sums.spend
                && merged.conversions == sums.conversions && merged.revenue.raw == sums.revenue,
            at: sequence,
            witness:
                "slot \(merged.slot): cells \(sources) merged (statuses \(sources.map { status[$0] })), not two similar winners with these sums"
        )
        addCell(
            target, creative: merged.creative, price: price[sources[0]], budget: 0,
            status: .evergreen)
        let power = cells - 1
        spend[power] = sums.spend
        conversionsPpm[power] = sums.conversions
        revenue[power] = sums.revenue
        spentToday[power] = sources.reduce(0) { $0 + spentToday[$1] }
        cellImpressions[power] = sources.reduce(0) { $0 + cellImpressions[$1] }
        for source in sources { mergedInto[source] = power }
        pendingMerge = (sources, power)
    }

    func checkMergeBudgets(_ moved: BudgetReallocated, at sequence: UInt64) {
        guard let merge = pendingMerge else {
            tally.count(12, holds: false, at: sequence, witness: "a merge move without a merge")
            return
        }
        pendingMerge = nil
        let expected = merge.cells.map { -budget[$0] } + [merge.cells.reduce(0) { $0 + budget[$1] }]
        tally.count(
            12,
            holds: moved.cells == (merge.cells + [merge.into]).map(Int64.init)
                && moved.deltas == expected,
            at: sequence,
            witness:
                "slot \(moved.slot): merge moves \(moved.deltas), the winners' budgets give \(expected)"
        )
    }

    /// At the end of a slot's rounds (checked at the next delivery or the run's end): the
    /// fatigue bucket; a discovery round that recorded nothing must have had nothing to find;
    /// after a lifecycle round no similar winners are left unmerged.
    func closeRounds(endingAt slot: Int64, at sequence: UInt64) {
        guard slot >= 0 else { return }
        // What a discovery or a merge announced must have followed it.
        if let spawn = pendingSpawn {
            tally.count(
                11, holds: false, at: sequence,
                witness: "audience \(spawn.audience) discovered without its test cell")
            pendingSpawn = nil
        }
        if let cell = pendingFunding {
            let owed = AtomizationRun.spawnFunding(
                cell: cell, budgets: budget, running: status.map(\.isRunning),
                amount: config.minTestBudget.raw)
            tally.count(
                11, holds: owed == nil, at: sequence,
                witness: "test cell \(cell) was never funded")
            pendingFunding = nil
        }
        if let merge = pendingMerge {
            tally.count(
                12, holds: false, at: sequence,
                witness: "the merge into cell \(merge.into) moved no budget")
            pendingMerge = nil
        }
        closeBucket(endingAt: slot, at: sequence)
        if config.discovery && Cadences.due(config.cadences.discovery, after: slot) {
            if !(discoveryRecorded && discoveryRound == slot) {
                let expected = expectedDiscovery()
                tally.count(
                    11, holds: expected == nil, at: sequence,
                    witness:
                        "slot \(slot): no audience discovered; the rule finds ZIPs \(expected?.zips ?? [])"
                )
            }
            discoveryRecorded = false
        }
        if config.lifecycle && config.merge && Cadences.due(config.cadences.lifecycle, after: slot)
        {
            let winners = (0..<cells).filter(isWinner)
            var left: (Int, Int)?
            for (position, a) in winners.enumerated() where left == nil {
                for b in winners[(position + 1)...]
                where creativeOf[a] == creativeOf[b]
                    && targeting[a].merged(with: targeting[b]) != nil
                {
                    left = (a, b)
                    break
                }
            }
            tally.count(
                12, holds: left == nil, at: sequence,
                witness:
                    "slot \(slot): winners \(left.map { "\($0.0) and \($0.1)" } ?? "") left unmerged"
            )
        }
    }
}

extension AtomizationChecker {
    /// At the run's end: the learned patterns are exactly the learning rule's, on the
    /// checker's own tallies, in order.
    func checkLearned() {
        let cellsLearned = LearningSystem.cells(
            targeting: targeting, creativeOf: creativeOf, status: status, spend: spend,
            revenue: revenue, impressions: cellImpressions, conversionsPpm: conversionsPpm,
            configured: config.audiences.count)
        let expected = config.learning ? LearningSystem.learn(cellsLearned, config: config) : []
        for position in 0..<max(expected.count, learned.count) {
            let recorded = position < learned.count ? learned[position] : nil
            let rule = position < expected.count ? expected[position] : nil
            let holds =
                recorded.map { event in
                    rule.map {
                        $0.pattern.text == event.pattern.pattern
                            && $0.spend == event.pattern.spend.raw
                            && $0.revenue == event.pattern.revenue.raw
                            && $0.impressions == event.pattern.impressions
                            && $0.conversions == event.pattern.conversions
                            && $0.pattern.liftPpm == event.pattern.lift
                            && $0.pattern.confidencePpm == event.pattern.confidence
                    } ?? false
                } ?? false
            tally.count(
                13, holds: holds, at: recorded?.sequence ?? lastSequence,
                witness:
                    "learned pattern \(position): recorded \(recorded.map { "\($0.pattern.pattern) lift \($0.pattern.lift)" } ?? "none"), the rule gives \(rule.map { "\($0.pattern.text) lift \($0.pattern.liftPpm)" } ?? "none")"
            )
        }
    }
}
