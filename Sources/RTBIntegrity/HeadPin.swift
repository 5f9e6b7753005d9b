import RTBCore
import RTBLedger

/// A head the ledger must end at: a run digest alone, or a head file (`LEDGER.head.json`)
/// with its frame and event counts.
public enum HeadPin: Sendable {
    case digest(Digest32)
    case file(HeadFile)

    /// Reads `text` as a 64-hex-digit run digest (either case), else as the path of a head file.
    public static func parse(_ text: String, read: (String) throws -> String) throws -> HeadPin {
        if text.utf8.count == 64, let digest = Digest32(hex: text.lowercased()) {
            return .digest(digest)
        }
        guard let file = HeadFile(text: try read(text)) else {
            throw LedgerError.corrupt(
                path: text, location: "head file", reason: "not a head file (see ledger-format.md)")
        }
        return .file(file)
    }

    /// Why a verified ledger is not the pinned one (shorter, longer or different), or nil.
    public func mismatch(_ report: ChainReport, store: LedgerStore) throws -> String? {
        switch self {
        case .file(let pinned):
            if report.frames < pinned.frames {
                return
                    "shorter than its pinned head: \(report.frames) frames, pinned \(pinned.frames) (frames removed or rolled back)"
            }
            if report.frames > pinned.frames {
                let extends = try store.frameHash(at: pinned.frames - 1) == pinned.runDigest
                return
                    "longer than its pinned head: \(report.frames) frames, pinned \(pinned.frames)"
                    + (extends ? " (it extends the pinned head)" : " (and differs from it)")
            }
            if report.headHash != pinned.runDigest || report.events != pinned.events {
                return
                    "differs from its pinned head: run digest \(report.headHash.short), pinned \(pinned.runDigest.short)"
            }
            if pinned.finished && !report.finished {
                return "its pinned head is finished, the ledger's is not"
            }
            return nil
        case .digest(let pinned):
            guard report.headHash != pinned else { return nil }
            let hashes = try store.allFrameHashes()
            if let index = hashes.prefix(report.frames).firstIndex(of: pinned) {
                return
                    "longer than its pinned head: the pinned digest is frame \(index)'s, the ledger has \(report.frames) frames"
            }
            return
                "does not contain its pinned head \(pinned.short) (shorter, rolled back or another run)"
        }
    }
}
