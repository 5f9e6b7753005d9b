import RTBCore
import RTBTrace

/// A checkpoint holds the position (phase, run, iteration, round), the streams' states, every
/// agent's accounts and spend, the learners' state (posteriors, bidder parameters) and the
/// totals, and the iteration's data the learners have collected (bid samples, won impressions);
/// items are redrawn from the config.
extension LabRun {
    func makeCheckpoint() -> EngineCheckpoint {
        var writer = CanonicalWriter()
        log.encodePosition(into: &writer)
        writer.u8(phase.rawValue)
        writer.varint(run)
        writer.varint(iteration)
        writer.varint(round)
        writer.bool(drawn)
        for stream in [environment] + agentStreams { writer.randomStream(stream) }
        for (agent, account) in accounts.enumerated() {
            writer.signedVarints([
                account.participations, account.wins, account.clicks, account.spend,
                account.gross, account.optimum, account.expected, account.allocationRegret,
                account.overbidRegret, account.underbidRegret, account.estimationRegret,
                account.ratioCount, account.gammaCount, spent[agent],
            ])
            writer.reals([account.squaredError, account.ratioSum, account.gammaSum])
        }
        for posterior in posteriors {
            guard let posterior else { continue }
            writer.reals(posterior.mean)
            writer.reals(posterior.precision)
        }
        for bidder in bidders {
            writer.f64(bidder.gamma)
            writer.reals(bidder.weights)
            writer.f64(bidder.scale)
        }
        writer.signedVarints(totals.values)
        for agentSamples in samples {
            writer.reals(agentSamples.flatMap { [$0.estimate, $0.gamma, $0.utility] })
            writer.byteString(agentSamples.map { $0.won ? 1 : 0 })
        }
        // Exposures: the non-zero counts as (gap from the previous one's index, count) pairs.
        var pairs: [Int64] = []
        var previous = 0
        for (index, count) in exposures.enumerated() where count > 0 {
            pairs.append(Int64(index - previous))
            pairs.append(Int64(count))
            previous = index
        }
        writer.signedVarints(pairs)
        for agentImpressions in impressions {
            writer.varint(agentImpressions.count)
            for data in agentImpressions {
                writer.reals(data.features)
                writer.byteString(data.clicks.map { $0 ? 1 : 0 })
            }
        }
        return EngineCheckpoint(
            frameCount: log.framesSealed, nextSequence: log.nextSequence, state: writer.bytes)
    }

    convenience init(config: LabConfig, checkpoint: EngineCheckpoint, environment: RunEnvironment)
        throws(CanonicalError)
    {
        self.init(config: config, environment: environment)
        var reader = CanonicalReader(checkpoint.state)
        try log.restorePosition(from: &reader, checkpoint: checkpoint)
        let at = reader.offset
        guard let phase = Phase(rawValue: try reader.u8()) else {
            throw .valueOutOfRange(offset: at, value: 0, limit: 2)
        }
        let run = try reader.int()
        let iteration = try reader.int()
        let round = try reader.int()
        guard run <= config.runs, iteration < config.iterations, round <= config.rounds else {
            throw .valueOutOfRange(
                offset: reader.offset, value: UInt64(run), limit: UInt64(config.runs))
        }
        self.phase = phase
        self.run = run
        self.iteration = iteration
        if phase != .done && run < config.runs { startRun() }
        self.round = round
        drawn = try reader.bool()
        var streams: [RandomStream] = []
        for _ in 0...config.agents.count { streams.append(try reader.randomStream()) }
        self.environment = streams[0]
        agentStreams = Array(streams[1...])
        for agent in config.agents.indices {
            let counts = try reader.signedVarints()
            let reals = try reader.reals()
            guard counts.count == 14, reals.count == 3 else {
                throw .valueOutOfRange(
                    offset: reader.offset, value: UInt64(counts.count), limit: 14)
            }
            accounts[agent] = AgentAccounts(
                participations: counts[0], wins: counts[1], clicks: counts[2], spend: counts[3],
                gross: counts[4], optimum: counts[5], expected: counts[6],
                allocationRegret: counts[7], overbidRegret: counts[8], underbidRegret: counts[9],
                estimationRegret: counts[10], squaredError: reals[0], ratioSum: reals[1],
                ratioCount: counts[11], gammaSum: reals[2], gammaCount: counts[12])
            spent[agent] = counts[13]
        }
        for agent in config.agents.indices {
            guard var posterior = posteriors[agent] else { continue }
            let mean = try reader.reals()
            let precision = try reader.reals()
            guard mean.count == posterior.mean.count, precision.count == posterior.precision.count
            else {
                throw .valueOutOfRange(
                    offset: reader.offset, value: UInt64(mean.count),
                    limit: UInt64(posterior.mean.count))
            }
            posterior.mean = mean
            posterior.precision = precision
            posteriors[agent] = posterior
        }
        for agent in config.agents.indices {
            bidders[agent].gamma = try reader.f64()
            bidders[agent].weights = try reader.reals()
            bidders[agent].scale = try reader.f64()
        }
        let totals = try reader.signedVarints()
        guard totals.count == LabTotals.names.count else {
            throw .valueOutOfRange(offset: reader.offset, value: UInt64(totals.count), limit: 10)
        }
        self.totals = LabTotals(
            iterations: totals[0], participations: totals[1], wins: totals[2], clicks: totals[3],
            revenue: totals[4], surplus: totals[5], welfare: totals[6],
            allocationRegret: totals[7], overbidRegret: totals[8], underbidRegret: totals[9])
        for agent in config.agents.indices {
            let reals = try reader.reals()
            let won = try reader.byteString()
            guard reals.count == won.count * 3 else {
                throw .valueOutOfRange(offset: reader.offset, value: UInt64(reals.count), limit: 0)
            }
            samples[agent] = won.indices.map {
                BidSample(
                    estimate: reals[$0 * 3], gamma: reals[$0 * 3 + 1], won: won[$0] == 1,
                    utility: reals[$0 * 3 + 2])
            }
        }
        let pairs = try reader.signedVarints()
        guard pairs.count % 2 == 0 else {
            throw .valueOutOfRange(offset: reader.offset, value: UInt64(pairs.count), limit: 0)
        }
        var index = 0
        for pair in Swift.stride(from: 0, to: pairs.count, by: 2) {
            index += Int(pairs[pair])
            guard index >= 0, index < exposures.count, pairs[pair + 1] > 0,
                pairs[pair + 1] <= Int64(UInt16.max)
            else {
                throw .valueOutOfRange(offset: reader.offset, value: UInt64(pair), limit: 0)
            }
            exposures[index] = UInt16(pairs[pair + 1])
        }
        let width = config.observedSize + 1
        for agent in config.agents.indices {
            let count = try reader.int()
            guard count == impressions[agent].count else {
                throw .valueOutOfRange(offset: reader.offset, value: UInt64(count), limit: 0)
            }
            for item in 0..<count {
                let features = try reader.reals()
                let clicks = try reader.byteString()
                guard features.count == clicks.count * width else {
                    throw .valueOutOfRange(
                        offset: reader.offset, value: UInt64(clicks.count), limit: 0)
                }
                impressions[agent][item] = ImpressionData(
                    features: features, clicks: clicks.map { $0 == 1 })
            }
        }
        try reader.expectEnd()
    }
}
