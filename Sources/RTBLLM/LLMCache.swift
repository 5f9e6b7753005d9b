import Foundation
import RTBCore
import RTBTrace

/// Replies kept by prompt digest (SHA-256 of provider, model, system and user prompt), in a
/// JSON-lines file shared across runs (`RTB_LLM_CACHE`), each valid for `ttlHours` (the seed's
/// 24 by default, `RTB_LLM_CACHE_TTL_HOURS`). The cache only decides whether to call: the run
/// records the answer either way, so replay never depends on it.
public final class LLMCache: @unchecked Sendable {
    struct Entry {
        var text: String
        var storedAt: Double
    }

    let path: String
    let ttlSeconds: Double
    var entries: [String: Entry] = [:]  // determinism-ok: lookups by key only
    let handle: FileHandle?

    public init(path: String, ttlHours: Double) throws {
        self.path = path
        ttlSeconds = ttlHours * 3_600
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw LLMError("cannot create the LLM cache \(path)")
            }
        }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            guard case .success(let json) = JSONValue.parse(String(line)),
                let key = json["key"]?.stringValue, let reply = json["text"]?.stringValue,
                let stored = json["stored_at"]?.double
            else { continue }
            entries[key] = Entry(text: reply, storedAt: stored)
        }
        handle = FileHandle(forWritingAtPath: path)
        handle?.seekToEndOfFile()
    }

    /// The key of a prompt.
    public static func key(provider: String, model: String, system: String, user: String) -> String
    {
        var writer = CanonicalWriter()
        for part in [provider, model, system, user] { writer.string(part) }
        return Sha256.hash(writer.bytes).hex
    }

    /// A fresh cached reply, or nil.
    public func lookUp(_ key: String, now: Double) -> String? {
        guard let entry = entries[key], now - entry.storedAt <= ttlSeconds else { return nil }
        return entry.text
    }

    /// Keeps a reply (appended to the file at once).
    public func store(_ key: String, text: String, now: Double) {
        entries[key] = Entry(text: text, storedAt: now)
        let line =
            "{\"key\":\(JSONText.quote(key)),\"stored_at\":\(now),\"text\":\(JSONText.quote(text))}\n"
        handle?.write(Data(line.utf8))
    }
}
