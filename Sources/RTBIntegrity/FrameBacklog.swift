import Foundation

/// How much work the engine may hand a background queue (the recorder's or a replay's hashing)
/// before it waits: at most `maxItems` frames or checkpoints and `maxBytes` of their bytes, and
/// always one whatever its size. The room absorbs the recorder's stalls: its WAL checkpoints'
/// fsyncs took up to 19 ms each on this machine (0.86 s in all for a 98 MB ledger), the engine
/// time of over a hundred 64 KiB frames of auction rounds. With room for 8 frames the 2 million
/// round auction lab took 3.8 s to record; with 16 MiB, 2.9-3.0 s (medians of 5, alternated).
public final class FrameBacklog: @unchecked Sendable {
    public static let defaultMaxItems = 1_024
    public static let defaultMaxBytes = 16 << 20

    public let maxItems: Int
    public let maxBytes: Int
    let condition = NSCondition()
    /// Guarded by `condition`.
    var items = 0
    var bytes = 0

    public init(maxItems: Int = defaultMaxItems, maxBytes: Int = defaultMaxBytes) {
        precondition(maxItems > 0 && maxBytes > 0, "a backlog holds at least one item")
        self.maxItems = maxItems
        self.maxBytes = maxBytes
    }

    /// Waits until an item of `size` bytes fits (an empty backlog takes any size), then counts it.
    public func enter(size: Int) {
        condition.lock()
        while items > 0 && (items >= maxItems || bytes + size > maxBytes) { condition.wait() }
        items += 1
        bytes += size
        condition.unlock()
    }

    /// An item of `size` bytes is done.
    public func leave(size: Int) {
        condition.lock()
        items -= 1
        bytes -= size
        condition.broadcast()
        condition.unlock()
    }
}
