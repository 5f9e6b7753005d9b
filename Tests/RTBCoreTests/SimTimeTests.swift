import Testing
import RTBCore

@Test func ticksMapToDaysAndHours() {
    let time = SimTime.at(day: 3, hour: 14, minute: 5)
    #expect(time.day == 3)
    #expect(time.hour == 14)
    #expect(time.minute == 5)
    #expect(time.description == "d03 14:05:00")
    #expect(SimTime(tick: 86_399).day == 1)
    #expect(SimTime(tick: 86_400).day == 2)
}

@Test func calendarStartsOnNewYear2025() {
    #expect(SimTime.at(day: 1).calendarDate == (2025, 1, 1))
    #expect(SimTime.at(day: 31).calendarDate == (2025, 1, 31))
    #expect(SimTime.at(day: 60).calendarDate == (2025, 3, 1))
    #expect(SimTime.at(day: 366).calendarDate == (2026, 1, 1))
}
