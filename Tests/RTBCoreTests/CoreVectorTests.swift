import Testing
import RTBCore

/// The pinned vectors. A change here is a change of the determinism contract: bump the
/// engine version and document it.
let pinnedCoreVectors = [
    "stream 42 market 53020c84470eb39a 62325faab867cf00 13703db5ba909376 058461ea0af9ea5c 090c4d25cc40e94a",
    "stream 1 buyer-001/bid b5037f181d1a7270 24fc001b461ebc98 a7d4b18341553030 73cc6687e6a02550 d2459980a5520dee",
    "stream 2026 traffic/7 316c2e5379c4dbba 541aa4ae14a98bbc 4a36a9ccc544ace8 4ba3466c6932f2eb 101c03767475380b",
    "exp 1.0 4005bf0a8b14576a",
    "exp -2.5 3fb50385c094f425",
    "exp 10.0 40d5829dcf950560",
    "log 10.0 40026bb1bbb55516",
    "log 0.5 bfe62e42fefa39ef",
    "log 12345.678 4022d79559791e31",
    "encoding 1 ac020503727462",
    "encoding 2 07000000000000000000f83f01",
    "encoding 3 feffffffffffffff02deadffffffffffffffffff01",
]

@Test func coreVectorsMatchThePinnedValues() {
    #expect(CoreVectors.lines() == pinnedCoreVectors)
}
