/// How long each agent's invocations took, in wall-clock nanoseconds, and how many there were:
/// the cost of each agent per invocation (`rtb-bench --only atomization`). A measurement: the
/// run never reads it, so it cannot steer the simulation.
public struct AgentTimes: Sendable {
    public enum Agent: Int, CaseIterable, Sendable, CustomStringConvertible {
        case monitor, reallocation, lifecycle, fatigue, synthesizer, discovery

        public var description: String {
            [
                "monitor", "reallocation", "lifecycle", "creative optimization", "synthesizer",
                "audience discovery",
            ][rawValue]
        }
    }

    public private(set) var nanoseconds = [UInt64](repeating: 0, count: Agent.allCases.count)
    public private(set) var invocations = [Int](repeating: 0, count: Agent.allCases.count)

    mutating func time(_ agent: Agent, _ body: () -> Void) {
        let clock = ContinuousClock()  // determinism-ok: a measurement, never read by the run
        let elapsed = clock.measure(body)
        let (seconds, attoseconds) = elapsed.components
        nanoseconds[agent.rawValue] +=
            UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        invocations[agent.rawValue] += 1
    }
}
