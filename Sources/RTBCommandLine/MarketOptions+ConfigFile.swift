import ArgumentParser
import Foundation

/// Market options read from a JSON config file (`--config FILE`, a sweep's cells): one key per
/// option, refused in one line naming the file and the key.
extension MarketOptions {
    /// Keys a config file may hold and the options they set.
    static let fileKeys = [
        "scenario", "days", "buyers", "sellers", "campaigns_per_buyer", "products_per_seller",
        "seed",
        "fee", "mechanism", "policy", "platform_fee", "hallucination_rate", "rot_rate",
        "decay_rate",
        "grace_days", "restart_rate", "volume", "kill", "buyer_discount", "seller_discount",
        "fee_aware", "bid_shading", "adaptive_floors", "pacing", "seller_pricing",
        "market_generation", "no_book_drift", "ignore_history_claims", "memory_model",
        "context_window",
    ]

    /// No option given, parsed once per process: ArgumentParser reflects on every option when it
    /// parses (about a millisecond), and a sweep's worker reads a config file per cell.
    /// (A value never changed after it is made: copies are read from any thread.)
    nonisolated(unsafe) static let unset = Result { try MarketOptions.parse([]) }

    /// Options read from a JSON config file.
    static func fromFile(_ path: String) throws -> MarketOptions {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(
                ExitStatus.operatingError, "\(path): cannot read (missing or unreadable)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data),
            let table = object as? [String: Any]
        else {
            throw ValidationError("\(path): not a JSON object")
        }
        var options = try unset.get()
        for key in table.keys.sorted() {
            let value = table[key]!
            func text() throws -> String {
                if let string = value as? String { return string }
                if let number = value as? NSNumber { return number.stringValue }
                throw ValidationError("\(path): key '\(key)': expected a string or number")
            }
            func integer() throws -> Int {
                guard let number = value as? NSNumber, let exact = Int(exactly: number.doubleValue)
                else {
                    throw ValidationError("\(path): key '\(key)': expected an integer")
                }
                return exact
            }
            func flag() throws -> Bool {
                guard let flag = value as? Bool else {
                    throw ValidationError("\(path): key '\(key)': expected true or false")
                }
                return flag
            }
            func list() throws -> [String] {
                guard let items = value as? [String] else {
                    throw ValidationError("\(path): key '\(key)': expected a list of strings")
                }
                return items
            }
            switch key {
            case "scenario": options.scenario = try text()
            case "days": options.days = try integer()
            case "buyers": options.buyers = try integer()
            case "sellers": options.sellers = try integer()
            case "campaigns_per_buyer": options.campaignsPerBuyer = try integer()
            case "products_per_seller": options.productsPerSeller = try integer()
            case "seed":
                guard let seed = UInt64(try text()) else {
                    throw ValidationError(
                        "\(path): key 'seed': expected an unsigned 64-bit integer")
                }
                options.seed = seed
            case "fee": options.fee = try text()
            case "mechanism": options.mechanism = try text()
            case "policy": options.policy = try text()
            case "platform_fee": options.platformFee = try text()
            case "hallucination_rate": options.hallucinationRate = try text()
            case "rot_rate": options.rotRate = try text()
            case "decay_rate": options.decayRate = try text()
            case "grace_days": options.graceDays = try integer()
            case "restart_rate": options.restartRate = try text()
            case "volume": options.volume = try text()
            case "kill": options.kill = try list()
            case "buyer_discount": options.buyerDiscount = try list()
            case "seller_discount": options.sellerDiscount = try list()
            case "fee_aware": options.feeAware = try flag()
            case "bid_shading": options.bidShading = try flag()
            case "adaptive_floors": options.adaptiveFloors = try flag()
            case "pacing": options.pacing = try text()
            case "seller_pricing": options.sellerPricing = try text()
            case "market_generation": options.marketGeneration = try text()
            case "no_book_drift": options.noBookDrift = try flag()
            case "ignore_history_claims": options.ignoreHistoryClaims = try flag()
            case "memory_model": options.memoryModel = try text()
            case "context_window": options.contextWindow = try integer()
            default:
                throw ValidationError(
                    "\(path): unknown config key '\(key)' (known: \(fileKeys.joined(separator: ", ")))"
                )
            }
        }
        return options
    }
}
