import RTBCore
import RTBEvents

/// The engine's invariant walk (debug builds): between steps, the whole state is checked for
/// the properties every action must preserve, so a bug trips at the step that introduced it
/// rather than at a checker's finding much later. It runs every `walkEverySteps` steps and at
/// the end of the run (each walk is linear in the state; every step would make the debug test
/// suite several times slower). A run with a canary is not walked: canaries break the rules on
/// purpose, for the checker to find.
extension MarketEngine {
    /// Steps between two walks in debug builds.
    static let walkEverySteps = 256

    /// The first invariant the current state breaks, or nil.
    func invariantViolation() -> String? {
        guard state.isConsistent(with: market, config: config) else {
            return "state does not fit the market and config (ids, sizes or schedule out of range)"
        }
        for (index, item) in state.scheduler.heap.enumerated() where item.tick < state.now {
            // The next scenario starts at tick 0: its clock rewinds when the action runs.
            if case .startScenario = item.action { continue }
            return "scheduled action \(index) is due at tick \(item.tick), before now (\(state.now))"
        }
        for (index, deal) in state.deals.enumerated() {
            if deal.id != index { return "deal \(index) carries id \(deal.id)" }
            if deal.served < 0 || deal.served > deal.impressions {
                return "deal \(index) served \(deal.served) of \(deal.impressions) impressions"
            }
        }
        for (index, negotiation) in state.negotiations.enumerated() where negotiation.id != index {
            return "negotiation \(index) carries id \(negotiation.id)"
        }
        for (index, runtime) in state.campaigns.enumerated() {
            let budget = market.campaigns[index].budget
            if runtime.paid > budget || runtime.paid < .zero {
                return "campaign \(index) paid \(runtime.paid) of a \(budget) budget"
            }
            if runtime.served < 0 || runtime.openServed < 0 || runtime.openServed > runtime.served {
                return "campaign \(index) served \(runtime.served), \(runtime.openServed) of them bought one at a time"
            }
        }
        for (index, memory) in state.memories.enumerated() {
            if !isAscending(memory.deals.map(\.deal)) || !isAscending(memory.archive.map(\.deal)) {
                return "memory \(index): deal notes out of order"
            }
            if !isAscending(memory.reputation.map(\.product)) {
                return "memory \(index): reputation notes out of order"
            }
        }
        if log.firstPendingSequence < state.scenarioFirstSequence && state.scenarioIndex > 0
            && !isFinished
        {
            return "the scenario starts after events still pending"
        }
        return nil
    }

    func isAscending(_ values: [Int]) -> Bool {
        zip(values, values.dropFirst()).allSatisfy { $0 < $1 }
    }

    /// Walks the state when due (debug builds only); a violation is a programmer error.
    func walkInvariants() {
        #if DEBUG
            guard canary == nil, stepsTaken % Self.walkEverySteps == 0 || isFinished else { return }
            if let violation = invariantViolation() {
                preconditionFailure("engine invariant broken after step \(stepsTaken): \(violation)")
            }
        #endif
    }
}
