/// Simulated time in ticks. One tick is one simulated second; day 1 starts at tick 0.
///
/// The engine owns time: nothing here reads a clock. `calendarDate` maps a day onto the
/// proleptic Gregorian calendar from the epoch 2025-01-01 (day 1), for reports only.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Ticks since the start of day 1.
    public var tick: Int64

    /// Ticks in one simulated second, minute, hour and day.
    public static let ticksPerSecond: Int64 = 1
    public static let ticksPerMinute: Int64 = 60
    public static let ticksPerHour: Int64 = 3_600
    public static let ticksPerDay: Int64 = 86_400

    /// The time `tick` ticks after the start.
    @inlinable
    public init(tick: Int64) {
        self.tick = tick
    }

    /// The first tick of `day` (1-indexed) plus `hour` hours.
    public static func at(day: Int, hour: Int = 0, minute: Int = 0) -> SimTime {
        SimTime(
            tick: Int64(day - 1) * ticksPerDay + Int64(hour) * ticksPerHour + Int64(minute)
                * ticksPerMinute)
    }

    public static func < (lhs: SimTime, rhs: SimTime) -> Bool { lhs.tick < rhs.tick }

    /// The simulated day, 1-indexed.
    public var day: Int { Int(tick / Self.ticksPerDay) + 1 }
    /// Hour of the day, 0...23.
    public var hour: Int { Int(tick % Self.ticksPerDay / Self.ticksPerHour) }
    /// Minute of the hour, 0...59.
    public var minute: Int { Int(tick % Self.ticksPerHour / Self.ticksPerMinute) }
    /// Second of the minute, 0...59.
    public var second: Int { Int(tick % Self.ticksPerMinute) }

    /// "d03 14:05:09".
    public var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "d" + two(day) + " " + two(hour) + ":" + two(minute) + ":" + two(second)
    }

    /// The calendar date of this tick's day, counting day 1 as 2025-01-01.
    public var calendarDate: (year: Int, month: Int, day: Int) {
        Self.civilDate(daysSinceUnixEpoch: 20_089 + Int64(day - 1))
    }

    /// Gregorian date from days since 1970-01-01 (Howard Hinnant's algorithm, integer only).
    static func civilDate(daysSinceUnixEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
