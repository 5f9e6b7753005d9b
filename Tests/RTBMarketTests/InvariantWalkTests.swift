import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

/// The invariant walk holds over a whole run, and catches each kind of corruption planted in
/// the state (so a clean walk means something).
@Test func theInvariantWalkHoldsThroughARunAndCatchesCorruptState() throws {
    var config = MarketConfig()
    config.days = 3
    config.scenarios = [.b]
    let store = MemoryFrameStore()
    let engine = MarketEngine(config: config, store: store)
    while try engine.step() {
        if engine.stepsTaken % 64 == 0 { #expect(engine.invariantViolation() == nil) }
        if engine.state.deals.count > 2 && engine.state.negotiations.count > 2 { break }
    }
    #expect(engine.invariantViolation() == nil)
    let clean = engine.state
    let corruptions: [(String, (inout EngineState) -> Void)] = [
        ("served", { $0.deals[0].served = $0.deals[0].impressions + 1 }),
        ("carries id", { $0.deals[1].id = 7 }),
        ("carries id", { $0.negotiations[2].id = 0 }),
        ("paid", { $0.campaigns[0].paid = Micros(Int64.max / 2) }),
        ("before now", { $0.now += SimTime.ticksPerDay * 10 }),
        ("out of order", { $0.memories[0].reputation.reverse() }),
        ("does not fit", { $0.memories.removeLast() }),
    ]
    for (expected, corrupt) in corruptions {
        engine.state = clean
        corrupt(&engine.state)
        let violation = engine.invariantViolation()
        #expect(violation?.contains(expected) == true, "\(expected): \(violation ?? "none")")
    }
}
