import Foundation
import RTBIntegrity

extension TestSupport {
    /// tools/ledger_reader.py disagreeing with `verify --deep`, with both sides.
    public struct ReaderMismatch: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs tools/ledger_reader.py (written from docs/ledger-format.md and the generated event
    /// tables alone) on the ledger at `path` and throws unless it exits 0 and reports it intact
    /// with `verify --deep`'s head hash, frames, events and checkpoints. Returns the reader's
    /// event count per kind, for the caller to compare with the model's own decoder.
    public static func independentReaderKinds(_ path: String) throws -> [String: Int] {
        let result = try run(
            "/usr/bin/env", ["python3", root + "/tools/ledger_reader.py", path, "--json"])
        guard result.status == 0,
            let report = try? JSONSerialization.jsonObject(with: Data(result.output.utf8))
                as? [String: Any]
        else {
            throw ReaderMismatch(
                description:
                    "ledger_reader.py exit \(result.status): \(result.output) \(result.error)")
        }
        let verified = try ChainVerifier.verify(path: path, deep: true)
        guard report["status"] as? String == "intact",
            report["head_hash"] as? String == verified.headHash.hex,
            report["frames"] as? Int == verified.frames,
            (report["events"] as? NSNumber)?.uint64Value == verified.events,
            report["checkpoints"] as? Int == verified.checkpoints,
            let kinds = report["kinds"] as? [String: Int]
        else {
            throw ReaderMismatch(
                description:
                    "ledger_reader.py \(report); verify --deep: head \(verified.headHash.hex), \(verified.frames) frames, \(verified.events) events, \(verified.checkpoints) checkpoints"
            )
        }
        return kinds
    }
}
