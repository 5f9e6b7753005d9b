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
        guard case .object(let members) = json else { throw .malformed("not a JSON object") }
        for key in members.keys.sorted() {
            let value = members[key]!
            func integer() throws(ConfigError) -> Int64 {
                guard let number = value.int64 else { throw .invalid(key, "an integer") }
                return number
            }
            switch key {
            case "seed":
                guard case .number(let text) = value, let seed = UInt64(text) else {
                    throw .invalid("seed", "an unsigned 64-bit integer")
                }
                self.seed = seed
            case "accounts": accounts = Int(try integer())
            case "steps": steps = Int(try integer())
            case "opening_balance": openingBalance = try integer()
            case "oracle":
                guard case .bool(let flag) = value else { throw .invalid("oracle", "true or false") }
                oracle = flag
            default:
                throw .invalid(
                    "key '\(key)'", "one of seed, accounts, steps, opening_balance, oracle")
            }
        }
        if let problem = validate() { throw problem }
    }
}
