import RTBCore
import RTBTrace

/// A checkpoint holds everything the run carries between slots: the slot, the delivery
/// stream, every cell's state and counters, the monitor's window, every user's exposures and
/// journey (`Journeys`), the totals, the discovered audiences, the cells added after the
/// product's (their targeting), merges and the ZIP counts. The product's cells and the effects
/// are redrawn from the config.
extension AtomizationRun {
    func makeCheckpoint() -> EngineCheckpoint {
        var writer = CanonicalWriter()
        log.encodePosition(into: &writer)
        writer.bool(started)
        writer.signedVarint(slot)
        writer.randomStream(random)
        for value in [
            conversions, day.impressions, day.clicks, day.spend, day.revenue, day.conversions,
            flagged, reallocations, graduated, terminated, totalConversions, rotations,
        ] {
            writer.signedVarint(value)
        }
        writer.varint(discovered.count)
        for audience in discovered {
            writer.signedVarints(audience.zips.map(Int64.init))
            writer.signedVarints(audience.signals.map(Int64.init))
        }
        writer.varint(status.count - grid.cells.count)
        for target in targeting[grid.cells.count...] {
            writer.signedVarints(target.audiences.map(Int64.init))
            writer.varint(target.strategy)
            writer.signedVarints(target.dayparts.map(Int64.init))
            writer.signedVarints(target.platforms.map(Int64.init))
        }
        writer.signedVarints(mergedInto.map(Int64.init))
        writer.signedVarint(merges)
        writer.signedVarints(zipImpressions)
        writer.signedVarints(zipConversions)
        writer.signedVarints(creativeOf.map(Int64.init))
        writer.signedVarints(window.impressions)
        writer.signedVarints(window.clicks)
        writer.signedVarints(slotStarts.map { Int64(bitPattern: $0) })
        writer.bytes.append(contentsOf: status.map(\.rawValue))
        for list in [
            budget, spentToday, spend, impressions, clicks, conversionsPpm, revenue,
            windowImpressions, windowClicks,
        ] {
            writer.signedVarints(list)
        }
        journeys.encode(into: &writer)
        return EngineCheckpoint(
            frameCount: log.framesSealed, nextSequence: log.nextSequence, state: writer.bytes)
    }

    convenience init(
        config: AtomizationConfig, checkpoint: EngineCheckpoint, environment: RunEnvironment
    ) throws(CanonicalError) {
        self.init(config: config, environment: environment)
        var reader = CanonicalReader(checkpoint.state)
        try log.restorePosition(from: &reader, checkpoint: checkpoint)
        started = try reader.bool()
        slot = try reader.signedVarint()
        random = try reader.randomStream()
        conversions = try reader.signedVarint()
        day.impressions = try reader.signedVarint()
        day.clicks = try reader.signedVarint()
        day.spend = try reader.signedVarint()
        day.revenue = try reader.signedVarint()
        day.conversions = try reader.signedVarint()
        flagged = try reader.signedVarint()
        reallocations = try reader.signedVarint()
        graduated = try reader.signedVarint()
        terminated = try reader.signedVarint()
        totalConversions = try reader.signedVarint()
        rotations = try reader.signedVarint()
        func indexes(below limit: Int) throws(CanonicalError) -> [Int] {
            let values = try reader.signedVarints()
            guard !values.isEmpty, values.allSatisfy({ $0 >= 0 && $0 < Int64(limit) }) else {
                throw .valueOutOfRange(offset: reader.offset, value: 0, limit: UInt64(limit))
            }
            return values.map(Int.init)
        }
        for _ in 0..<(try reader.count(limit: 1_000)) {
            let zipList = try indexes(below: zips.count)
            let signals = try reader.signedVarints()
            discovered.append((zipList, signals.map(Int.init)))
        }
        for _ in 0..<(try reader.count(limit: 1_000_000)) {
            let target = CellTargeting(
                audiences: try indexes(below: audienceCount),
                strategy: try reader.int(),
                dayparts: try indexes(below: config.dayparts.count),
                platforms: try indexes(below: config.platforms.count))
            guard target.strategy < config.bidStrategies.count else {
                throw .valueOutOfRange(offset: reader.offset, value: 0, limit: 0)
            }
            _ = addCell(target, creative: 0, status: .test)
        }
        let successors = try reader.signedVarints()
        guard successors.count == status.count,
            successors.allSatisfy({ $0 >= -1 && $0 < Int64(successors.count) })
        else {
            throw .valueOutOfRange(offset: reader.offset, value: 0, limit: 0)
        }
        mergedInto = successors.map(Int.init)
        merges = try reader.signedVarint()
        let seen = try reader.signedVarints()
        let made = try reader.signedVarints()
        guard seen.count == zips.count, made.count == zips.count else {
            throw .valueOutOfRange(offset: reader.offset, value: 0, limit: 0)
        }
        zipImpressions = seen
        zipConversions = made
        let creatives = try reader.signedVarints()
        let shown = try reader.signedVarints()
        let clicked = try reader.signedVarints()
        guard creatives.count == creativeOf.count, shown.count == window.impressions.count,
            clicked.count == window.clicks.count,
            creatives.allSatisfy({ $0 >= 0 && $0 < Int64(config.creatives.count) })
        else {
            throw .valueOutOfRange(offset: reader.offset, value: 0, limit: 0)
        }
        creativeOf = creatives.map(Int.init)
        for cell in grid.cells.count..<status.count { deriveCell(cell) }
        window.impressions = shown
        window.clicks = clicked
        let starts = try reader.signedVarints()
        guard starts.count == slotStarts.count else {
            throw .valueOutOfRange(offset: reader.offset, value: UInt64(starts.count), limit: 0)
        }
        slotStarts = starts.map { UInt64(bitPattern: $0) }
        for cell in status.indices {
            let at = reader.offset
            guard let value = CellStatus(rawValue: try reader.u8()) else {
                throw .valueOutOfRange(offset: at, value: 0, limit: 3)
            }
            status[cell] = value
        }
        func list(_ expected: Int) throws(CanonicalError) -> [Int64] {
            let values = try reader.signedVarints()
            guard values.count == expected else {
                throw .valueOutOfRange(
                    offset: reader.offset, value: UInt64(values.count), limit: UInt64(expected))
            }
            return values
        }
        let cells = status.count
        budget = try list(cells)
        spentToday = try list(cells)
        spend = try list(cells)
        impressions = try list(cells)
        clicks = try list(cells)
        conversionsPpm = try list(cells)
        revenue = try list(cells)
        windowImpressions = try list(cells * Self.window)
        windowClicks = try list(cells * Self.window)
        try journeys.decode(from: &reader)
        try reader.expectEnd()
    }
}
