import RTBCore

/// Every user's exposures to each creative and current journey (up to four touchpoints,
/// oldest first), laid out so that one user's journey is one contiguous 48-byte run.
struct Journeys {
    struct Touch: Equatable {
        var cell: Int32
        var slot: Int32
        var index: Int32
    }

    static let length = 4
    let creatives: Int
    var exposures: [UInt8]
    var counts: [UInt8]
    var touches: [Touch]

    init(users: Int, creatives: Int) {
        self.creatives = creatives
        exposures = [UInt8](repeating: 0, count: users * creatives)
        counts = [UInt8](repeating: 0, count: users)
        touches = [Touch](
            repeating: Touch(cell: 0, slot: 0, index: 0), count: users * Self.length)
    }

    /// The user's earlier exposures to the creative, counting this one (saturating at 255).
    mutating func expose(user: Int, creative: Int) -> Int {
        let at = user * creatives + creative
        let earlier = exposures[at]
        if earlier < 255 { exposures[at] = earlier + 1 }
        return Int(earlier)
    }

    /// Adds a touchpoint (the oldest drops out when the journey is full).
    mutating func remember(user: Int, _ touch: Touch) {
        let base = user * Self.length
        var count = Int(counts[user])
        if count == Self.length {
            for at in base..<base + Self.length - 1 { touches[at] = touches[at + 1] }
            count -= 1
        }
        touches[base + count] = touch
        counts[user] = UInt8(count + 1)
    }

    /// The journey's touchpoints from `slot` on, oldest first; the journey starts afresh.
    mutating func take(user: Int, since slot: Int64) -> [Touch] {
        let base = user * Self.length
        let taken = touches[base..<base + Int(counts[user])].filter { Int64($0.slot) >= slot }
        counts[user] = 0
        return taken
    }

    /// Exposures as bytes, then per user its touchpoints (count, then cell, slot, index as
    /// varints).
    func encode(into writer: inout CanonicalWriter) {
        writer.bytes.append(contentsOf: exposures)
        for user in counts.indices {
            let count = Int(counts[user])
            writer.u8(UInt8(count))
            for touch in touches[user * Self.length..<user * Self.length + count] {
                writer.varint(UInt64(touch.cell))
                writer.varint(UInt64(touch.slot))
                writer.varint(UInt64(touch.index))
            }
        }
    }

    mutating func decode(from reader: inout CanonicalReader) throws(CanonicalError) {
        for index in exposures.indices { exposures[index] = try reader.u8() }
        for user in counts.indices {
            let at = reader.offset
            let count = try reader.u8()
            guard count <= Self.length else {
                throw .valueOutOfRange(offset: at, value: UInt64(count), limit: UInt64(Self.length))
            }
            counts[user] = count
            for touch in user * Self.length..<user * Self.length + Int(count) {
                touches[touch] = Touch(
                    cell: Int32(clamping: try reader.varint()),
                    slot: Int32(clamping: try reader.varint()),
                    index: Int32(clamping: try reader.varint()))
            }
        }
    }
}
