import RTBCore
import RTBTrace

/// Cells added while the run goes: the audience discovery agent's test cells and the lifecycle
/// agent's power cells (docs/atomization.md, the discovery and merge rules).
extension AtomizationRun {
    /// Derives what delivery needs of cell `cell` from its targeting.
    func deriveCell(_ cell: Int) {
        let target = targeting[cell]
        let reachPpm = reachPpm(of: target.audiences)
        let derived = target.members(cell: cell, creative: creativeOf[cell]).map {
            grid.member($0, config: config, reachPpm: reachPpm)
        }
        let mask = target.dayparts.reduce(0) { $0 | 1 << Int(grid.dayparts[$1].rawValue) }
        let zipsReached = target.reach(
            configured: config.audiences.count, discovered: discovered.map(\.zips))
        if cell < members.count {
            members[cell] = derived
            daypartMask[cell] = mask
            reach[cell] = zipsReached
        } else {
            members.append(derived)
            daypartMask.append(mask)
            reach.append(zipsReached)
        }
    }

    /// A configured audience reaches its share of the opportunities (ppm 10^6); a discovered
    /// one the share its ZIPs' residents hold of all users, times the configured audiences'
    /// count (all the inventory of its ZIPs), at most 10^6. A cell with several audiences takes
    /// the largest.
    func reachPpm(of audiences: [Int]) -> Int64 {
        let configured = config.audiences.count
        return audiences.map { audience -> Int64 in
            guard audience >= configured else { return 1_000_000 }
            let residents = discovered[audience - configured].zips.reduce(0) {
                $0 + zips.population($1, users: config.users)
            }
            return min(
                1_000_000, residents * Int64(configured) * 1_000_000 / Int64(config.users))
        }.max() ?? 1_000_000
    }

    /// The cell a credit for an impression of `cell` goes to: the cell, or the power cell it
    /// was merged into (and so on).
    func creditedCell(_ cell: Int) -> Int { CellTargeting.credited(cell, mergedInto: mergedInto) }

    /// Appends a cell (budget 0; the caller moves budget to it).
    func addCell(_ target: CellTargeting, creative: Int, status new: CellStatus) -> Int {
        let cell = status.count
        status.append(new)
        budget.append(0)
        spentToday.append(0)
        spend.append(0)
        impressions.append(0)
        clicks.append(0)
        conversionsPpm.append(0)
        revenue.append(0)
        windowImpressions.append(contentsOf: repeatElement(0, count: Self.window))
        windowClicks.append(contentsOf: repeatElement(0, count: Self.window))
        creativeOf.append(creative)
        targeting.append(target)
        mergedInto.append(-1)
        deriveCell(cell)
        return cell
    }

    /// The audience discovery agent: at most one audience per round (the rule's cluster), and
    /// its test cell, which copies the best running cell's creative, bid strategy and first
    /// daypart and platform and is funded with the minimum test budget, taken from the running
    /// cells in proportion to their budgets.
    func discover() {
        guard discovered.count < config.maxDiscoveries, let best = bestRunningCell() else { return }
        var finding = DiscoveryRule.find(
            zipImpressions: zipImpressions, zipConversions: zipConversions, pool: zips,
            signals: config.signalVocabulary.count, known: discovered.map(\.zips),
            thresholdPpm: config.discoveryConfidencePpm, sharePpm: config.signalSharePpm,
            minConversions: config.discoveryMinConversions)
        if canary == "false-discovery" && !canaryFired {
            canaryFired = true
            if var found = finding {
                if found.zips.count > 1 {
                    found.zips.removeLast()
                } else {
                    found.zips.append((found.zips[0] + 1) % zips.count)
                }
                finding = found
            } else {
                finding = DiscoveryRule.Finding(
                    zips: [0], signals: [], impressions: zipImpressions[0],
                    conversions: zipConversions[0],
                    campaignImpressions: zipImpressions.reduce(0, +),
                    campaignConversions: zipConversions.reduce(0, +), confidence: 1_000_000)
            }
        }
        guard let finding else { return }
        let audience = audienceCount
        discovered.append((finding.zips, finding.signals))
        emit(
            .audienceDiscovered(
                AudienceDiscovered(
                    slot: slot, audience: audience, zips: finding.zips.map(Int64.init),
                    signals: finding.signals.map(Int64.init), impressions: finding.impressions,
                    conversions: finding.conversions,
                    campaignImpressions: finding.campaignImpressions,
                    campaignConversions: finding.campaignConversions,
                    confidence: finding.confidence)))
        let model = targeting[best]
        let target = CellTargeting(
            audiences: [audience], strategy: model.strategy, dayparts: [model.dayparts[0]],
            platforms: [model.platforms[0]])
        let cell = addCell(target, creative: creativeOf[best], status: .test)
        emit(
            .cellCreated(
                CellCreated(
                    cell: cell, audience: audience, creative: creativeOf[cell],
                    strategy: target.strategy, daypart: target.dayparts[0],
                    platform: target.platforms[0], budget: Micros(0),
                    price: Micros(grid.pricePerImpression[target.strategy]))))
        if let changes = Self.spawnFunding(
            cell: cell, budgets: budget, running: status.map(\.isRunning),
            amount: config.minTestBudget.raw)
        {
            apply(changes, reason: .spawn)
        }
    }

    /// The running cell with the best ROAS (the reallocation ranking), among those with spend.
    func bestRunningCell() -> Int? {
        Reallocation.bestRunning(
            status: status, budget: budget, revenue: revenue, spend: spend,
            conversionsPpm: conversionsPpm)
    }

    /// The spawn reallocation: `amount` (at most the running cells' budgets) taken from the
    /// running cells other than `cell` in proportion to their budgets (largest remainder) and
    /// given to `cell`; nil when there is nothing to move.
    static func spawnFunding(cell: Int, budgets: [Int64], running: [Bool], amount: Int64)
        -> [(cell: Int, delta: Int64)]?
    {
        let donors = budgets.indices.filter { $0 != cell && running[$0] && budgets[$0] > 0 }
        let available = donors.reduce(0) { $0 + budgets[$1] }
        let total = min(amount, available)
        guard total > 0 else { return nil }
        let shares = Attribution.largestRemainder(donors.map { budgets[$0] }, total: total)
        return zip(donors, shares).filter { $0.1 > 0 }.map { ($0.0, -$0.1) } + [(cell, total)]
    }

    /// The lifecycle's merge: winners (evergreen, ROAS at least 3.5) are taken in index order,
    /// each merged with the first later similar winner; the power cell is a new evergreen cell
    /// and can itself merge later in the same round.
    func mergeWinners() {
        // Passes repeat until one merges nothing: a power cell made late in a pass may be
        // similar to a winner passed before it.
        var merged = true
        while merged {
            merged = false
            var cell = 0
            while cell < status.count {
                defer { cell += 1 }
                if mergeWithPartner(cell) { merged = true }
            }
        }
    }

    /// Merges winner `cell` with the first later similar winner; whether it did.
    func mergeWithPartner(_ cell: Int) -> Bool {
        guard isWinner(cell) else { return false }
        var partner = (cell + 1..<status.count).first {
            isWinner($0) && creativeOf[$0] == creativeOf[cell]
                && targeting[cell].merged(with: targeting[$0]) != nil
        }
        if canary == "loose-merge" && !canaryFired && partner == nil {
            partner = (cell + 1..<status.count).first { status[$0].isRunning }
            if partner != nil { canaryFired = true }
        }
        guard let partner else { return false }
        merge(cell, partner)
        return true
    }

    func isWinner(_ cell: Int) -> Bool {
        status[cell] == .evergreen && Lifecycle.winner(revenue: revenue[cell], spend: spend[cell])
    }

    func merge(_ first: Int, _ second: Int) {
        let a = targeting[first]
        let b = targeting[second]
        let target =
            a.merged(with: b)
            ?? CellTargeting(
                audiences: Array(Set(a.audiences + b.audiences)).sorted(), strategy: a.strategy,
                dayparts: Array(Set(a.dayparts + b.dayparts)).sorted(),
                platforms: Array(Set(a.platforms + b.platforms)).sorted())
        let power = addCell(target, creative: creativeOf[first], status: .evergreen)
        for source in [first, second] {
            spentToday[power] += spentToday[source]
            spend[power] += spend[source]
            impressions[power] += impressions[source]
            clicks[power] += clicks[source]
            conversionsPpm[power] += conversionsPpm[source]
            revenue[power] += revenue[source]
            // The window moves too, so the monitor's campaign totals count it once.
            for at in 0..<Self.window {
                windowImpressions[power * Self.window + at] +=
                    windowImpressions[source * Self.window + at]
                windowClicks[power * Self.window + at] += windowClicks[source * Self.window + at]
                windowImpressions[source * Self.window + at] = 0
                windowClicks[source * Self.window + at] = 0
            }
        }
        merges += 1
        emit(
            .cellsMerged(
                CellsMerged(
                    slot: slot, cells: [Int64(first), Int64(second)], into: power,
                    audiences: target.audiences.map(Int64.init),
                    dayparts: target.dayparts.map(Int64.init),
                    platforms: target.platforms.map(Int64.init), creative: creativeOf[power],
                    strategy: target.strategy, spend: Micros(spend[power]),
                    conversions: conversionsPpm[power], revenue: Micros(revenue[power]))))
        // The winners' counters move to the power cell (their statuses report them first).
        for source in [first, second] {
            changeStatus(source, to: .merged)
            mergedInto[source] = power
            spentToday[source] = 0
            spend[source] = 0
            impressions[source] = 0
            clicks[source] = 0
            conversionsPpm[source] = 0
            revenue[source] = 0
        }
        apply(
            [
                (first, -budget[first]), (second, -budget[second]),
                (power, budget[first] + budget[second]),
            ],
            reason: .merge)
    }
}

extension AtomizationRun {
    /// What the learning system reads of every cell not merged away: the values of its first
    /// member (a discovered audience as no configured one), and its counters.
    func learningCells() -> [LearningSystem.Cell] {
        LearningSystem.cells(
            targeting: targeting, creativeOf: creativeOf, status: status, spend: spend,
            revenue: revenue, impressions: impressions, conversionsPpm: conversionsPpm,
            configured: config.audiences.count)
    }

    /// The learning system at the run's end: one event per winning pattern.
    func learn() {
        var learned = LearningSystem.learn(learningCells(), config: config)
        if canary == "inflated-lift", !learned.isEmpty { learned[0].pattern.liftPpm += 1 }
        for item in learned {
            emit(
                .patternLearned(
                    PatternLearned(
                        slot: slot, pattern: item.pattern.text, spend: Micros(item.spend),
                        revenue: Micros(item.revenue), impressions: item.impressions,
                        conversions: item.conversions, lift: item.pattern.liftPpm,
                        confidence: item.pattern.confidencePpm)))
        }
    }
}
