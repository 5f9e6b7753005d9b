import RTBCore
import RTBTrace

extension EventLog {
    /// Appends one market event and returns its sequence number; a perturbed event is written
    /// with its tick plus one.
    @inlinable
    @discardableResult
    public mutating func append(_ event: MarketEvent, excludedFromMarketDigest: Bool = false)
        -> UInt64
    {
        append(excludedFromDigest: excludedFromMarketDigest) { writer, perturbed in
            if perturbed {
                var changed = event
                changed.tick += 1
                changed.encode(into: &writer)
            } else {
                event.encode(into: &writer)
            }
        }
    }

    /// Appends bytes that a fast path already encoded as one market event.
    @inlinable
    public mutating func appendEncoded(_ write: (inout CanonicalWriter) -> Void) {
        append { writer, perturbed in
            guard perturbed else {
                write(&writer)
                return
            }
            var scratch = CanonicalWriter(capacity: 64)
            write(&scratch)
            guard var event = try? MarketEvent.decodeAll(scratch.bytes).first else {
                preconditionFailure("fast-path encoder wrote an undecodable event")
            }
            event.tick += 1
            event.encode(into: &writer)
        }
    }
}

extension MemoryFrameStore {
    /// Every market event recorded, decoded.
    public func allEvents() throws -> [MarketEvent] {
        var events: [MarketEvent] = []
        for frame in frames { events += try MarketEvent.decodeAll(frame.bytes) }
        return events
    }
}
