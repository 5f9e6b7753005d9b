import RTBCore
import RTBTrace

/// A checkpoint (taken between intervals) holds the phase, the next interval and order number,
/// the book (each side in priority order), every quote stream, the learners' memories, the per-agent counts and the totals;
/// the prosumers are redrawn from the config.
extension ElectricityRun {
    func makeCheckpoint() -> EngineCheckpoint {
        var writer = CanonicalWriter()
        log.encodePosition(into: &writer)
        writer.u8(phase.rawValue)
        writer.varint(cursor)
        writer.varint(interval)
        writer.varint(nextOrder)
        for side in [Side.buy, .sell] {
            let orders = book.orders(side)
            writer.varint(orders.count)
            for order in orders {
                writer.varint(order.id)
                writer.varint(order.agent)
                writer.signedVarint(order.limit)
                writer.signedVarint(order.quoted)
                writer.signedVarint(order.remaining)
                writer.varint(order.interval)
            }
        }
        for stream in quoteStreams {
            let state = stream.state
            for word in [state.0, state.1, state.2, state.3] { writer.u64(word) }
        }
        for learner in learners {
            writer.signedVarints(learner.plays)
            writer.signedVarints(learner.surplus)
            writer.signedVarint(learner.updates)
        }
        writer.signedVarints(agentDecisions)
        writer.signedVarints(agentOffers)
        writer.signedVarints(agentCalls)
        for value in [
            totals.intervals, totals.trades, totals.traded, totals.postedBuy, totals.postedSell,
            totals.unserved, totals.curtailed, totals.welfare, totals.bound, totals.wHatPpmSum,
            totals.activeIntervals, totals.aboveOne,
        ] {
            writer.signedVarint(value)
        }
        return EngineCheckpoint(
            frameCount: log.framesSealed, nextSequence: log.nextSequence, state: writer.bytes)
    }

    convenience init(
        config: ElectricityConfig, checkpoint: EngineCheckpoint, environment: RunEnvironment
    ) throws(CanonicalError) {
        self.init(config: config, environment: environment)
        var reader = CanonicalReader(checkpoint.state)
        try log.restorePosition(from: &reader, checkpoint: checkpoint)
        let at = reader.offset
        guard let phase = Phase(rawValue: try reader.u8()) else {
            throw .valueOutOfRange(offset: at, value: 0, limit: 2)
        }
        self.phase = phase
        cursor = try reader.int()
        interval = try reader.int()
        nextOrder = try reader.varint()
        var sides: [[Order]] = []
        for side in [Side.buy, .sell] {
            let count = try reader.int()
            var orders: [Order] = []
            orders.reserveCapacity(min(count, 1 << 20))
            for _ in 0..<count {
                let id = try reader.varint()
                let agent = try reader.int()
                guard agent < config.agents else {
                    throw .valueOutOfRange(
                        offset: reader.offset, value: UInt64(agent), limit: UInt64(config.agents))
                }
                orders.append(
                    Order(
                        id: id, agent: agent, side: side, limit: try reader.signedVarint(),
                        quoted: try reader.signedVarint(), remaining: try reader.signedVarint(),
                        interval: try reader.int()))
            }
            sides.append(orders)
        }
        book = OrderBook()
        for order in sides[0] + sides[1] { book.insert(order) }
        for agent in 0..<config.agents {
            let state = (try reader.u64(), try reader.u64(), try reader.u64(), try reader.u64())
            guard let stream = RandomStream(state: state) else {
                throw .valueOutOfRange(offset: reader.offset, value: 0, limit: 0)
            }
            quoteStreams[agent] = stream
        }
        for index in learners.indices {
            learners[index].plays = try reader.signedVarints()
            learners[index].surplus = try reader.signedVarints()
            learners[index].updates = try reader.signedVarint()
            guard learners[index].plays.count == 5, learners[index].surplus.count == 5 else {
                throw .valueOutOfRange(offset: reader.offset, value: 0, limit: 5)
            }
        }
        agentDecisions = try reader.signedVarints()
        agentOffers = try reader.signedVarints()
        agentCalls = try reader.signedVarints()
        guard [agentDecisions, agentOffers, agentCalls].allSatisfy({ $0.count == config.agents })
        else {
            throw .valueOutOfRange(offset: reader.offset, value: 0, limit: UInt64(config.agents))
        }
        totals.intervals = try reader.signedVarint()
        totals.trades = try reader.signedVarint()
        totals.traded = try reader.signedVarint()
        totals.postedBuy = try reader.signedVarint()
        totals.postedSell = try reader.signedVarint()
        totals.unserved = try reader.signedVarint()
        totals.curtailed = try reader.signedVarint()
        totals.welfare = try reader.signedVarint()
        totals.bound = try reader.signedVarint()
        totals.wHatPpmSum = try reader.signedVarint()
        totals.activeIntervals = try reader.signedVarint()
        totals.aboveOne = try reader.signedVarint()
        try reader.expectEnd()
    }
}
