import Dispatch
import Foundation

/// Wall-clock timing for benchmarks (never used by simulation code).
public enum Stopwatch {
    /// Seconds taken by `body`.
    public static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds  // determinism-ok: benchmark timing
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9  // determinism-ok: benchmark timing
    }

    /// `runs` timings of `body` after one warm-up run.
    public static func samples(runs: Int, warmUp: Bool = true, _ body: () throws -> Void) rethrows
        -> Samples
    {
        if warmUp { try body() }
        var values: [Double] = []
        for _ in 0..<runs { values.append(try time(body)) }
        return Samples(values)
    }
}

/// Repeated measurements: median, min and max.
public struct Samples: Sendable {
    public var values: [Double]

    public init(_ values: [Double]) {
        self.values = values.sorted()
    }

    public var median: Double {
        let count = values.count
        return count % 2 == 1 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2
    }
    public var min: Double { values.first ?? 0 }
    public var max: Double { values.last ?? 0 }
}
