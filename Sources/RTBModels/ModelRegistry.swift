import RTBAtomization
import RTBAdPipeline
import RTBAuctionLab
import RTBElectricity
import RTBEquilibrium
import RTBLedger
import RTBTrace
import Synchronization

/// The one registry mapping a ledger header to the model that reads it. Every harness
/// operation on an existing ledger (resume, verify --deep, replay, bisect, dump, check, golden
/// runs) asks it; no other file branches on which model a ledger holds. The built-in models
/// are listed here; a model outside this package (the test model) registers itself once at
/// start-up with `register`.
public enum ModelRegistry {
    /// Built-in models. Format 1 headers name no model: the first legacy model whose
    /// `claimsLegacyConfig` accepts the config bytes reads the ledger.
    static let builtIn: [any SimulationModel.Type] = [
        ScaleMarketModel.self, RTBMarketModel.self, ExchangeEconomyModel.self,
        CampaignAtomizationModel.self, P2PElectricityModel.self, AuctionLabModel.self,
        CreativePipelineModel.self,
    ]
    static let registered = Mutex<[any SimulationModel.Type]>([])

    /// Adds a model (idempotent); its name must not collide with another model's.
    public static func register(_ model: any SimulationModel.Type) {
        registered.withLock { models in
            let name = identity(of: model).name
            if models.contains(where: { identity(of: $0).name == name }) { return }
            precondition(
                !builtIn.contains { identity(of: $0).name == name }, "model name \(name) is taken")
            models.append(model)
        }
    }

    /// Every model this process knows, built-in first.
    public static var all: [any SimulationModel.Type] {
        builtIn + registered.withLock { $0 }
    }

    /// The names of every model this process knows.
    public static var names: [String] { all.map { identity(of: $0).name } }

    /// Every model's canary names.
    public static var canaries: [String] { all.flatMap { canaries(of: $0) } }

    static func canaries<Model: SimulationModel>(of model: Model.Type) -> [String] {
        Model.canaries
    }

    /// The model called `name`, or nil.
    public static func model(named name: String) -> (any SimulationModel.Type)? {
        all.first { identity(of: $0).name == name }
    }

    /// The model that reads a ledger with this header; throws (exit 12) for an unknown model, a
    /// newer version of a known one, or another event schema version, naming both sides.
    public static func model(for header: RunHeader, path: String) throws
        -> any SimulationModel.Type
    {
        let found: any SimulationModel.Type
        if let named = header.model {
            found = try lookUp(named, format: header.formatVersion, path: path)
        } else {
            found = try legacyModel(config: header.config, path: path)
        }
        try check(header, against: found, path: path)
        return found
    }

    /// Format 1: the first legacy model that claims the config bytes.
    static func legacyModel(config: [UInt8], path: String) throws -> any SimulationModel.Type {
        for candidate in all where isLegacy(candidate) && claims(candidate, config) {
            return candidate
        }
        throw LedgerError.notALedger(
            path: path, reason: "format 1 header whose config belongs to no known model")
    }

    /// Format 2: the model the header names, at its version or an older one.
    static func lookUp(_ named: ModelIdentity, format: UInt32, path: String) throws
        -> any SimulationModel.Type
    {
        let known = all
        guard let candidate = known.first(where: { identity(of: $0).name == named.name }),
            formatOf(candidate) == format
        else {
            throw LedgerError.unsupportedVersion(
                path: path, found: "model \(named)",
                supported: "models "
                    + known.map { identity(of: $0).description }.joined(separator: ", "))
        }
        let current = identity(of: candidate)
        guard named.version <= current.version else {
            throw LedgerError.unsupportedVersion(
                path: path, found: "model \(named)", supported: "\(current) or older")
        }
        return candidate
    }

    /// A model's identity (through a generic function: key paths and member access on
    /// existential metatypes crash this compiler).
    /// About how many events a run of the model named `name` with the JSON config `text`
    /// emits (nil when the model or the config is unknown): a sweep runs its largest cells
    /// first, so that the last cells to finish are small ones.
    public static func expectedEvents(model name: String, config text: String) -> Int64? {
        guard let model = model(named: name), case .success(let json) = JSONValue.parse(text) else {
            return nil
        }
        return expectedEvents(model, json: json)
    }

    static func expectedEvents<Model: SimulationModel>(_ model: Model.Type, json: JSONValue)
        -> Int64?
    {
        guard let config = try? Model.config(json: json) else { return nil }
        return Model.expectedEvents(config)
    }

    public static func identity<Model: SimulationModel>(of model: Model.Type) -> ModelIdentity {
        Model.identity
    }

    static func formatOf<Model: SimulationModel>(_ model: Model.Type) -> UInt32 {
        Model.ledgerFormat
    }

    static func isLegacy<Model: SimulationModel>(_ model: Model.Type) -> Bool {
        Model.ledgerFormat == 1
    }

    static func claims<Model: SimulationModel>(_ model: Model.Type, _ config: [UInt8]) -> Bool {
        Model.claimsLegacyConfig(config)
    }

    static func check(_ header: RunHeader, against model: any SimulationModel.Type, path: String)
        throws
    {
        guard header.eventSchemaVersion == model.eventSchemaVersion else {
            throw LedgerError.unsupportedVersion(
                path: path,
                found: "\(model.identity.name) event schema \(header.eventSchemaVersion)",
                supported: "event schema \(model.eventSchemaVersion)")
        }
    }

    /// The model of an open ledger.
    public static func model(of store: LedgerStore) throws
        -> any SimulationModel.Type
    {
        try model(for: store.header, path: store.path)
    }

    /// The config stored in a ledger's header, decoded by its model.
    public static func config<Model: SimulationModel>(_ model: Model.Type, of store: LedgerStore)
        throws -> Model.Config
    {
        do {
            return try Model.decodeConfig(store.header.config)
        } catch {
            throw LedgerError.corrupt(
                path: store.path, location: "header", reason: "config: \(error)")
        }
    }
}
