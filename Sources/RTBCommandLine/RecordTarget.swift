import RTBCore
import ArgumentParser
import RTBModels
import RTBTrace

/// What `record` (and a golden file's arguments) asks to run: a model and its canonical config.
/// The market's options build the rtb-market config; any other model (`--model NAME`) reads its
/// config from the JSON file given with `--config`.
public struct RecordTarget {
    public var model: any SimulationModel.Type
    /// The config's canonical bytes (what the ledger header stores).
    public var config: [UInt8]

    public init(model: any SimulationModel.Type, config: [UInt8]) {
        self.model = model
        self.config = config
    }

    public static func resolve(model name: String?, market: MarketOptions) throws -> RecordTarget {
        guard let name, name != RTBMarketModel.identity.name else {
            return RecordTarget(
                model: RTBMarketModel.self, config: try market.config().canonicalBytes)
        }
        guard let found = ModelRegistry.model(named: name) else {
            throw ValidationError(
                "invalid --model '\(name)': expected one of "
                    + ModelRegistry.names.joined(separator: ", "))
        }
        guard let path = market.configFile else {
            throw ValidationError("--model \(name) takes its config from --config FILE (JSON)")
        }
        if let option = market.givenOptions.first {
            throw ValidationError(
                "--model \(name): market options such as \(option) do not apply; use --config FILE")
        }
        return RecordTarget(model: found, config: try config(found, path: path))
    }

    /// Refuses recording options this model cannot honour (a canary it does not plant), before
    /// anything is written or an old ledger replaced.
    public func validate(_ recording: RecordingOptions) throws {
        try Self.validate(model, recording)
    }

    static func validate<Model: SimulationModel>(_ model: Model.Type, _ recording: RecordingOptions)
        throws
    {
        if let canary = recording.canary, !Model.canaries.contains(canary) {
            throw ValidationError(
                "invalid --canary '\(canary)' for \(Model.identity.name): expected "
                    + (Model.canaries.isEmpty ? "none" : Model.canaries.joined(separator: ", ")))
        }
    }

    static func config<Model: SimulationModel>(_ model: Model.Type, path: String) throws
        -> [UInt8]
    {
        let json: JSONValue
        switch JSONValue.parse(try CommandRunner.read(path)) {
        case .success(let value): json = value
        case .failure(let error): throw ValidationError("\(path): not JSON: \(error)")
        }
        do {
            return Model.encodeConfig(try Model.config(json: json))
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }
}
