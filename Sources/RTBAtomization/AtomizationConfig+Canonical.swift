import RTBCore
import RTBTrace

/// The config's canonical bytes (the ledger header's config) and back.
extension AtomizationConfig {
    /// Version 1: u8 1, then every field in declaration order (strings and string lists with
    /// varint lengths, money and rates as varints, flags as u8).
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.u8(1)
        writer.varint(seed)
        writer.varint(days)
        writer.varint(audiences.count)
        for audience in audiences {
            writer.string(audience.id)
            Self.write(audience.zips, &writer)
            Self.write(audience.signals, &writer)
        }
        for list in [creatives, bidStrategies, dayparts, platforms] { Self.write(list, &writer) }
        for value in [
            dailyBudget.raw, impressionsPerDay, Int64(users), baseCPM.raw, conversionValue.raw,
            baseCTRppm, baseCVRppm, minTestBudget.raw, minImpressions, monitorMinImpressions,
        ] {
            writer.varint(UInt64(value))
        }
        writer.u8(attribution.rawValue)
        writer.varint(lookbackDays)
        writer.varint(halfLifeHours)
        for flag in [monitor, reallocation, lifecycle, fatigue] { writer.bool(flag) }
        writer.varint(UInt64(fatigueMinImpressions))
        writer.varint(kills.count)
        for kill in kills {
            writer.u8(kill.agent.rawValue)
            writer.varint(UInt64(kill.slot))
        }
        writer.u8(recovery.rawValue)
        writer.bool(synthesizer)
        // Added with the discovery and merge agents (engine version 2).
        writer.bool(discovery)
        writer.bool(merge)
        for (_, slots) in cadences.all { writer.varint(UInt64(slots)) }
        writer.varint(zipPool)
        Self.write(extraSignals, &writer)
        writer.varint(UInt64(discoveryConfidencePpm))
        writer.varint(UInt64(signalSharePpm))
        writer.varint(maxDiscoveries)
        writer.varint(UInt64(discoveryMinConversions))
        writer.bool(learning)
        writer.varint(library.count)
        for pattern in library {
            writer.varint(pattern.terms.count)
            for term in pattern.terms {
                writer.u8(term.dimension.rawValue)
                writer.string(term.value)
            }
            writer.varint(UInt64(pattern.liftPpm))
            writer.varint(UInt64(pattern.confidencePpm))
        }
        writer.varint(UInt64(learningConfidencePpm))
        writer.varint(UInt64(learningWeightPpm))
        writer.bool(worldSeed != nil)
        writer.varint(worldSeed ?? 0)
        return writer.bytes
    }

    static func write(_ list: [String], _ writer: inout CanonicalWriter) {
        writer.varint(list.count)
        for item in list { writer.string(item) }
    }

    static func read(_ reader: inout CanonicalReader) throws(CanonicalError) -> [String] {
        var list: [String] = []
        for _ in 0..<(try reader.count(limit: 100_000)) { list.append(try reader.string()) }
        return list
    }

    public init(canonical bytes: [UInt8]) throws(ConfigError) {
        do {
            var reader = CanonicalReader(bytes)
            guard try reader.u8() == 1 else {
                throw ConfigError.malformed("atomization config version")
            }
            seed = try reader.varint()
            days = try reader.int()
            audiences = []
            for _ in 0..<(try reader.count(limit: 64)) {
                audiences.append(
                    Audience(
                        id: try reader.string(), zips: try Self.read(&reader),
                        signals: try Self.read(&reader)))
            }
            creatives = try Self.read(&reader)
            bidStrategies = try Self.read(&reader)
            dayparts = try Self.read(&reader)
            platforms = try Self.read(&reader)
            dailyBudget = Micros(try reader.int64())
            impressionsPerDay = try reader.int64()
            users = try reader.int()
            baseCPM = Micros(try reader.int64())
            conversionValue = Micros(try reader.int64())
            baseCTRppm = try reader.int64()
            baseCVRppm = try reader.int64()
            minTestBudget = Micros(try reader.int64())
            minImpressions = try reader.int64()
            monitorMinImpressions = try reader.int64()
            guard let model = AttributionModel(rawValue: try reader.u8()) else {
                throw ConfigError.malformed("unknown attribution code")
            }
            attribution = model
            lookbackDays = try reader.int()
            halfLifeHours = try reader.int()
            monitor = try reader.bool()
            reallocation = try reader.bool()
            lifecycle = try reader.bool()
            fatigue = try reader.bool()
            fatigueMinImpressions = try reader.int64()
            kills = []
            for _ in 0..<(try reader.count(limit: 100)) {
                guard let agent = AgentName(rawValue: try reader.u8()) else {
                    throw ConfigError.malformed("unknown agent code in kills")
                }
                kills.append((agent, try reader.int64()))
            }
            guard let mode = RecoveryMode(rawValue: try reader.u8()) else {
                throw ConfigError.malformed("unknown recovery code")
            }
            recovery = mode
            synthesizer = try reader.bool()
            // A config recorded before discovery, merging and learning existed (model version 1)
            // ends here: it ran without them.
            if reader.isAtEnd {
                discovery = false
                merge = false
                learning = false
                // Version 1 had no ZIP pool: one within its users, so its config still reads.
                zipPool = max(1, Set(audiences.flatMap(\.zips)).count, min(60, users))
                if let problem = validate() { throw problem }
                return
            }
            discovery = try reader.bool()
            merge = try reader.bool()
            cadences.monitor = try reader.int64()
            cadences.reallocation = try reader.int64()
            cadences.lifecycle = try reader.int64()
            cadences.discovery = try reader.int64()
            cadences.fatigue = try reader.int64()
            cadences.synthesizer = try reader.int64()
            zipPool = try reader.int()
            extraSignals = try Self.read(&reader)
            discoveryConfidencePpm = try reader.int64()
            signalSharePpm = try reader.int64()
            maxDiscoveries = try reader.int()
            discoveryMinConversions = try reader.int64()
            learning = try reader.bool()
            library = []
            for _ in 0..<(try reader.count(limit: 10_000)) {
                var terms: [LearnedPattern.Term] = []
                for _ in 0..<(try reader.count(limit: 5)) {
                    guard let dimension = Dimension(rawValue: try reader.u8()) else {
                        throw ConfigError.malformed("unknown dimension code in library")
                    }
                    terms.append(.init(dimension, try reader.string()))
                }
                library.append(
                    LearnedPattern(
                        terms: terms, liftPpm: try reader.int64(),
                        confidencePpm: try reader.int64()))
            }
            learningConfidencePpm = try reader.int64()
            learningWeightPpm = try reader.int64()
            let ownWorld = try reader.bool()
            let world = try reader.varint()
            worldSeed = ownWorld ? world : nil
            try reader.expectEnd()
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
        if let problem = validate() { throw problem }
    }
}
