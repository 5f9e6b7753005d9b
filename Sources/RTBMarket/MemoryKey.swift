import RTBCore

/// One volatile key of an agent's memory with its value: what rot destroys, recovery restores
/// and the context model counts tokens for.
public enum MemoryKey: Hashable, Sendable {
    /// An open order.
    case deal(DealNote)
    /// The last agreed price in a channel (code of the channel).
    case price(channel: Int, cpm: Micros)
    /// A product's delivery reliability as the buyer knows it.
    case reputation(ReputationNote)
    /// A negotiation the buyer waits on.
    case pending(PendingNote)
}

/// How much of what a fault destroyed a recovery brought back.
public struct Restoration: Equatable, Sendable {
    /// Keys the fault destroyed or changed.
    public var lost: Int
    /// Of those, the keys recovery brought back with the value they had before the fault.
    public var restored: Int
}

extension AgentMemory {
    /// The volatile keys with their values, in encoding order.
    public var volatileKeys: [MemoryKey] {
        var keys = deals.map(MemoryKey.deal)
        for (channel, cpm) in priceReferences.enumerated() where cpm != .zero {
            keys.append(.price(channel: channel, cpm: cpm))
        }
        keys += reputation.map(MemoryKey.reputation)
        keys += pending.map(MemoryKey.pending)
        return keys
    }

    /// Measures a recovery against what was lost: of the keys `before` held, those `damaged`
    /// (the memory the fault left) no longer holds with the same value are lost; those of them
    /// `after` (the recovered memory) holds with the value they had are restored. A key recovery
    /// brings back with another value (a deal's older count, from a stale store) is not
    /// restored, and keys recovery adds that `before` never held do not count.
    public static func restoration(before: AgentMemory, damaged: AgentMemory, after: AgentMemory)
        -> Restoration
    {
        // Membership only: nothing iterates these sets.
        let kept = Set(damaged.volatileKeys)  // determinism-ok: membership tests only
        let recovered = Set(after.volatileKeys)  // determinism-ok: membership tests only
        var restoration = Restoration(lost: 0, restored: 0)
        for key in before.volatileKeys where !kept.contains(key) {
            restoration.lost += 1
            if recovered.contains(key) { restoration.restored += 1 }
        }
        return restoration
    }
}
