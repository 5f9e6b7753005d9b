import Testing
import RTBCore

@Test func aRestoredStreamContinuesExactly() {
    var original = RandomStream(seed: 7, key: StreamKey("buyer-003", "pacing"))
    for _ in 0..<37 { _ = original.next() }
    let saved = original.state
    let expected = (0..<100).map { _ in original.next() }
    var restored = RandomStream(state: saved)!
    #expect((0..<100).map { _ in restored.next() } == expected)
}

@Test func allZeroStateIsRejected() {
    #expect(RandomStream(state: (0, 0, 0, 0)) == nil)
}

@Test func keysSeparateStreams() {
    var a = RandomStream(seed: 1, key: StreamKey("a", "b"))
    var b = RandomStream(seed: 1, key: StreamKey("ab"))
    var c = RandomStream(seed: 2, key: StreamKey("a", "b"))
    let first = a.next()
    #expect(first != b.next())
    #expect(first != c.next())
    #expect(StreamKey("x").appending(UInt64(1)).hash != StreamKey("x").appending("1").hash)
}

@Test func boundedIntegersStayInRangeAndCoverIt() {
    var stream = RandomStream(seed: 11, key: StreamKey("bounds"))
    var counts = [Int](repeating: 0, count: 7)
    for _ in 0..<70_000 {
        let value = stream.next(below: 7)
        counts[Int(value)] += 1
    }
    for count in counts { #expect(count > 9_500 && count < 10_500) }
    for _ in 0..<1_000 {
        let value = stream.int(in: -3...3 as ClosedRange<Int64>)
        #expect((-3...3).contains(value))
    }
    #expect(stream.int(in: Int64.min...Int64.max) != stream.int(in: Int64.min...Int64.max))
}

@Test func unitDoublesAreInHalfOpenRange() {
    var stream = RandomStream(seed: 5, key: StreamKey("unit"))
    var sum = 0.0
    for _ in 0..<100_000 {
        let value = stream.nextUnit()
        #expect(value >= 0 && value < 1)
        sum += value
    }
    #expect(abs(sum / 100_000 - 0.5) < 0.01)
}

@Test func distinctIndicesAreDistinctAndSorted() {
    var stream = RandomStream(seed: 3, key: StreamKey("pick"))
    for _ in 0..<200 {
        let picked = stream.distinctIndices(3, of: 10)
        #expect(picked.count == 3)
        #expect(Set(picked).count == 3)
        #expect(picked == picked.sorted())
        #expect(picked.allSatisfy { (0..<10).contains($0) })
    }
}
