import Foundation
import RTBAtomization
import RTBLedger
import RTBModels

/// Issue 16's figures: a campaign of the seed's 432 cells offered 5 million impressions a day
/// for 30 days, recorded by the whole `rtb-verify record` command: simulated impressions per
/// second (target 3 million), events per second, and bytes on disk per impression.
extension BenchmarkSuite {
    func atomization() throws {
        let (days, perDay, users) = scale.atomization
        note("atomization: \(days) days, 432 cells, \(perDay) opportunities a day, \(users) users")
        let config = directory + "/atomization.json"
        try
            "{\"seed\": 1, \"days\": \(days), \"impressions_per_day\": \(perDay), \"users\": \(users), \"daily_budget\": 200000}"
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
    }
}
