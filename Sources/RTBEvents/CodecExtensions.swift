import RTBCore

extension CanonicalReader {
    /// An agent reference.
    public mutating func agent() throws(CanonicalError) -> AgentRef {
        let at = offset
        let code = try varint()
        guard let agent = AgentRef(code: code) else {
            throw .invalidTag(offset: at, tag: code, type: "agent kind")
        }
        return agent
    }

    /// A counted list of open-auction bids.
    public mutating func openBids() throws(CanonicalError) -> [OpenBid] {
        let count = try elementCount(limit: 1 << 16)
        var bids: [OpenBid] = []
        bids.reserveCapacity(count)
        for _ in 0..<count {
            bids.append(OpenBid(campaign: try int(), cents: try int64()))
        }
        return bids
    }
}

extension CanonicalWriter {
    /// A counted list of open-auction bids.
    @inlinable
    public mutating func openBids(_ bids: [OpenBid]) {
        varint(UInt64(bids.count))
        for bid in bids {
            varint(UInt64(bid.campaign))
            varint(UInt64(bid.cents))
        }
    }
}
