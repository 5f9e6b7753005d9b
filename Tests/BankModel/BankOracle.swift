import RTBCore
import RTBTrace

/// The outside service of the test bank: it answers each question with a fresh random amount
/// from the system generator, so no two processes answer alike. Recordings store its answers;
/// replay and resume reproduce the run bit for bit without ever asking it again.
public final class BankOracle: DecisionSource {
    public let name = "test-oracle"
    /// Questions answered by this instance (a replay must leave it at zero).
    public private(set) var asked = 0

    public init() {}

    public func answer(_ question: [UInt8]) throws -> [UInt8] {
        asked += 1
        var reader = CanonicalReader(question)
        for _ in 0..<3 { _ = try reader.varint() }
        let balance = try reader.varint()
        var writer = CanonicalWriter()
        writer.varint(UInt64.random(in: 0...balance))  // deliberately not reproducible
        return writer.bytes
    }
}
