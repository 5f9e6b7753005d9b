import RTBCore

/// The user pool's geography, for seed 004's ZIP-level targeting: user u lives in ZIP
/// u mod `count`. Each ZIP carries behavioural signals (a bit per signal of the config's
/// vocabulary): the signals of every audience that lists it, and each other signal with
/// probability 3/10. Each signal has a conversion lift drawn in [0.7, 1.4]; a ZIP's conversion
/// multiplier is the product of its signals' lifts and a noise factor in [0.8, 1.25],
/// normalised so that the ZIPs' mean is 1 (ppm, floored). Drawn from the seed's
/// "atomization-zips" stream of the world seed (`world_seed`, else `seed`).
public struct ZipPool: Sendable {
    public let count: Int
    public let signalMasks: [UInt64]
    public let liftPpm: [Int64]

    public init(config: AtomizationConfig) {
        let zips = config.zipCodes
        let vocabulary = config.signalVocabulary
        count = zips.count
        var random = RandomStream(seed: config.effectsSeed, key: StreamKey("atomization-zips"))
        let signalLift = vocabulary.map { _ -> Int64 in random.int(in: 700_000...1_400_000) }
        var masks: [UInt64] = []
        var raw: [Int64] = []
        for zip in zips {
            var mask: UInt64 = 0
            for audience in config.audiences where audience.zips.contains(zip) {
                for signal in audience.signals {
                    mask |= 1 << UInt64(vocabulary.firstIndex(of: signal)!)
                }
            }
            for signal in vocabulary.indices where random.next(below: 10) < 3 {
                mask |= 1 << UInt64(signal)
            }
            var lift: Int64 = random.int(in: 800_000...1_250_000)
            for signal in vocabulary.indices where mask & (1 << UInt64(signal)) != 0 {
                lift = lift * signalLift[signal] / 1_000_000
            }
            masks.append(mask)
            raw.append(max(1, lift))
        }
        signalMasks = masks
        let mean = max(1, raw.reduce(0, +) / Int64(raw.count))
        liftPpm = raw.map { $0 * 1_000_000 / mean }
    }

    /// Users living in ZIP `zip` of a pool of `users`.
    public func population(_ zip: Int, users: Int) -> Int64 {
        Int64(users / count + (zip < users % count ? 1 : 0))
    }
}
