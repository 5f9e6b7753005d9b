import RTBLedger
import RTBModels
import RTBTrace

/// Which events of a ledger `dump` and `export` read: kinds by name, the agent they concern,
/// and a range of sequence numbers.
public struct EventSelection: Equatable, Sendable {
    /// Kind names ("DealAgreed"); empty selects every kind.
    public var kinds: [String]
    /// An agent id ("buyer-001"): only the events the model says concern it.
    public var agent: String?
    /// First sequence number.
    public var from: UInt64
    /// At most this many selected events.
    public var count: UInt64?

    public init(kinds: [String] = [], agent: String? = nil, from: UInt64 = 0, count: UInt64? = nil)
    {
        self.kinds = kinds
        self.agent = agent
        self.from = from
        self.count = count
    }

    /// Calls `body` with every selected event of a ledger of `Model`, in sequence order.
    /// Throws `EventSelectionError` for a kind the model does not have.
    func forEach<Model: SimulationModel>(
        _ model: Model.Type, store: LedgerStore, _ body: (UInt64, Model.Event) throws -> Void
    ) throws {
        let known = Model.Event.kindNames
        for kind in kinds where !known.contains(kind) {
            throw EventSelectionError(
                "\(store.path): unknown event kind '\(kind)' for model \(Model.identity.name) (kinds: "
                    + known.joined(separator: ", ") + ")")
        }
        let wanted = Set(kinds)
        var remaining = count ?? UInt64.max
        guard remaining > 0 else { return }
        // The agent's events are found by following the run from its start (later events refer
        // to the negotiations and deals of earlier ones).
        var concerns: ((Model.Event) -> Bool)?
        if let agent {
            let tracker = Model.agentTracker(for: try ModelRegistry.config(Model.self, of: store))
            concerns = { tracker($0).contains(agent) }
        }
        guard let first = try store.frameIndex(containing: concerns == nil ? from : 0) else {
            return
        }
        try LedgerEvents.forEach(Model.self, store: store, fromFrame: first) { sequence, event, _ in
            // The tracker sees every event, selected or not.
            let concerned = concerns?(event) ?? true
            guard sequence >= from, concerned, wanted.isEmpty || wanted.contains(event.kindName)
            else { return true }
            try body(sequence, event)
            remaining -= 1
            return remaining > 0
        }
    }
}

/// A selection the ledger's model cannot serve (exit 64).
public struct EventSelectionError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
