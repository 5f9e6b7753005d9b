import Foundation
import Testing
import RTBCore

@Test func specialValues() {
    #expect(DeterministicMath.exp(0) == 1)
    #expect(DeterministicMath.exp(1_000) == .infinity)
    #expect(DeterministicMath.exp(-1_000) == 0)
    #expect(DeterministicMath.exp(.nan).isNaN)
    #expect(DeterministicMath.log(1) == 0)
    #expect(DeterministicMath.log(0) == -.infinity)
    #expect(DeterministicMath.log(-1).isNaN)
    #expect(DeterministicMath.log(.infinity) == .infinity)
    #expect(DeterministicMath.pow(2, 10) == 1_024)
    #expect(DeterministicMath.pow(-2, 3) == -8)
    #expect(DeterministicMath.pow(-2, 0.5).isNaN)
    #expect(DeterministicMath.pow(0, 2) == 0)
    #expect(DeterministicMath.pow(5, 0) == 1)
}

/// Our functions stay within one ulp of the platform libm (accuracy check, not determinism:
/// the pinned vectors are the determinism check).
@Test func accuracyWithinOneUlpOfLibm() {
    var stream = RandomStream(seed: 9, key: StreamKey("accuracy"))
    for _ in 0..<20_000 {
        let x = stream.uniform(-700, 700)
        #expect(ulps(DeterministicMath.exp(x), Foundation.exp(x)) <= 1)
        let y = Foundation.exp(stream.uniform(-700, 700))
        #expect(ulps(DeterministicMath.log(y), Foundation.log(y)) <= 1)
    }
    #expect(
        ulps(
            DeterministicMath.log(Double.leastNonzeroMagnitude),
            Foundation.log(Double.leastNonzeroMagnitude)) <= 1)
}

func ulps(_ a: Double, _ b: Double) -> Int64 {
    abs(Int64(bitPattern: a.bitPattern) - Int64(bitPattern: b.bitPattern))
}
