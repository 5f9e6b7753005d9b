import RTBCore
import RTBTrace

/// The checker's side of the money and the cells' states: deliveries against budgets and
/// prices, conversions and their attribution, budget moves, and status changes by their rules.
extension AtomizationChecker {
    func observe(_ delivered: SlotDelivered, at sequence: UInt64) {
        let count = delivered.cells.count
        guard delivered.impressions.count == count, delivered.clicks.count == count,
            delivered.spend.count == count, delivered.cells.allSatisfy(known)
        else {
            tally.count(0, holds: false, at: sequence, witness: "slot \(delivered.slot): bad cells")
            return
        }
        closeRounds(endingAt: delivered.slot - 1, at: sequence)
        window.begin(slot: delivered.slot)
        lastDelivered = delivered.slot
        for (position, cell64) in delivered.cells.enumerated() {
            let cell = Int(cell64)
            window.add(
                creative: creativeOf[cell], slot: delivered.slot,
                impressions: delivered.impressions[position], clicks: delivered.clicks[position])
            let shown = delivered.impressions[position]
            let cost = delivered.spend[position]
            let left = max(0, budget[cell] - spentToday[cell])
            let priced = cost == shown * price[cell]
            tally.count(
                2, holds: priced && cost <= left && shown > 0, at: sequence,
                witness: priced
                    ? "cell \(cell) spent \(cost) with \(left) of its daily budget left"
                    : "cell \(cell) spent \(cost) for \(shown) impressions at \(price[cell])")
            tally.count(
                6, holds: status[cell].isRunning, at: sequence,
                witness: "cell \(cell) delivered \(shown) impressions after it was \(status[cell])")
            if config.discovery {
                for index in 0..<shown {
                    let user = user(of: cell, slot: delivered.slot, index: index)
                    zipImpressions[Int(user) % zipPool.count] += 1
                }
            }
            spentToday[cell] += cost
            spend[cell] += cost
            cellImpressions[cell] += shown
            impressions += shown
            clicks += delivered.clicks[position]
        }
        recent[Int(delivered.slot % (lookback + 1))] = (
            delivered.slot, delivered.cells, delivered.impressions
        )
    }

    func observe(_ conversion: Conversion, at sequence: UInt64) {
        conversions += 1
        let count = conversion.touchCells.count
        guard count > 0, conversion.touchSlots.count == count,
            conversion.touchIndexes.count == count, conversion.fractions.count == count,
            conversion.touchCells.allSatisfy(known)
        else {
            tally.count(
                4, holds: false, at: sequence,
                witness: "conversion \(conversion.conversion): malformed journey")
            return
        }
        let expected = Attribution.fractions(
            config.attribution, touchSlots: conversion.touchSlots, conversionSlot: conversion.slot,
            halfLifeSlots: Int64(config.halfLifeHours * 120))
        tally.count(
            3,
            holds: conversion.fractions == expected
                && conversion.fractions.reduce(0, +) == Attribution.whole,
            at: sequence,
            witness:
                "conversion \(conversion.conversion): credits \(conversion.fractions), \(config.attribution) gives \(expected)"
        )
        for touch in 0..<count {
            let cell = conversion.touchCells[touch]
            let slot = conversion.touchSlots[touch]
            let index = conversion.touchIndexes[touch]
            var recorded = false
            if slot <= conversion.slot, conversion.slot - slot <= lookback, index >= 0 {
                let kept = recent[Int(slot % (lookback + 1))]
                if kept.slot == slot, let at = kept.cells.firstIndex(of: cell) {
                    recorded =
                        index < kept.impressions[at]
                        && user(of: Int(cell), slot: slot, index: index) == conversion.user
                }
            }
            tally.count(
                4, holds: recorded, at: sequence,
                witness:
                    "conversion \(conversion.conversion): touchpoint \(touch) (cell \(cell), slot \(slot), impression \(index)) is not an impression user \(conversion.user) saw"
            )
            let credited = creditedCell(Int(cell))
            conversionsPpm[credited] += conversion.fractions[touch]
            revenue[credited] += Attribution.credit(
                conversion.value, fraction: conversion.fractions[touch])
        }
        if conversion.user >= 0 {
            zipConversions[Int(conversion.user % Int64(zipPool.count))] += 1
        }
    }

    func observe(_ moved: BudgetReallocated, at sequence: UInt64) {
        if moved.reason == .reallocate { reallocations += 1 }
        guard moved.cells.count == moved.deltas.count, moved.cells.allSatisfy(known) else {
            tally.count(1, holds: false, at: sequence, witness: "malformed reallocation")
            return
        }
        switch moved.reason {
        case .spawn: checkFunding(moved, at: sequence)
        case .merge: checkMergeBudgets(moved, at: sequence)
        case .reallocate, .terminate, .synthesize: break
        }
        if moved.reason == .synthesize {
            // A taken pattern with nothing to move records no event: skip those.
            var expected: [(cell: Int, delta: Int64)] = []
            while expected.isEmpty, !takenPatterns.isEmpty {
                expected = Synthesizer.moves(takenPatterns.removeFirst(), synthesizerCells())
            }
            tally.count(
                9,
                holds: moved.cells == expected.map { Int64($0.cell) }
                    && moved.deltas == expected.map(\.delta),
                at: sequence,
                witness: "slot \(moved.slot): a synthesizer move that no taken pattern makes")
        }
        let sum = moved.deltas.reduce(0, +)
        for (cell, delta) in zip(moved.cells, moved.deltas) { budget[Int(cell)] += delta }
        let negative = budget.firstIndex { $0 < 0 }
        tally.count(
            1, holds: sum == 0 && negative == nil, at: sequence,
            witness: negative.map { "cell \($0)'s budget fell to \(budget[$0])" }
                ?? "the changes sum to \(sum), not 0")
    }

    func observe(_ change: CellStatusChanged, at sequence: UInt64) {
        guard change.cell < cells else {
            tally.count(0, holds: false, at: sequence, witness: "status of cell \(change.cell)")
            return
        }
        let cell = change.cell
        let truthful =
            change.conversions == conversionsPpm[cell] && change.revenue.raw == revenue[cell]
            && change.spend.raw == spend[cell]
        let allowed: Bool
        switch change.status {
        case .evergreen:
            graduated += 1
            allowed =
                status[cell] == .test
                && Lifecycle.graduates(
                    conversionsPpm: conversionsPpm[cell], revenue: revenue[cell], spend: spend[cell]
                )
        case .terminated:
            terminated += 1
            allowed =
                status[cell] == .test
                && Lifecycle.terminates(
                    conversionsPpm: conversionsPpm[cell], spend: spend[cell],
                    minTestBudget: config.minTestBudget)
        case .merged:
            let named = pendingMerge?.cells.contains(cell) ?? false
            tally.count(
                12, holds: named && truthful, at: sequence,
                witness: "cell \(cell) merged without a merge naming it")
            status[cell] = .merged
            // Its counters moved to the power cell.
            spentToday[cell] = 0
            spend[cell] = 0
            conversionsPpm[cell] = 0
            revenue[cell] = 0
            cellImpressions[cell] = 0
            return
        case .test:
            allowed = false
        }
        tally.count(
            5, holds: truthful && allowed, at: sequence,
            witness:
                "cell \(cell) \(status[cell]) -> \(change.status) with \(conversionsPpm[cell]) ppm conversions, revenue \(revenue[cell]), spend \(spend[cell])"
        )
        status[cell] = change.status
    }
}
