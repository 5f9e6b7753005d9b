import RTBCore

/// What one shared-ledger entry costs in scenario C (the public implementation's Sui + Walrus
/// parameters): gas 0.001 SUI + 1e-7 SUI per byte, storage 0.0005 SUI + 1e-5 SUI per KiB,
/// at $1.50 per SUI.
///
/// Exact form: nanoSUI x 1024 = 1024 x 1,500,000 + 102,400 x bytes + 10,000 x bytes; then
/// micros = that x 1,500,000 / (1024 x 10^9), rounded by the project rule. A 300-byte entry
/// costs 2,299 micros ($0.0023).
public enum LedgerCostModel {
    /// Cost of an entry of `bytes` canonical bytes.
    public static func cost(bytes: Int) -> Micros {
        let scaledNanoSui = 1_024 * 1_500_000 + 102_400 * Int64(bytes) + 10_000 * Int64(bytes)
        return Micros(RoundingRule.mulDiv(scaledNanoSui, 1_500_000, 1_024 * 1_000_000_000))
    }
}
