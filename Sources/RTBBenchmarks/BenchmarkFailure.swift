/// A benchmark whose own result check failed (a measurement that did not measure what it
/// claims, e.g. a replay that diverged): the suite stops instead of reporting a figure.
public struct BenchmarkFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
