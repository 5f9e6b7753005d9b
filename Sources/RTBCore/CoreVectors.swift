/// The pinned test vectors of the deterministic core, as text lines.
///
/// `rtb-verify vectors` prints these; the test suite compares them, computed in its own process
/// and in a child process, with the values pinned in `CoreVectorTests`. Any platform, build mode
/// or toolchain that disagrees breaks determinism.
public enum CoreVectors {
    /// Lines of "kind input... output...".
    public static func lines() -> [String] {
        var lines: [String] = []
        let streams: [(UInt64, String, StreamKey)] = [
            (42, "market", StreamKey("market")),
            (1, "buyer-001/bid", StreamKey("buyer-001", "bid")),
            (2026, "traffic/7", StreamKey("traffic").appending(UInt64(7))),
        ]
        for (seed, name, key) in streams {
            var stream = RandomStream(seed: seed, key: key)
            let outputs = (0..<5).map { _ in hex64(stream.next()) }
            lines.append("stream \(seed) \(name) " + outputs.joined(separator: " "))
        }
        for x in [1.0, -2.5, 10.0] {
            lines.append("exp \(x) " + hex64(DeterministicMath.exp(x).bitPattern))
        }
        for x in [10.0, 0.5, 12345.678] {
            lines.append("log \(x) " + hex64(DeterministicMath.log(x).bitPattern))
        }
        var first = CanonicalWriter()
        first.varint(300 as UInt64)
        first.signedVarint(-3)
        first.string("rtb")
        var second = CanonicalWriter()
        second.u32(7)
        second.f64(1.5)
        second.bool(true)
        var third = CanonicalWriter()
        third.i64(-2)
        third.byteString([0xDE, 0xAD])
        third.varint(UInt64.max)
        for (index, writer) in [first, second, third].enumerated() {
            lines.append("encoding \(index + 1) " + writer.bytes.map(hex8).joined())
        }
        return lines
    }

    static func hex64(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    static func hex8(_ value: UInt8) -> String {
        let text = String(value, radix: 16)
        return text.count == 1 ? "0" + text : text
    }
}
