import Testing
import RTBCore
import RTBEvents
import RTBTrace

/// The event header byte holds the kind in its low six bits and the scenario in the top two;
/// the tick follows as a varint.
@Test func marketEventsHaveTheDocumentedHeader() throws {
    let event = MarketEvent(.c, tick: 300, .dayStarted(DayStarted(day: 2)))
    #expect(event.canonicalBytes == [EventKind.dayStarted.rawValue | 2 << 6, 0xAC, 0x02, 2])
    var reader = CanonicalReader(event.canonicalBytes)
    #expect(try MarketEvent.decode(from: &reader) == event)
    #expect(event.kindName == "DayStarted" && event.headline == "d01 00:05:00, scenario c")
}

/// Unknown kinds and truncated payloads are errors, never traps.
@Test func malformedEventsAreRejected() {
    #expect(throws: CanonicalError.self) { try MarketEvent.decodeAll([63, 0]) }
    #expect(throws: CanonicalError.self) { try MarketEvent.decodeAll([EventKind.dayStarted.rawValue]) }
    #expect(throws: CanonicalError.self) {
        try MarketEvent.decodeAll(MarketEvent(.a, tick: 1, .dayClosed(DayClosed(day: 1))).canonicalBytes + [0])
    }
}

/// A Decision event exposes its outside answer; no other event does.
@Test func decisionEventsCarryTheirRecord() {
    let record = DecisionRecord(source: "s", question: Sha256.hash([1]), answer: [2, 3])
    let event = MarketEvent(
        .b, tick: 0,
        .decision(
            Decision(agent: .buyer(1), source: "s", question: record.question, answer: [2, 3])))
    #expect(event.decision == record)
    #expect(MarketEvent(.b, tick: 0, .dayStarted(DayStarted(day: 1))).decision == nil)
}

/// The market-event log writes a perturbed event with its tick plus one.
@Test func perturbedMarketEventsMoveByOneTick() throws {
    var log = EventLog(frameTargetBytes: 1_000, perturbation: .event(0))
    log.append(MarketEvent(.a, tick: 10, .dayClosed(DayClosed(day: 1))))
    #expect(try MarketEvent.decodeAll(log.pendingBytes).first?.tick == 11)
}
