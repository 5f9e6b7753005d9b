import RTBCore
import RTBTrace

/// A checkpoint (between steps) holds the phase, the next study and day, the tick, the central
/// studies' results and the bandit's state; forecasts are recomputed from the config.
extension PipelineRun {
    func makeCheckpoint() -> EngineCheckpoint {
        var writer = CanonicalWriter()
        log.encodePosition(into: &writer)
        writer.u8(phase.rawValue)
        writer.varint(cursor)
        writer.varint(day)
        writer.signedVarint(tick)
        for result in studied {
            writer.signedVarints([
                result.rounds, result.wins, result.clicks, result.spend, result.cpc, result.cpm,
                result.cac,
            ])
        }
        writer.reals(alpha)
        writer.reals(beta)
        writer.signedVarints(armSpend)
        writer.reals(armSignups)
        writer.reals(armImpressions)
        return EngineCheckpoint(
            frameCount: log.framesSealed, nextSequence: log.nextSequence, state: writer.bytes)
    }

    convenience init(
        config: PipelineConfig, checkpoint: EngineCheckpoint, environment: RunEnvironment
    ) throws(CanonicalError) {
        self.init(config: config, environment: environment)
        var reader = CanonicalReader(checkpoint.state)
        try log.restorePosition(from: &reader, checkpoint: checkpoint)
        let at = reader.offset
        guard let phase = Phase(rawValue: try reader.u8()) else {
            throw .valueOutOfRange(offset: at, value: 0, limit: 4)
        }
        self.phase = phase
        cursor = try reader.int()
        day = try reader.int()
        tick = try reader.signedVarint()
        let arms = config.creatives.count
        for arm in 0..<arms {
            let values = try reader.signedVarints()
            guard values.count == 7 else {
                throw .valueOutOfRange(offset: reader.offset, value: UInt64(values.count), limit: 7)
            }
            studied[arm] = StudyResult(
                rounds: values[0], wins: values[1], clicks: values[2], spend: values[3],
                cpc: values[4], cpm: values[5], cac: values[6])
        }
        alpha = try reader.reals()
        beta = try reader.reals()
        armSpend = try reader.signedVarints()
        armSignups = try reader.reals()
        armImpressions = try reader.reals()
        guard cursor <= config.points * arms, day <= config.days,
            [alpha.count, beta.count, armSpend.count, armSignups.count, armImpressions.count]
                .allSatisfy({ $0 == arms })
        else { throw .valueOutOfRange(offset: reader.offset, value: UInt64(cursor), limit: 0) }
        try reader.expectEnd()
    }
}
