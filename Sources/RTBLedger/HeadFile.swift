import RTBCore

#if canImport(Glibc)
    import Glibc
#endif

/// The head a recorder published, in a small file beside the ledger (`LEDGER.head.json`), so
/// that a later `verify --expect-head FILE` can reject a ledger that was rolled back to an
/// earlier consistent head, extended, or replaced. One JSON object, keys sorted:
/// `{"events":N,"finished":true|false,"format":F,"frames":N,"ledger":"NAME","run_digest":"HEX"}`.
public struct HeadFile: Equatable, Sendable {
    public var runDigest: Digest32
    public var frames: Int
    public var events: UInt64
    public var finished: Bool
    public var format: UInt32
    /// The ledger's file name (without directories).
    public var ledger: String

    public init(
        runDigest: Digest32, frames: Int, events: UInt64, finished: Bool, format: UInt32,
        ledger: String
    ) {
        self.runDigest = runDigest
        self.frames = frames
        self.events = events
        self.finished = finished
        self.format = format
        self.ledger = ledger
    }

    /// Where the head file of `ledgerPath` lives.
    public static func path(of ledgerPath: String) -> String { ledgerPath + ".head.json" }

    /// The file's text.
    public var text: String {
        "{\"events\":\(events),\"finished\":\(finished),\"format\":\(format),\"frames\":\(frames),"
            + "\"ledger\":\"\(Self.escaped(ledger))\",\"run_digest\":\"\(runDigest.hex)\"}\n"
    }

    static func escaped(_ text: String) -> String {
        text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            default: return scalar.value < 0x20 ? "?" : String(scalar)
            }
        }.joined()
    }

    /// Writes the file next to the ledger (through a temporary file renamed into place).
    public func write(besides ledgerPath: String) throws(LedgerError) {
        let target = Self.path(of: ledgerPath)
        let temporary = target + ".tmp-\(getpid())"
        let bytes = Array(text.utf8)
        guard let file = fopen(temporary, "w") else {
            throw .io(path: target, reason: String(cString: strerror(errno)))
        }
        let written = fwrite(bytes, 1, bytes.count, file)
        let closed = fclose(file)
        guard written == bytes.count, closed == 0, rename(temporary, target) == 0 else {
            unlink(temporary)
            throw .io(path: target, reason: "cannot write the head file")
        }
    }

    /// Parses a head file's text; nil when it is not one.
    public init?(text: String) {
        let characters = Array(text)
        func value(_ key: String) -> Substring? {
            let needle = Array("\"\(key)\":")
            guard characters.count >= needle.count,
                let start = (0...(characters.count - needle.count)).first(where: {
                    Array(characters[$0..<$0 + needle.count]) == needle
                })
            else { return nil }
            let rest = String(characters[(start + needle.count)...])[...]
            let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
            return rest[..<end].trimmingCharacters(in: " \"\n")
        }
        guard let digestText = value("run_digest"), let digest = Digest32(hex: String(digestText)),
            let frames = value("frames").flatMap({ Int($0) }),
            let events = value("events").flatMap({ UInt64($0) }),
            let finished = value("finished").flatMap({ Bool(String($0)) }),
            let format = value("format").flatMap({ UInt32($0) })
        else { return nil }
        self.init(
            runDigest: digest, frames: frames, events: events, finished: finished, format: format,
            ledger: value("ledger").map(String.init) ?? "")
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> Substring {
        var result = self
        while let first = result.first, characters.contains(first) { result = result.dropFirst() }
        while let last = result.last, characters.contains(last) { result = result.dropLast() }
        return result
    }
}
