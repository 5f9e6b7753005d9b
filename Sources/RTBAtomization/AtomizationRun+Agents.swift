import RTBCore
import RTBTrace

/// The agents' actions at their cadences: the monitor, the creative optimizer, the synthesizer,
/// budget reallocation and the cells' lifecycle.
extension AtomizationRun {
    /// Flags the cells whose CTR over the window is below half the campaign's.
    func monitor() {
        var totalImpressions: Int64 = 0
        var totalClicks: Int64 = 0
        var perCell: [(Int64, Int64)] = []
        perCell.reserveCapacity(grid.cells.count)
        for cell in status.indices {
            var shown: Int64 = 0
            var clicked: Int64 = 0
            for at in cell * Self.window..<(cell + 1) * Self.window {
                shown += windowImpressions[at]
                clicked += windowClicks[at]
            }
            perCell.append((shown, clicked))
            totalImpressions += shown
            totalClicks += clicked
        }
        for (cell, (shown, clicked)) in perCell.enumerated()
        where shown >= config.monitorMinImpressions && status[cell].isRunning
            && clicked * 2 * totalImpressions < totalClicks * shown
        {
            flagged += 1
            emit(
                .cellFlagged(
                    CellFlagged(
                        slot: slot, cell: cell, impressions: shown, clicks: clicked,
                        campaignImpressions: totalImpressions, campaignClicks: totalClicks)))
        }
    }

    /// The creative optimization agent (every 10 minutes) and the decision engine: each
    /// fatigued creative is reported; those that some cell shows and that have a better
    /// creative to rotate to are recommended (score: the decline, capped at 1; impact 0.5; risk
    /// 0.1); the engine takes them within the risk budget; a taken rotation moves every cell on
    /// the creative to the best other one.
    func optimizeCreatives() {
        let verdicts = window.fatigue(endingAt: slot, minImpressions: config.fatigueMinImpressions)
        var fatigued = verdicts.map { $0 != nil }
        var reported = verdicts
        if canary == "false-fatigue" && !canaryFired && verdicts[0] == nil {
            reported[0] = -150_001
            fatigued[0] = true
            canaryFired = true
        }
        var targets: [Int64] = []
        var recommendations: [DecisionEngine.Recommendation] = []
        for (creative, decline) in reported.enumerated() {
            guard let decline else { continue }
            emit(
                .creativeFatigued(
                    CreativeFatigued(
                        slot: slot, creative: creative, decline: decline,
                        impressions: window.total(creative).impressions)))
            guard creativeOf.contains(creative),
                window.best(from: creative, fatigued: fatigued) != nil
            else { continue }
            targets.append(Int64(creative))
            recommendations.append(
                DecisionEngine.Recommendation(
                    score: min(DecisionEngine.whole, -decline), impact: 500_000, risk: 100_000))
        }
        guard !recommendations.isEmpty else { return }
        let taken = DecisionEngine.take(recommendations)
        var priorities = recommendations.map(\.priority)
        if canary == "bad-priority" && !canaryFired {
            priorities[0] += 1
            canaryFired = true
        }
        emit(
            .decisionRound(
                DecisionRound(
                    slot: slot,
                    kinds: targets.map { _ in Int64(ActionKind.rotateCreative.rawValue) },
                    targets: targets, scores: recommendations.map(\.score),
                    impacts: recommendations.map(\.impact), risks: recommendations.map(\.risk),
                    priorities: priorities, taken: taken.map { $0 ? 1 : 0 })))
        for (target, isTaken) in zip(targets, taken) where isTaken {
            let from = Int(target)
            guard var to = window.best(from: from, fatigued: fatigued) else { continue }
            if canary == "wrong-rotation" && !canaryFired {
                to = from
                canaryFired = true
            }
            for cell in creativeOf.indices where creativeOf[cell] == from {
                creativeOf[cell] = to
                rotations += 1
                emit(.cellRotated(CellRotated(slot: slot, cell: cell, from: from, to: to)))
            }
        }
    }

    /// The cross-platform synthesizer (every 15 minutes): its patterns go to the decision
    /// engine (scale everywhere: impact 0.5, risk 0.1; on one platform: impact 0.25, risk 0.05;
    /// score: the pattern's ROAS lift over its scope, capped at 1); each taken one moves budget.
    func synthesize() {
        let cells = synthesizerCells()
        var found = Synthesizer.patterns(
            cells, audiences: audienceCount, platforms: config.platforms.count)
        guard !found.isEmpty else { return }
        if canary == "wrong-pattern" && !canaryFired {
            found[0].pattern.audience = (found[0].pattern.audience + 1) % audienceCount
            canaryFired = true
        }
        let recommendations = found.map { item in
            DecisionEngine.Recommendation(
                score: item.lift, impact: item.pattern.platform == nil ? 500_000 : 250_000,
                risk: item.pattern.platform == nil ? 100_000 : 50_000)
        }
        let taken = DecisionEngine.take(recommendations)
        emit(
            .decisionRound(
                DecisionRound(
                    slot: slot, kinds: found.map(\.pattern.kind),
                    targets: found.map { $0.pattern.target(audiences: audienceCount) },
                    scores: recommendations.map(\.score), impacts: recommendations.map(\.impact),
                    risks: recommendations.map(\.risk), priorities: recommendations.map(\.priority),
                    taken: taken.map { $0 ? 1 : 0 })))
        for (item, isTaken) in zip(found, taken) where isTaken {
            let changes = Synthesizer.moves(item.pattern, synthesizerCells())
            if !changes.isEmpty { apply(changes, reason: .synthesize) }
        }
    }

    /// The synthesizer sees a power cell as its first audience and platform.
    func synthesizerCells() -> [Synthesizer.Cell] {
        status.indices.map { cell in
            Synthesizer.Cell(
                audience: targeting[cell].audiences[0], platform: targeting[cell].platforms[0],
                running: status[cell].isRunning, spend: spend[cell], revenue: revenue[cell],
                budget: budget[cell])
        }
    }

    /// The config's audiences and the discovered ones.
    var audienceCount: Int { config.audiences.count + discovered.count }

    /// The 2-minute reallocation over the cells with enough spend and impressions.
    func reallocate() {
        let candidates = status.indices.compactMap { cell -> Reallocation.Candidate? in
            guard status[cell].isRunning, impressions[cell] >= config.minImpressions,
                spend[cell] > 0
            else { return nil }
            return Reallocation.Candidate(
                cell: cell, budget: budget[cell], revenue: revenue[cell], spend: spend[cell],
                conversionsPpm: conversionsPpm[cell])
        }
        var changes = Reallocation.plan(candidates)
        guard !changes.isEmpty else { return }
        if canary == "leak-budget" && reallocations == 0 { changes[changes.count - 1].delta += 1 }
        apply(changes, reason: .reallocate)
        reallocations += 1
    }

    func apply(_ changes: [(cell: Int, delta: Int64)], reason: BudgetReason) {
        for change in changes { budget[change.cell] += change.delta }
        emit(
            .budgetReallocated(
                BudgetReallocated(
                    slot: slot, reason: reason, cells: changes.map { Int64($0.cell) },
                    deltas: changes.map(\.delta))))
    }

    /// Graduations and terminations of test cells; a terminated cell's budget is shared
    /// equally over the cells still running (the remainder one micro each to the first).
    func applyLifecycle() {
        for cell in status.indices where status[cell] == .test {
            let graduates =
                Lifecycle.graduates(
                    conversionsPpm: conversionsPpm[cell], revenue: revenue[cell], spend: spend[cell]
                )
                || (canary == "early-graduate" && !canaryFired && conversionsPpm[cell] > 0)
            if graduates {
                if canary == "early-graduate" { canaryFired = true }
                changeStatus(cell, to: .evergreen)
                graduated += 1
            } else if Lifecycle.terminates(
                conversionsPpm: conversionsPpm[cell], spend: spend[cell],
                minTestBudget: config.minTestBudget)
            {
                changeStatus(cell, to: .terminated)
                terminated += 1
                let running = status.indices.filter { status[$0].isRunning }
                // The zombie canary keeps the budget of the cell it keeps delivering.
                guard !running.isEmpty, budget[cell] > 0, !canaryKeepsDelivering(cell) else {
                    continue
                }
                let shares = Attribution.largestRemainder(
                    running.map { _ in 1 }, total: budget[cell])
                apply(
                    [(cell, -budget[cell])] + zip(running, shares).map { ($0, $1) },
                    reason: .terminate)
            }
        }
    }

    func changeStatus(_ cell: Int, to new: CellStatus) {
        status[cell] = new
        emit(
            .cellStatusChanged(
                CellStatusChanged(
                    slot: slot, cell: cell, status: new, conversions: conversionsPpm[cell],
                    revenue: Micros(revenue[cell]), spend: Micros(spend[cell]))))
    }

    /// The zombie-cell canary keeps delivering the first cell it terminated.
    func canaryKeepsDelivering(_ cell: Int) -> Bool {
        canary == "zombie-cell" && cell == status.firstIndex(of: .terminated)
    }
}
