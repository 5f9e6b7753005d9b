import RTBCore
import RTBTrace

/// The test bank's config: `accounts` accounts open with `openingBalance` units each, then
/// `steps` transfers move money between them; with `oracle`, an outside oracle chooses every
/// amount (recorded as a decision event).
public struct BankConfig: Equatable, Sendable {
    public var seed: UInt64 = 1
    public var accounts = 4
    public var steps = 1_000
    public var openingBalance: Int64 = 1_000
    public var oracle = false

    public init() {}

    /// The one-line reason the config cannot run, naming the key.
    public func validate() -> ConfigError? {
        if !(2...1_000).contains(accounts) { return .invalid("accounts", "2...1000") }
        if !(1...10_000_000).contains(steps) { return .invalid("steps", "1...10000000") }
        if !(0...1_000_000_000).contains(openingBalance) {
            return .invalid("opening_balance", "0...1000000000")
        }
        return nil
    }

    /// Version 1: seed, accounts, steps, opening balance (varints), oracle (bool).
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter()
        writer.u8(1)
        writer.varint(seed)
        writer.varint(accounts)
        writer.varint(steps)
        writer.varint(UInt64(openingBalance))
        writer.bool(oracle)
        return writer.bytes
    }

    public init(canonical bytes: [UInt8]) throws(ConfigError) {
        do {
            var reader = CanonicalReader(bytes)
            guard try reader.u8() == 1 else { throw ConfigError.malformed("bank config version") }
            seed = try reader.varint()
            accounts = try reader.int()
            steps = try reader.int()
            openingBalance = try reader.int64()
            oracle = try reader.bool()
            try reader.expectEnd()
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
        if let problem = validate() { throw problem }
    }

    /// From a JSON object with the keys seed, accounts, steps, opening_balance, oracle.
    public init(json: JSONValue) throws(ConfigError) {
        for (key, value) in try json.configMembers() {
            switch key {
            case "seed": seed = try value.configSeed(key)
            case "accounts": accounts = Int(clamping: try value.configInteger(key))
            case "steps": steps = Int(clamping: try value.configInteger(key))
            case "opening_balance": openingBalance = try value.configInteger(key)
            case "oracle":
                guard case .bool(let flag) = value else {
                    throw .invalid("oracle", "true or false")
                }
                oracle = flag
            default:
                throw .invalid(
                    "key '\(key)'", "one of seed, accounts, steps, opening_balance, oracle")
            }
        }
        if let problem = validate() { throw problem }
    }
}
