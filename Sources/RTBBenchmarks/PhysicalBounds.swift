import Foundation
import RTBCore
import RTBMarket
import RTBRunning
import RTBTrace

/// SHA-256 and zstd throughput on this machine: the limits recording and verifying run into.
public struct PhysicalBounds: Sendable {
    public var sha256GBps = 0.0
    public var zstdCompressMBps = 0.0
    public var zstdDecompressGBps = 0.0
    /// Sequential reads of a 256 MB array of doubles, summed on one core.
    public var memoryBytesPerSecond = 0.0
    /// Work done by two threads of scalar arithmetic (a random stream's draws) at once, over one
    /// thread's alone: what two jobs can gain on this VM at best (2.0 on two idle cores).
    public var twoThreadScaling = 0.0

    public static func measure(directory: String) throws -> PhysicalBounds {
        // 64 MiB of event-like bytes: a recorded run's canonical events, repeated.
        var bytes: [UInt8] = []
        var writer = CanonicalWriter(capacity: 1 << 16)
        var stream = RandomStream(seed: 1, key: StreamKey("bench-bytes"))
        while writer.bytes.count < 1 << 16 {
            writer.u8(23)
            writer.varint(stream.next(below: 3_000_000))
            writer.varint(stream.next(below: 25))
            writer.varint(1_000 + stream.next(below: 2_000))
        }
        while bytes.count < 64 << 20 { bytes += writer.bytes }
        var bounds = PhysicalBounds()
        let hash = Stopwatch.samples(runs: 3) { _ = Sha256.hash(bytes) }
        bounds.sha256GBps = Double(bytes.count) / hash.median / 1e9
        // The recorder's frame size and zstd level.
        let frameBytes = FrameLayout.defaultFrameTargetBytes
        let frames = stride(from: 0, to: bytes.count, by: frameBytes).map {
            Array(bytes[$0..<min($0 + frameBytes, bytes.count)])
        }
        let compressor = ZstdCompressor()
        var compressed: [[UInt8]] = []
        let compress = Stopwatch.samples(runs: 3) { compressed = frames.map(compressor.compress) }
        bounds.zstdCompressMBps = Double(bytes.count) / compress.median / 1e6
        let decompressor = ZstdDecompressor()
        let decompress = try Stopwatch.samples(runs: 3) {
            for (index, frame) in compressed.enumerated() {
                _ = try decompressor.decompress(frame, expectedSize: frames[index].count)
            }
        }
        bounds.zstdDecompressGBps = Double(bytes.count) / decompress.median / 1e9
        let values = [Double](repeating: 1.5, count: 32 << 20)
        var total = 0.0
        let read = Stopwatch.samples(runs: 3) {
            values.withUnsafeBufferPointer { buffer in
                var sum = 0.0
                for value in buffer { sum += value }
                total += sum
            }
        }
        bounds.memoryBytesPerSecond = total > 0 ? Double(values.count * 8) / read.median : 0
        let draws = { @Sendable (_ index: Int) -> UInt64 in
            var stream = RandomStream(seed: UInt64(index), key: StreamKey("bench-scaling"))
            var sum: UInt64 = 0
            for _ in 0..<100_000_000 { sum &+= stream.next() }
            return sum
        }
        let one = Stopwatch.samples(runs: 3) { _ = draws(0) }
        let two = Stopwatch.samples(runs: 3) { _ = ThreadedWork(workers: 2).map(2, draws) }
        bounds.twoThreadScaling = 2 * one.median / two.median
        return bounds
    }

    var rows: [BenchmarkRow] {
        [
            .row(
                "bound: SHA-256, one core", issue: "-", value: sha256GBps, unit: "GB/s",
                format: "%.2f"),
            .row(
                "bound: zstd compression (level \(ZstdCompressor.defaultLevel)), one core",
                issue: "-", value: zstdCompressMBps, unit: "MB/s", format: "%.0f"),
            .row(
                "bound: zstd decompression, one core", issue: "-", value: zstdDecompressGBps,
                unit: "GB/s", format: "%.2f"),
            .row(
                "bound: memory, sequential reads of doubles, one core", issue: "-",
                value: memoryBytesPerSecond / 1e9, unit: "GB/s", format: "%.2f"),
            .row(
                "bound: two threads of arithmetic at once / one thread alone", issue: "-",
                value: twoThreadScaling, unit: "x", bound: "2.00 on two idle cores",
                format: "%.2f"),
        ]
    }
}
