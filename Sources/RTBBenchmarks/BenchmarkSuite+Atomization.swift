import Foundation
import RTBAtomization
import RTBCore
import RTBLedger
import RTBModels
import RTBTrace

/// Issue 16's figures: a campaign of the seed's 432 cells delivering about 5 million
/// impressions a day for 30 days (7.2 million opportunities, a budget that does not bind, and
/// the reallocation and discovery agents off: with reallocation on, budgets concentrate in the
/// top cells, which cannot spend them, and delivery falls to about a million a day; with
/// discovery on, the synthesizer moves budget to the discovered audiences' few cells every 15
/// minutes, and delivery falls to about 2.3 million a day), recorded by the whole
/// `rtb-verify record` command: simulated impressions per second (target 3 million), events
/// per second, bytes on disk per impression, and each agent's time per invocation.
extension BenchmarkSuite {
    func atomization() throws {
        let (days, perDay, users) = scale.atomization
        note("atomization: \(days) days, 432 cells, \(perDay) opportunities a day, \(users) users")
        let config = directory + "/atomization.json"
        try
            "{\"seed\": 1, \"days\": \(days), \"impressions_per_day\": \(perDay), \"users\": \(users), \"daily_budget\": 2000000, \"agents\": {\"reallocation\": false, \"discovery\": false}}"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let ledger = directory + "/atomization.ledger"
        var runs: [Double] = []
        for _ in 0..<min(scale.runs, 3) {
            try? FileManager.default.removeItem(atPath: ledger)
            let child = try ChildProcess.run(
                binaries + "/rtb-verify",
                [
                    "record", "--model", "campaign-atomization", "--config", config, "--ledger",
                    ledger,
                ],
                scratch: directory)
            if child.status != 0 {
                throw BenchmarkFailure("rtb-verify record (atomization) exited \(child.status)")
            }
            runs.append(child.seconds)
        }
        var impressions: Int64 = 0
        var events: Int64 = 0
        try LedgerEvents.forEach(
            CampaignAtomizationModel.self, store: LedgerStore.open(path: ledger)
        ) {
            _, event, _ in
            events += 1
            if case .slotDelivered(let delivered) = event.body {
                impressions += delivered.impressions.reduce(0, +)
            }
            return true
        }
        let seconds = Samples(runs).median
        let bytes = (try? FileManager.default.attributesOfItem(atPath: ledger)[.size] as? Int) ?? 0
        rows.append(
            .row(
                "atomization: \(days)-day campaign, 432 cells, \(perDay) opportunities a day: simulated impressions/s, recorded",
                issue: "#16", samples: Samples(runs.map { Double(impressions) / $0 }),
                value: Double(impressions) / seconds, unit: "impressions/s", atLeast: 3_000_000,
                bound: String(
                    format:
                        "%lld impressions delivered (paced to budgets) in %.2f s, whole command; each impression is a user draw, a click and a conversion draw",
                    impressions, seconds),
                format: "%.0f"))
        rows.append(
            .row(
                "atomization: events/s, recorded", issue: "#16", value: Double(events) / seconds,
                unit: "events/s",
                bound:
                    "\(events) events (per-cell counts of each 30-second slot, conversions, agent actions)",
                format: "%.0f"))
        rows.append(
            .row(
                "atomization: bytes on disk per impression", issue: "#16",
                value: Double(bytes) / Double(max(1, impressions)), unit: "bytes",
                bound:
                    "\(bytes) bytes; checkpoints (every user's exposures and journey) are most of it",
                format: "%.2f"))
        try agentCosts(days: min(days, 5), perDay: perDay, users: users)
    }

    /// Each agent's wall time per invocation, measured inside an in-process run (into a null
    /// sink) of the same cells and opportunities with every agent on, by the run's own
    /// `agentTimes`.
    func agentCosts(days: Int, perDay: Int, users: Int) throws {
        note("atomization: the cost of each agent per invocation (\(days) days, in process)")
        var config = AtomizationConfig()
        config.days = days
        config.impressionsPerDay = Int64(perDay)
        config.users = users
        config.dailyBudget = Micros(200_000_000_000)
        let run = AtomizationRun(
            config: config,
            environment: RunEnvironment(
                sink: NullSink(), shared: MemoryFrameStore(), layout: FrameLayout()))
        while try run.step() {}
        for agent in AgentTimes.Agent.allCases {
            let count = run.agentTimes.invocations[agent.rawValue]
            let seconds = Double(run.agentTimes.nanoseconds[agent.rawValue]) / 1e9
            rows.append(
                .row(
                    "atomization: \(agent) agent, time per invocation (432 cells)", issue: "#16",
                    value: seconds / Double(max(1, count)) * 1e6, unit: "us",
                    bound: String(
                        format: "%d invocations in %d days, %.3f s in all", count, days, seconds),
                    format: "%.1f"))
        }
    }
}
