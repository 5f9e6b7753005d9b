import Testing
import RTBCore

@Test(arguments: [
    (Int64(5), Int64(1), Int64(10), Int64(0)),  // 0.5 -> 0 (tie to even)
    (15, 1, 10, 2),  // 1.5 -> 2 (tie to even)
    (25, 1, 10, 2),  // 2.5 -> 2 (tie to even)
    (26, 1, 10, 3),  // 2.6 -> 3
    (24, 1, 10, 2),  // 2.4 -> 2
    (-5, 1, 10, 0),  // -0.5 -> 0
    (-15, 1, 10, -2),  // -1.5 -> -2
    (-26, 1, 10, -3),
    (1, 1, 3, 0),
    (2, 1, 3, 1),
    (Int64.max, 2, 2, Int64.max),  // exact in 128 bits
])
func roundingIsNearestTiesToEven(a: Int64, b: Int64, d: Int64, expected: Int64) {
    #expect(RoundingRule.mulDiv(a, b, d) == expected)
}

@Test func checkedMulDivReportsOverflow() {
    #expect(RoundingRule.checkedMulDiv(Int64.max, 3, 2) == nil)
    #expect(RoundingRule.checkedMulDiv(Int64.min, 1, 1) == Int64.min)
}

@Test func cpmCostAndFeesFollowTheRule() {
    // 1 impression at $0.0015 CPM is 1.5 micro-micros... 1 x 1500 / 1000 = 1.5 -> 2.
    #expect(Micros.cost(impressions: 1, cpm: Micros(1_500)) == Micros(2))
    #expect(Micros.cost(impressions: 1, cpm: Micros(2_500)) == Micros(2))
    #expect(Micros.cost(impressions: 100_000, cpm: .dollars(15)) == .dollars(1_500))
    #expect(Rate.percent(15).apply(to: Micros(10)) == Micros(2))  // 1.5 -> 2
    #expect(Rate.percent(15).apply(to: Micros(30)) == Micros(4))  // 4.5 -> 4
    #expect(Rate.percent(15).apply(to: .dollars(1_000)) == .dollars(150))
    #expect(Rate.percent(15).times(Rate(ppm: 900_000)) == Rate(ppm: 135_000))
}

@Test func parsingUserAmounts() throws {
    #expect(try Micros.parse("12.5") == Micros(12_500_000))
    #expect(try Micros.parse("$0.000001") == Micros(1))
    #expect(try Micros.parse("-3") == Micros(-3_000_000))
    #expect(throws: MoneyError.malformed("1.0000001")) { try Micros.parse("1.0000001") }
    #expect(throws: MoneyError.malformed("abc")) { try Micros.parse("abc") }
    #expect(throws: MoneyError.malformed("1.")) { try Micros.parse("1.") }
    #expect(throws: MoneyError.overflow("9223372036854775807")) {
        try Micros.parse("9223372036854775807")
    }
    #expect(throws: MoneyError.overflow("99999999999999999999")) {
        try Micros.parse("99999999999999999999")
    }
    #expect(Micros(12_345_678).description == "$12.345678")
    #expect(Micros(-1).description == "-$0.000001")
    #expect(Micros(12_345_678).dollarsText == "12.35")
    #expect(Micros(5_000).dollarsText == "0.00")  // half a cent, ties to even
}

@Test func parsingRates() {
    #expect(Rate.parse("15%") == Rate.percent(15))
    #expect(Rate.parse("12.5%") == Rate(ppm: 125_000))
    #expect(Rate.parse("0.15") == Rate.percent(15))
    #expect(Rate.parse("x") == nil)
    #expect(Rate.parse("1.2.3") == nil)
    #expect(Rate(ppm: 125_000).description == "12.5%")
    #expect(Rate.percent(20).description == "20%")
}
