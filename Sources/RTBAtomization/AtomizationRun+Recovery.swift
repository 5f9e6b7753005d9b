import RTBCore
import RTBTrace

/// Scheduled agent kills (config `kills`): after a slot's delivery the agent's memory is
/// wiped; with `recovery: ledger` it reads back from the ledger the events of its window (the
/// monitor: the last 10 slots' deliveries; the creative optimizer: the deliveries and rotations
/// of the 3-hour window, the creatives shown at the window's start found by undoing the later
/// rotations) and rebuilds exactly what it held, so the run goes on unchanged; with
/// `recovery: none` it starts empty. The kill and recovery events are left out of the digest.
extension AtomizationRun {
    /// Slots whose first event's sequence is kept (the fatigue window and its current bucket).
    static let remembered =
        FatigueRule.buckets * FatigueRule.slotsPerBucket + FatigueRule.slotsPerBucket

    func killAgents() throws {
        for kill in config.kills where kill.slot == slot {
            emitExcluded(.agentKilled(AgentKilled(slot: slot, agent: kill.agent)))
            var replayed: Int64 = 0
            switch kill.agent {
            case .monitor:
                for at in windowImpressions.indices {
                    windowImpressions[at] = 0
                    windowClicks[at] = 0
                }
                if config.recovery == .ledger { replayed = try recoverMonitor() }
            case .fatigue:
                window = CreativeWindow(creatives: config.creatives.count)
                if config.recovery == .ledger { replayed = try recoverCreativeWindow() }
            }
            emitExcluded(
                .agentRecovered(
                    AgentRecovered(
                        slot: slot, agent: kill.agent, source: config.recovery, events: replayed)))
        }
    }

    /// The events of the run from the first event of slot `from` on (sealed frames, then the
    /// pending ones), decoded.
    func eventsSince(slot from: Int64) throws -> [AtomEvent] {
        let first = slotStarts[Int(from % Int64(Self.remembered))]
        var chunks = try shared.sealedFrames(from: first).map { ($0.firstSequence, $0.bytes) }
        chunks.append((log.firstPendingSequence, log.pendingBytes))
        var events: [AtomEvent] = []
        for (start, bytes) in chunks {
            var reader = CanonicalReader(bytes)
            var sequence = start
            while !reader.isAtEnd {
                let event = try AtomEvent.decode(from: &reader)
                if sequence >= first { events.append(event) }
                sequence += 1
            }
        }
        return events
    }

    func recoverMonitor() throws -> Int64 {
        let from = max(0, slot - Int64(Self.window) + 1)
        var replayed: Int64 = 0
        for event in try eventsSince(slot: from) {
            switch event.body {
            case .slotDelivered(let delivered) where delivered.slot >= from:
                replayed += 1
                let ring = Int(delivered.slot % Int64(Self.window))
                for (position, cell) in delivered.cells.enumerated() {
                    windowImpressions[Int(cell) * Self.window + ring] =
                        delivered.impressions[position]
                    windowClicks[Int(cell) * Self.window + ring] = delivered.clicks[position]
                }
            case .cellsMerged(let merged):
                // A power cell starts with its winners' window, as the merge gave it.
                replayed += 1
                let power = merged.into * Self.window
                for source in merged.cells.map({ Int($0) * Self.window }) {
                    for at in 0..<Self.window {
                        windowImpressions[power + at] += windowImpressions[source + at]
                        windowClicks[power + at] += windowClicks[source + at]
                        windowImpressions[source + at] = 0
                        windowClicks[source + at] = 0
                    }
                }
            case .slotDelivered, .campaignStarted, .cellCreated, .conversion, .cellFlagged,
                .budgetReallocated, .cellStatusChanged, .dayClosed, .creativeFatigued,
                .decisionRound, .cellRotated, .agentKilled, .agentRecovered, .audienceDiscovered,
                .patternLearned:
                continue
            }
        }
        return replayed
    }

    func recoverCreativeWindow() throws -> Int64 {
        let bucketStart = slot - slot % Int64(FatigueRule.slotsPerBucket)
        let from = max(
            0, bucketStart - Int64((FatigueRule.buckets - 1) * FatigueRule.slotsPerBucket))
        let events = try eventsSince(slot: from)
        // The creatives shown when the window began: undo the window's rotations, last first.
        var shown = creativeOf
        for event in events.reversed() {
            if case .cellRotated(let rotated) = event.body { shown[rotated.cell] = rotated.from }
        }
        var replayed: Int64 = 0
        for event in events {
            switch event.body {
            case .slotDelivered(let delivered):
                replayed += 1
                window.begin(slot: delivered.slot)
                for (position, cell) in delivered.cells.enumerated() {
                    window.add(
                        creative: shown[Int(cell)], slot: delivered.slot,
                        impressions: delivered.impressions[position],
                        clicks: delivered.clicks[position])
                }
            case .cellRotated(let rotated):
                replayed += 1
                shown[rotated.cell] = rotated.to
            case .campaignStarted, .cellCreated, .conversion, .cellFlagged, .budgetReallocated,
                .cellStatusChanged, .dayClosed, .creativeFatigued, .decisionRound, .agentKilled,
                .agentRecovered, .audienceDiscovered, .cellsMerged, .patternLearned:
                continue
            }
        }
        return replayed
    }

    func emitExcluded(_ body: AtomEventBody) {
        log.append(AtomEvent(tick: slot * Self.slotSeconds, body), excludedFromDigest: true)
    }
}
