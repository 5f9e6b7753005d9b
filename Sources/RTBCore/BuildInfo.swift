/// Versions that identify what produced a ledger.
public enum BuildInfo {
    /// The simulation engine version. Any change to simulated behaviour bumps it.
    public static let engineVersion = "0.4.0"
    /// The newest ledger file format (tables, frame and hash layout) this build writes; it
    /// reads and writes formats 1 (the RTB markets) and 2 (every other model).
    public static let ledgerFormatVersion: UInt32 = 2
    /// The event schema version (canonical layouts of market events).
    public static let eventSchemaVersion: UInt32 = 1

    /// "engine 0.2.0, ledger formats 1-2, event schema 1" (the market's event schema).
    public static var versionLine: String {
        "engine \(engineVersion), ledger formats 1-\(ledgerFormatVersion), event schema \(eventSchemaVersion)"
    }
}
