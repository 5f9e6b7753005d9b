import RTBCore
import RTBEvents
import RTBTrace

/// Context rot, restarts, kills and recovery.
///
/// Flat memory model (the reference's): every day after the grace period each agent risks a
/// rot episode, p = 1 - (1 - r)^(day - g); in an episode each key survives with
/// s = (1 - d)^(day - g) (deal notes), 0.9 s (prices, reputation) or 0.8 s (pending
/// negotiations). Each agent may also restart, p = base x (1 + 0.01 day), losing everything.
/// Context model: each day every volatile key survives with the recall its agent's context
/// fill sets (`ContextModel`); restarts as in the flat model. Recovery depends on the trading
/// model: A gets its deals back from the exchange's records, B only from its private store
/// (yesterday's memory, or nothing after rot), C rebuilds from its last ledger snapshot plus
/// the ledger events since.
extension MarketEngine {
    func updateMemories(day: Int) {
        let agents = config.buyers + config.sellers
        for index in 0..<agents {
            let agent = agent(atMemoryIndex: index)
            var random = stream("rot", agent.code, UInt64(day))
            let restartChance =
                Double(config.restartRate.ppm) / 1_000_000 * (1 + 0.01 * Double(day))
            if random.chance(restartChance) {
                let before = state.memories[index]
                emit(
                    .contextRot(
                        ContextRot(
                            agent: agent, cause: .restart, dealsLost: Int64(before.deals.count),
                            pricesLost: Int64(before.priceReferences.filter { $0 != .zero }.count),
                            reputationLost: Int64(before.reputation.count),
                            pendingLost: Int64(before.pending.count))))
                state.memories[index] = before.persistentPart
                recover(agent: agent, trigger: .restart, before: before)
                continue
            }
            switch config.memoryModel {
            case .context:
                // Every key is recalled with the chance the context's fill sets.
                let recall = ContextModel.recall(
                    of: state.memories[index], window: config.contextWindow)
                rotEpisode(
                    index: index, agent: agent,
                    survival: KeySurvival(deals: recall, prices: recall, pending: recall),
                    random: &random)
            case .flat:
                guard day > config.graceDays else { continue }
                let elapsed = Double(day - config.graceDays)
                let episodeChance =
                    1
                    - DeterministicMath.pow(
                        1 - Double(config.rotEpisodeRate.ppm) / 1_000_000, elapsed)
                if random.chance(episodeChance) {
                    let survival = DeterministicMath.pow(
                        1 - Double(config.memoryDecayRate.ppm) / 1_000_000, elapsed)
                    rotEpisode(
                        index: index, agent: agent,
                        survival: KeySurvival(
                            deals: survival, prices: 0.9 * survival, pending: 0.8 * survival),
                        random: &random)
                }
            }
        }
        for index in 0..<agents {
            snapshotMemory(index: index)
        }
    }

    /// The chance that each kind of key survives a rot episode (prices and reputation share
    /// one).
    struct KeySurvival {
        var deals: Double
        var prices: Double
        var pending: Double
    }

    func rotEpisode(
        index: Int, agent: AgentRef, survival: KeySurvival, random: inout RandomStream
    ) {
        let before = state.memories[index]
        var memory = before
        memory.deals.removeAll { _ in random.nextUnit() >= survival.deals }
        var pricesLost: Int64 = 0
        for channel in memory.priceReferences.indices where memory.priceReferences[channel] != .zero
        {
            if random.nextUnit() >= survival.prices {
                memory.priceReferences[channel] = .zero
                pricesLost += 1
            }
        }
        memory.reputation.removeAll { _ in random.nextUnit() >= survival.prices }
        memory.pending.removeAll { _ in random.nextUnit() >= survival.pending }
        let lost = ContextRot(
            agent: agent, cause: .decay, dealsLost: Int64(before.deals.count - memory.deals.count),
            pricesLost: pricesLost,
            reputationLost: Int64(before.reputation.count - memory.reputation.count),
            pendingLost: Int64(before.pending.count - memory.pending.count))
        guard lost.keysLost > 0 else {
            return
        }
        emit(.contextRot(lost))
        state.memories[index] = memory
        if rules.repairsRot { recover(agent: agent, trigger: .rot, before: before) }
    }

    /// B keeps yesterday's memory in its private store; C writes today's to the shared ledger.
    func snapshotMemory(index: Int) {
        switch rules.memorySource {
        case .privateStore:
            state.privateStore[index] = state.memories[index]
        case .sharedLedger:
            let sequence = emit(
                .agentSnapshot(
                    AgentSnapshot(
                        agent: agent(atMemoryIndex: index),
                        state: state.memories[index].canonicalBytes)))
            state.lastSnapshot[index] = sequence
        case .exchangeRecords:
            break
        }
    }

    func kill(_ agent: AgentRef) {
        if agent.kind == .exchange {
            // The exchange's records are durable: a killed exchange restarts with all of them.
            emit(.agentKilled(AgentKilled(agent: agent, keysLost: 0)))
            return
        }
        let index = memoryIndex(agent)
        let before = state.memories[index]
        emit(.agentKilled(AgentKilled(agent: agent, keysLost: Int64(before.keyCount))))
        state.memories[index] = before.persistentPart
        recover(agent: agent, trigger: .kill, before: before)
    }

    /// Rebuilds an agent's memory from its scenario's source and reports how close it came.
    /// The event states how many keys the fault destroyed and how many of them came back with
    /// the value they had (`AgentMemory.restoration`), and whether the whole memory did.
    func recover(agent: AgentRef, trigger: RecoveryTrigger, before: AgentMemory) {
        let index = memoryIndex(agent)
        let damaged = state.memories[index]
        var replayed: Int64 = 0
        let source: RecoverySource
        switch rules.memorySource {
        case .exchangeRecords:
            source = .exchange
            state.memories[index] = exchangeRecords(for: agent, keeping: state.memories[index])
        case .privateStore:
            guard trigger != .rot else { return }
            source = .privateStore
            // The private store is older than the archive: orders archived since it was written
            // are kept once, in the archive.
            var restored = state.privateStore[index]
            restored.archive = state.memories[index].archive
            restored.deals.removeAll { note in restored.archive.contains { $0.deal == note.deal } }
            state.memories[index] = restored
        case .sharedLedger:
            source = .ledger
            var rebuilt = rebuildFromLedger(agent: agent)
            if canary == .brokenRecovery && !rebuilt.memory.deals.isEmpty {
                rebuilt.memory.deals.removeFirst()
            }
            state.memories[index] = rebuilt.memory
            replayed = rebuilt.replayed
        }
        let after = state.memories[index]
        let restoration =
            config.recoveryCountsRestoredKeys
            ? AgentMemory.restoration(before: before, damaged: damaged, after: after)
            : Restoration(lost: before.keyCount, restored: after.keyCount)
        emit(
            .recovery(
                Recovery(
                    agent: agent, trigger: trigger, source: source,
                    keysLost: Int64(restoration.lost),
                    keysRecovered: Int64(restoration.restored), eventsReplayed: replayed,
                    matches: after == before,
                    stateDigest: after.digest)))
    }

    /// Scenario A: the exchange reports every open deal with its delivered count; price
    /// references, reputation and pending negotiations are the agent's own and stay lost.
    func exchangeRecords(for agent: AgentRef, keeping current: AgentMemory) -> AgentMemory {
        var memory = current
        var notes: [DealNote] = []
        for deal in state.deals where !deal.settled {
            let campaign = market.campaigns[deal.campaign]
            let product = market.products[deal.product]
            guard
                (agent.kind == .buyer && campaign.buyer == agent.index)
                    || (agent.kind == .seller && product.seller == agent.index)
            else { continue }
            notes.append(
                DealNote(
                    deal: deal.id, campaign: deal.campaign, product: deal.product,
                    impressions: deal.impressions, cpm: deal.buyerCPM, counted: deal.served,
                    endDay: deal.endDay))
        }
        memory.deals = notes
        return memory
    }

    /// Scenario C: the last ledger snapshot of the agent plus every ledger event after it,
    /// read through the shared ledger (committed frames and the pending buffer). A ledger that
    /// cannot be read, or does not hold the snapshot, is a failure of the world (a full disk,
    /// a damaged file): it is kept in `worldFailure` for `step` to throw, and the agent gets an
    /// empty memory meanwhile (the step's events are never sealed).
    func rebuildFromLedger(agent: AgentRef) -> (memory: AgentMemory, replayed: Int64) {
        do {
            return try readFromLedger(agent: agent)
        } catch {
            if worldFailure == nil { worldFailure = error }
            return (AgentMemory(), 0)
        }
    }

    func readFromLedger(agent: AgentRef) throws -> (memory: AgentMemory, replayed: Int64) {
        let index = memoryIndex(agent)
        // Before its first snapshot an agent's memory is empty at the scenario's first event.
        let snapshot = state.lastSnapshot[index]
        let from = snapshot == UInt64.max ? state.scenarioFirstSequence : snapshot
        var memory = AgentMemory()
        var replayed: Int64 = 0
        var found = snapshot == UInt64.max
        var chunks = try ledger.sealedFrames(from: from).map { ($0.firstSequence, $0.bytes) }
        chunks.append((log.firstPendingSequence, log.pendingBytes))
        for (first, bytes) in chunks {
            var reader = CanonicalReader(bytes)
            var sequence = first
            while !reader.isAtEnd {
                let event = try MarketEvent.decode(from: &reader)
                defer { sequence += 1 }
                if sequence < from { continue }
                if sequence == snapshot {
                    guard case .agentSnapshot(let snapshot) = event.body, snapshot.agent == agent
                    else {
                        throw SharedLedgerError.missingSnapshot(agent: agent, sequence: sequence)
                    }
                    var snapshotReader = CanonicalReader(snapshot.state)
                    memory = try AgentMemory(from: &snapshotReader)
                    found = true
                    continue
                }
                let before = memory
                memory.apply(
                    event, agent: agent, market: market,
                    claims: config.claimHandling(trustsClaims: false))
                if memory != before { replayed += 1 }
            }
        }
        guard found else { throw SharedLedgerError.missingSnapshot(agent: agent, sequence: from) }
        return (memory, replayed)
    }
}

/// What scenario C recovery could not read back from the shared ledger.
public enum SharedLedgerError: Error, Equatable, CustomStringConvertible {
    case missingSnapshot(agent: AgentRef, sequence: UInt64)

    public var description: String {
        switch self {
        case .missingSnapshot(let agent, let sequence):
            return
                "shared ledger: event \(sequence) should be \(agent)'s snapshot but the ledger does not hold it"
        }
    }
}
