import RTBCore
import RTBEvents
import RTBTrace

extension MarketConfig {
    /// Whether the config uses an option of format version 2 (engine 0.2.0's economics).
    var needsVersion2: Bool {
        feeAwareReserve || bidShading || adaptiveFloors || pacing != .reference
    }

    /// Whether the config uses an option of format version 3 (engine 0.3.0's seller pricing and
    /// market generation) other than the reference's.
    var needsVersion3: Bool {
        sellerPricing != .markup || marketGeneration != .reference || !bookDrift
            || checkedHistoryClaims
    }

    /// Whether the config needs format version 4 (engine 0.4.0's recovery counts, which every
    /// new config has, and memory model).
    var needsVersion4: Bool { recoveryCountsRestoredKeys || memoryModel != .flat }

    /// The format version the config is written in: the oldest that holds its options.
    var formatVersion: UInt8 {
        needsVersion4 ? 4 : needsVersion3 ? 3 : needsVersion2 ? 2 : 1
    }

    /// Canonical bytes of the config: fields in declaration order. Format version 1 holds the
    /// fields up to `kills`; version 2 appends a byte of option flags (1: fee-aware reserve, 2:
    /// bid shading, 4: adaptive floors) and the pacing's code; version 3 then appends the seller
    /// pricing's and the market generation's codes and a byte of flags (1: no book drift, 2: C's
    /// buyers take checked history claims); version 4 (every config of engine 0.4.0: its
    /// recovery counts) then appends the memory model's code and the context window in tokens.
    /// A config is written in the oldest version that holds its options (a version 1 or 2
    /// config reads as the reference's markup and generation, a version 1 to 3 config as the
    /// flat memory model with engine 0.3.0's recovery counts), so every config of an older
    /// engine keeps its bytes and digest.
    public func encode(into writer: inout CanonicalWriter) {
        let version = formatVersion
        writer.u8(version)
        writer.varint(seed)
        writer.varint(UInt64(scenarios.count))
        for scenario in scenarios { writer.u8(scenario.rawValue) }
        for value in [days, buyers, sellers, campaignsPerBuyer, productsPerSeller] {
            writer.varint(value)
        }
        writer.varint(UInt64(exchangeFee.ppm))
        for table in [buyerDiscounts, sellerDiscounts] {
            writer.varint(table.count)
            for index in table.keys.sorted() {
                writer.varint(index)
                writer.varint(UInt64(table[index]!.ppm))
            }
        }
        writer.u8(mechanism.rawValue)
        writer.u8(policy.rawValue)
        for rate in [platformFee, hallucinationRate, rotEpisodeRate, memoryDecayRate] {
            writer.varint(UInt64(rate.ppm))
        }
        writer.varint(graceDays)
        writer.varint(UInt64(restartRate.ppm))
        writer.u8(volume.rawValue)
        writer.varint(kills.count)
        for kill in kills.sorted() {
            writer.varint(kill.agent.code)
            writer.varint(UInt64(kill.tick))
        }
        if version >= 2 {
            writer.u8((feeAwareReserve ? 1 : 0) | (bidShading ? 2 : 0) | (adaptiveFloors ? 4 : 0))
            writer.u8(pacing.rawValue)
        }
        if version >= 3 {
            writer.u8(sellerPricing.rawValue)
            writer.u8(marketGeneration.rawValue)
            writer.u8((bookDrift ? 0 : 1) | (checkedHistoryClaims ? 2 : 0))
        }
        if version >= 4 {
            writer.u8(memoryModel.rawValue)
            writer.varint(contextWindow)
        }
    }

    /// The canonical bytes.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        encode(into: &writer)
        return writer.bytes
    }

    /// SHA-256 of the canonical bytes.
    public var digest: Digest32 { Sha256.hash(canonicalBytes) }

    /// Reads canonical config bytes, rejecting unknown versions and values.
    public init(canonical bytes: [UInt8]) throws(ConfigError) {
        do {
            var reader = CanonicalReader(bytes)
            let version = try reader.u8()
            guard (1...4).contains(version) else {
                throw ConfigError.malformed("config version \(version) (supported: 1 to 4)")
            }
            self.init()
            sellerPricing = .markup
            marketGeneration = .reference
            checkedHistoryClaims = false
            bidShading = false
            recoveryCountsRestoredKeys = version >= 4
            seed = try reader.varint()
            let scenarioCount = try reader.count(limit: 3)
            scenarios = []
            for _ in 0..<scenarioCount {
                guard let scenario = Scenario(rawValue: try reader.u8()), scenario != .run else {
                    throw ConfigError.malformed("unknown scenario code")
                }
                scenarios.append(scenario)
            }
            days = try reader.int()
            buyers = try reader.int()
            sellers = try reader.int()
            campaignsPerBuyer = try reader.int()
            productsPerSeller = try reader.int()
            exchangeFee = Rate(ppm: try reader.int64())
            buyerDiscounts = try Self.readTable(&reader)
            sellerDiscounts = try Self.readTable(&reader)
            mechanism = try reader.enumeration(Mechanism.self)
            guard let policyKind = PolicyKind(rawValue: try reader.u8()) else {
                throw ConfigError.malformed("unknown policy code")
            }
            policy = policyKind
            platformFee = Rate(ppm: try reader.int64())
            hallucinationRate = Rate(ppm: try reader.int64())
            rotEpisodeRate = Rate(ppm: try reader.int64())
            memoryDecayRate = Rate(ppm: try reader.int64())
            graceDays = try reader.int()
            restartRate = Rate(ppm: try reader.int64())
            guard let profile = VolumeProfile(rawValue: try reader.u8()) else {
                throw ConfigError.malformed("unknown volume profile")
            }
            volume = profile
            let killCount = try reader.count(limit: 1 << 20)
            kills = []
            for _ in 0..<killCount {
                kills.append(AgentKill(agent: try reader.agent(), tick: try reader.int64()))
            }
            if version >= 2 {
                let flags = try reader.u8()
                guard flags & ~7 == 0 else {
                    throw ConfigError.malformed("config version 2 with option flags \(flags)")
                }
                feeAwareReserve = flags & 1 != 0
                bidShading = flags & 2 != 0
                adaptiveFloors = flags & 4 != 0
                pacing = try reader.enumeration(Pacing.self)
            }
            if version >= 3 {
                sellerPricing = try reader.enumeration(SellerPricing.self)
                marketGeneration = try reader.enumeration(MarketGeneration.self)
                let flags = try reader.u8()
                guard flags & ~3 == 0 else {
                    throw ConfigError.malformed("config version 3 with option flags \(flags)")
                }
                bookDrift = flags & 1 == 0
                checkedHistoryClaims = flags & 2 != 0
            }
            if version >= 4 {
                memoryModel = try reader.enumeration(MemoryModel.self)
                contextWindow = try reader.int()
            }
            guard formatVersion == version else {
                throw ConfigError.malformed(
                    "config version \(version) for options of version \(formatVersion)")
            }
            try reader.expectEnd()
        } catch let error as CanonicalError {
            throw ConfigError.malformed(error.description)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError.malformed("\(error)")
        }
        if let problem = validate() { throw problem }
    }

    private static func readTable(_ reader: inout CanonicalReader) throws(CanonicalError) -> [Int:
        Rate]
    {
        var table: [Int: Rate] = [:]  // determinism-ok: lookups only; encoded sorted
        let count = try reader.count(limit: 1 << 20)
        for _ in 0..<count {
            let index = try reader.int()
            table[index] = Rate(ppm: try reader.int64())
        }
        return table
    }

    /// A one-line human summary.
    public var summary: String {
        var text =
            "seed \(seed), scenarios \(scenarios.map(\.description).joined(separator: ",")), \(days) days, "
            + "\(buyers) buyers x \(campaignsPerBuyer) campaigns, \(sellers) sellers x \(productsPerSeller) products"
        if volume != .none { text += ", volume \(volume)" }
        if !kills.isEmpty {
            text += ", kills " + kills.sorted().map(\.description).joined(separator: " ")
        }
        if feeAwareReserve { text += ", fee-aware reserve" }
        if scenarios.contains(.a) {
            text += ", \(mechanism)"
            if mechanism == .firstPrice {
                text += bidShading ? " with shading" : " without shading"
            }
        }
        if adaptiveFloors { text += ", adaptive floors" }
        if pacing != .reference { text += ", \(pacing) pacing" }
        if sellerPricing != .split { text += ", \(sellerPricing) seller pricing" }
        if marketGeneration != .reference { text += ", \(marketGeneration) market generation" }
        if !bookDrift { text += ", no book drift" }
        if !checkedHistoryClaims { text += ", C ignores history claims" }
        if memoryModel != .flat {
            text += ", \(memoryModel) memory model (window \(contextWindow) tokens)"
        }
        return text
    }
}
