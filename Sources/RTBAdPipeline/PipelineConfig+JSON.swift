import Foundation
import RTBCore
import RTBTrace

extension PipelineConfig {
    static let keys =
        "seed, baselines, mode, budget, forecast_draws, rounds, sensitivity_rounds, bid_mults, "
        + "quality_mults, days, slate, bootstrap, slots, reserve, target_cac"

    /// From a JSON object with the keys above; `baselines` is a JSON or CSV file (a path
    /// relative to the working directory) whose creatives are copied into the config; its
    /// `budget` is the default budget. Errors name the key, or the file, row and field.
    public init(json: JSONValue) throws(ConfigError) {
        self.init()
        let members = try json.configMembers()
        var budgetGiven = false
        var fileBudget: Double?
        var filePath = ""
        for (key, value) in members {
            switch key {
            case "seed": seed = try value.configSeed(key)
            case "baselines":
                guard let path = value.stringValue else { throw .invalid(key, "a file path") }
                let (budgetOfFile, creatives) = try Baselines.read(path: path)
                self.creatives = creatives
                tag = URL(fileURLWithPath: path).lastPathComponent
                fileBudget = budgetOfFile
                filePath = path
            case "mode": mode = try value.configChoice(key, PipelineMode.allCases)
            case "budget":
                budget = try value.configMillionths(key, in: 0...1e9, "an amount in (0, 1e9]")
                budgetGiven = true
            case "forecast_draws": forecastDraws = try Self.integer(value, key)
            case "rounds": rounds = try Self.integer(value, key)
            case "sensitivity_rounds": sensitivityRounds = try Self.integer(value, key)
            case "days": days = try Self.integer(value, key)
            case "slate": slate = try Self.integer(value, key)
            case "bootstrap": bootstrap = try Self.integer(value, key)
            case "slots": slots = try Self.integer(value, key)
            case "target_cac": targetCAC = try value.configNumber(key)
            case "reserve":
                reserve = try value.configMillionths(key, in: 0...1_000, "a price in [0, 1000]")
            case "bid_mults", "quality_mults":
                guard let items = value.arrayValue else {
                    throw .invalid(key, "a list of multipliers")
                }
                let list = try items.map { item throws(ConfigError) in
                    try item.configMillionths(key, in: 0...10, "1 to 20 multipliers in (0, 10]")
                }
                if key == "bid_mults" { bidMults = list } else { qualityMults = list }
            default:
                throw .invalid(key, "one of the keys \(Self.keys)")
            }
        }
        // A budget given in the config wins over the file's.
        if !budgetGiven, let fileBudget {
            guard fileBudget > 0 && fileBudget <= 1e9 else {
                throw .invalid(
                    "baselines",
                    "\(filePath) field budget: an amount in (0, 1e9] (a budget of 0 buys nothing)")
            }
            budget = Int64((fileBudget * 1e6).rounded())
        }
        try validate()
    }

    /// An integer; its range is the validation's (which names the same key).
    static func integer(_ value: JSONValue, _ key: String) throws(ConfigError) -> Int {
        Int(clamping: try value.configInteger(key))
    }
}
