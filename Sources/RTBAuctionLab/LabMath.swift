/// Small dense linear algebra for the lab's learners (a few weights each), from basic
/// operations only.
enum LabMath {
    /// Solves a x = b for a symmetric positive definite n x n matrix `a` (row-major) by
    /// Cholesky; nil when `a` is not positive definite.
    static func solve(_ a: [Double], _ b: [Double], _ n: Int) -> [Double]? {
        var lower = [Double](repeating: 0, count: n * n)
        for row in 0..<n {
            for column in 0...row {
                var sum = a[row * n + column]
                for k in 0..<column { sum -= lower[row * n + k] * lower[column * n + k] }
                if row == column {
                    guard sum > 0 && sum.isFinite else { return nil }
                    lower[row * n + row] = sum.squareRoot()
                } else {
                    lower[row * n + column] = sum / lower[column * n + column]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for row in 0..<n {
            var sum = b[row]
            for k in 0..<row { sum -= lower[row * n + k] * y[k] }
            y[row] = sum / lower[row * n + row]
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[row]
            for k in (row + 1)..<n { sum -= lower[k * n + row] * x[k] }
            x[row] = sum / lower[row * n + row]
        }
        return x
    }

    static func clip(_ value: Double, _ low: Double, _ high: Double) -> Double {
        min(high, max(low, value))
    }
}
