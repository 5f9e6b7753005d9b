/// Versions that identify what produced a ledger.
public enum BuildInfo {
    /// The simulation engine version. Any change to simulated behaviour bumps it.
    public static let engineVersion = "0.1.0"
    /// The ledger file format version (tables, frame and hash layout).
    public static let ledgerFormatVersion: UInt32 = 1
    /// The event schema version (canonical layouts of market events).
    public static let eventSchemaVersion: UInt32 = 1

    /// "engine 0.1.0, ledger format 1, event schema 1".
    public static var versionLine: String {
        "engine \(engineVersion), ledger format \(ledgerFormatVersion), event schema \(eventSchemaVersion)"
    }
}
