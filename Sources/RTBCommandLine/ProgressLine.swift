import ArgumentParser
import Foundation

/// `--progress` and `--quiet`: whether a command shows its progress line on stderr.
public struct ProgressOptions: ParsableArguments {
    @Flag(name: .long, help: "Show the progress line on stderr even when it is not a terminal.")
    public var progress = false

    @Flag(name: .long, help: "Never show the progress line.")
    public var quiet = false

    public init() {}

    public func validate() throws {
        if progress && quiet { throw ValidationError("give --progress or --quiet, not both") }
    }

    /// Shown when forced, or when stderr is a terminal and not silenced.
    public var enabled: Bool { progress || (!quiet && isatty(2) != 0) }
}

/// One line on stderr, rewritten in place: what is running, how far, the rate and the time
/// left. Wall-clock time decides only when to redraw and what the rate is; nothing of it
/// reaches a result. Redrawn at most five times a second; parallel tasks may update it.
public final class ProgressLine: @unchecked Sendable {
    let lock = NSLock()
    let task: String
    let unit: String
    var total: Double?
    let enabled: Bool
    let started = DispatchTime.now().uptimeNanoseconds  // determinism-ok: display only (rate, time left)
    var lastDrawn: UInt64 = 0
    var drawn = false

    /// `total` nil when unknown; `estimated` when it is an estimate (shown as "about").
    public init(
        _ task: String, unit: String, total: Double?, estimated: Bool = false, enabled: Bool
    ) {
        self.task = task
        self.unit = unit
        self.total = total.map { $0 > 0 ? $0 : 1 }
        self.estimated = estimated
        self.enabled = enabled
    }

    let estimated: Bool

    /// `done` units so far; `detail` says where ("scenario b day 3/30"); `total` when it
    /// becomes known.
    public func update(_ done: Double, total known: Double? = nil, detail: String? = nil) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if let known { total = max(known, 1) }
        let now = DispatchTime.now().uptimeNanoseconds  // determinism-ok: redraw pacing, display only
        guard now - lastDrawn >= 200_000_000 else { return }
        lastDrawn = now
        let seconds = Double(now - started) / 1e9
        let rate = seconds > 0 ? done / seconds : 0
        var text = task + (detail.map { " " + $0 } ?? "") + ": " + Self.count(done)
        if let total {
            let fraction = min(done / total, estimated ? 0.99 : 1)
            text += "/" + (estimated ? "~" : "") + Self.count(total) + " \(unit)"
            text += String(format: " (%.0f%%)", fraction * 100)
            if rate > 0 {
                let left = max(0, (total - done) / rate)
                text +=
                    ", \(Self.rate(rate)) \(unit)/s, " + (estimated ? "about " : "")
                    + Self.duration(left) + " left"
            }
        } else {
            text += " \(unit), \(Self.rate(rate)) \(unit)/s"
        }
        FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
        drawn = true
    }

    /// Clears the line (the command's output follows on stdout).
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }

    /// 1234567 as "1.2M".
    static func count(_ value: Double) -> String {
        for (limit, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "K")] where value >= limit {
            return String(format: "%.1f", value / limit) + suffix
        }
        return String(format: "%.0f", value)
    }

    /// A rate: one decimal below 10 ("0.4"), otherwise as `count`.
    static func rate(_ value: Double) -> String {
        value < 10 ? String(format: "%.1f", value) : count(value)
    }

    /// 75 seconds as "1m15s".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        return whole >= 60 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole)s"
    }
}
