import Foundation
import RTBAuctionLab
import RTBCore
import RTBRunning
import RTBTrace

/// Issue 15's figures: auction rounds per second with 6 truthful oracle bidders (one item
/// each, one slot, all six in every round, one event per round holding every bid, the price
/// and the click), recorded by the whole `rtb-verify record` command (target 1 million/s) and
/// run in process into a null sink; and upstream's SP_Truthful_TS configuration (6 agents, 12
/// items each, 3 runs x 20 iterations x 10,000 rounds) end to end, recorded (target 10 s), and
/// into a null sink.
extension BenchmarkSuite {
    func auctionLab() throws {
        let (rounds, runs, iterations) = scale.auctionLab
        note(
            "auction lab: \(rounds) rounds of 6 truthful oracle bidders; SP_Truthful_TS \(runs) x \(iterations)"
        )
        let throughput =
            "{\"random_seed\": 1, \"num_runs\": 1, \"num_iter\": 1, \"rounds_per_iter\": \(rounds), \"num_participants_per_round\": 6, \"agents\": [{\"name\": \"oracle\", \"num_copies\": 6, \"num_items\": 1}]}"
        let (recorded, null) = try labTimings(throughput, name: "lab-throughput")
        rows.append(
            .row(
                "auction lab: rounds/s, 6 truthful oracle bidders, 1 item, 1 slot, recorded",
                issue: "#15", samples: Samples(recorded.map { Double(rounds) / $0 }),
                value: Double(rounds) / Samples(recorded).median, unit: "rounds/s",
                atLeast: 1_000_000,
                bound: String(
                    format:
                        "%d rounds, whole command; into a null sink in process %.0f rounds/s (recorded / null time %.2fx)",
                    rounds, Double(rounds) / Samples(null).median,
                    Samples(recorded).median / Samples(null).median),
                format: "%.0f"))
        let preset =
            "{\"preset\": \"SP_Truthful_TS\", \"num_runs\": \(runs), \"num_iter\": \(iterations)}"
        let (presetRecorded, presetNull) = try labTimings(preset, name: "lab-sp-truthful-ts")
        rows.append(
            .row(
                "auction lab: upstream SP_Truthful_TS (\(runs) runs x \(iterations) iterations x 10,000 rounds), recorded",
                issue: "#15", samples: Samples(presetRecorded),
                value: Samples(presetRecorded).median, unit: "s", atMost: 10,
                bound: String(
                    format:
                        "whole command; into a null sink in process %.2f s (recorded / null %.2fx)",
                    Samples(presetNull).median,
                    Samples(presetRecorded).median / Samples(presetNull).median)))
    }

    /// Times `json` recorded by the whole command and run in process into a null sink, each
    /// several times, alternately.
    func labTimings(_ json: String, name: String) throws -> (recorded: [Double], null: [Double]) {
        let config = directory + "/\(name).json"
        try json.write(toFile: config, atomically: true, encoding: .utf8)
        let parsed: LabConfig
        switch JSONValue.parse(json) {
        case .success(let value): parsed = try AuctionLabModel.config(json: value)
        case .failure(let error): throw BenchmarkFailure("\(name): \(error)")
        }
        let ledger = directory + "/\(name).ledger"
        var recorded: [Double] = []
        var null: [Double] = []
        for _ in 0..<min(scale.runs, 3) {
            try? FileManager.default.removeItem(atPath: ledger)
            let child = try ChildProcess.run(
                binaries + "/rtb-verify",
                ["record", "--model", "auction-lab", "--config", config, "--ledger", ledger],
                scratch: directory)
            if child.status != 0 {
                throw BenchmarkFailure("rtb-verify record (\(name)) exited \(child.status)")
            }
            recorded.append(child.seconds)
            null += try Stopwatch.samples(runs: 1, warmUp: false) {
                _ = try Recording.run(AuctionLabModel.self, config: parsed, sink: NullSink())
            }.values
        }
        return (recorded, null)
    }
}
