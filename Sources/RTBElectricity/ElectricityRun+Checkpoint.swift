import RTBCore
import RTBTrace

/// A checkpoint (taken between intervals) holds the phase, the next interval and order number,
/// the book (each side in priority order, by runs of one price), every quote stream, the learners' memories, the per-agent counts and the totals;
/// the prosumers are redrawn from the config.
extension ElectricityRun {
    func makeCheckpoint() -> EngineCheckpoint {
        var writer = CanonicalWriter()
        log.encodePosition(into: &writer)
        writer.u8(phase.rawValue)
        writer.varint(cursor)
        writer.varint(interval)
        writer.varint(nextOrder)
        // Each side in priority order as runs of one price: the limit and the run's length,
        // then per order its number (as the gap from the previous one, or from 0), agent,
        // remaining quantity and interval.
        for side in [Side.buy, .sell] {
            let orders = book.orders(side)
            var start = 0
            var runs: [Range<Int>] = []
            while start < orders.count {
                var end = start + 1
                while end < orders.count && orders[end].limit == orders[start].limit { end += 1 }
                runs.append(start..<end)
                start = end
            }
            writer.varint(runs.count)
            for run in runs {
                writer.signedVarint(orders[run.lowerBound].limit)
                writer.varint(run.count)
                var previous: UInt64 = 0
                for order in orders[run] {
                    writer.varint(order.id &- previous)
                    previous = order.id
                    writer.varint(order.agent)
                    writer.signedVarint(order.remaining)
                    writer.varint(order.interval)
                }
            }
        }
        for stream in quoteStreams { writer.randomStream(stream) }
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
        book = OrderBook()
        for side in [Side.buy, .sell] {
            for _ in 0..<(try reader.int()) {
                let limit = try reader.signedVarint()
                let count = try reader.int()
                var id: UInt64 = 0
                for _ in 0..<count {
                    id &+= try reader.varint()
                    let agent = try reader.int()
                    guard agent < config.agents, limit >= 0, limit % ElectricityConfig.tick == 0
                    else {
                        throw .valueOutOfRange(
                            offset: reader.offset, value: UInt64(agent),
                            limit: UInt64(config.agents))
                    }
                    book.insert(
                        Order(
                            id: id, agent: agent, side: side, limit: limit, quoted: limit,
                            remaining: try reader.signedVarint(), interval: try reader.int()))
                }
            }
        }
        for agent in 0..<config.agents { quoteStreams[agent] = try reader.randomStream() }
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
