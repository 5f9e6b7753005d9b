import RTBCore
import RTBEvents
import RTBTrace

/// A planned agent kill: at `tick` the agent loses all in-memory state.
public struct AgentKill: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var agent: AgentRef
    public var tick: Int64

    public init(agent: AgentRef, tick: Int64) {
        self.agent = agent
        self.tick = tick
    }

    public static func < (lhs: AgentKill, rhs: AgentKill) -> Bool {
        (lhs.tick, lhs.agent.code) < (rhs.tick, rhs.agent.code)
    }

    /// "buyer-002@86400".
    public var description: String { "\(agent)@\(tick)" }

    /// Parses "AGENT@TICK" where TICK is a tick number or "dDAY[:HH[:MM]]" (e.g. buyer-002@d5:12).
    public static func parse(_ text: String) -> AgentKill? {
        let parts = text.split(separator: "@")
        guard parts.count == 2, let agent = AgentRef(name: String(parts[0])) else { return nil }
        guard let tick = parseTick(String(parts[1])) else { return nil }
        return AgentKill(agent: agent, tick: tick)
    }

    /// A tick number, or "dDAY[:HH[:MM]]".
    public static func parseTick(_ text: String) -> Int64? {
        if let tick = Int64(text), tick >= 0 { return tick }
        guard text.hasPrefix("d") else { return nil }
        let fields = text.dropFirst().split(separator: ":", omittingEmptySubsequences: false).map {
            Int($0)
        }
        guard (1...3).contains(fields.count), fields.allSatisfy({ $0 != nil }) else { return nil }
        let day = fields[0]!
        let hour = fields.count > 1 ? fields[1]! : 0
        let minute = fields.count > 2 ? fields[2]! : 0
        guard day >= 1, (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return SimTime.at(day: day, hour: hour, minute: minute).tick
    }
}
