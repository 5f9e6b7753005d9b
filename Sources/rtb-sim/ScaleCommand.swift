import ArgumentParser
import Dispatch
import Foundation
import RTBCommandLine
import RTBCore
import RTBEvents
import RTBLedger
import RTBMarket
import RTBModels
import RTBRunning
import RTBTrace

struct ScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract:
            "Auction rounds among N bidder agents (seed 001); identical results on any number of threads."
    )

    @Option(name: .long, help: "Bidder agents (1...\(ScaleConfig.maxAgents)).")
    var agents = 100_000

    @Option(name: .long, help: "Auction rounds.")
    var rounds = 100

    @Option(name: .long, help: "first-price, second-price, gsp or vcg.")
    var mechanism = "second-price"

    @Option(name: .long, help: "Slots sold per round (GSP and VCG; 1 for first and second price).")
    var slots: Int?

    @Option(name: .long, help: "Reserve price in cents.")
    var reserveCents: Int64 = 100

    @Option(name: .long, help: "Run seed.")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Worker threads (the results never depend on it).")
    var threads = 1

    @Option(name: .long, help: "Record the rounds into this ledger.")
    var ledger: String?

    @Flag(name: .long, help: "Replace the ledger file if it exists.")
    var overwrite = false

    func validate() throws {
        _ = try config()
        guard (1...64).contains(threads) else {
            throw ValidationError("invalid --threads \(threads): expected 1...64")
        }
    }

    func config() throws -> ScaleConfig {
        var config = ScaleConfig()
        config.agents = agents
        config.rounds = rounds
        config.seed = seed
        config.reserveCents = reserveCents
        guard let code = Mechanism.allCases.first(where: { $0.description == mechanism }) else {
            throw ValidationError(
                "invalid --mechanism '\(mechanism)': expected first-price, second-price, gsp or vcg"
            )
        }
        config.mechanism = code
        config.slots = slots ?? (code == .gsp || code == .vcg ? 3 : 1)
        if let problem = config.validate() { throw ValidationError(problem.description) }
        return config
    }

    @Flag(name: .long, help: "Print one JSON object (docs/json-output.md) instead of the lines.")
    var json = false

    @OptionGroup var progress: ProgressOptions

    func run() throws {
        let config = try config()
        if let ledger { try RunPrinter.prepareLedgerPath(ledger, overwrite: overwrite) }
        var settings = RecordingSettings()
        settings.parallel = ThreadedWork(workers: threads)
        if ledger != nil { settings.stop = SignalWatch.install() }
        let started = DispatchTime.now().uptimeNanoseconds  // determinism-ok: reported speed only
        let result: (outcome: RunOutcome, run: ScaleRun)
        let digest: Digest32
        let line = ProgressLine(
            "scale rounds", unit: "rounds", total: Double(config.rounds), enabled: progress.enabled)
        let observe: (ScaleRun) -> Void = { run in line.update(Double(run.nextSequence) - 1) }
        if let ledger {
            result = try Recording.record(
                ScaleMarketModel.self, config: config, path: ledger, settings: settings,
                observer: observe)
            digest = result.outcome.runDigest!
        } else {
            let hasher = ChainHashingSink(
                ScaleMarketModel.self,
                header: RunHeader.of(
                    ScaleMarketModel.self, config: config, layout: settings.layout),
                chunkEvents: nil)
            result = try Recording.run(
                ScaleMarketModel.self, config: config, settings: settings, sink: hasher,
                observer: observe)
            digest = hasher.headHash
        }
        line.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9  // determinism-ok: reported speed only
        let rate = Double(config.rounds) / seconds
        if json {
            var object = JSONObject()
            object["command"] = .string("scale")
            object["agents"] = .int(Int64(config.agents))
            object["rounds"] = .int(Int64(config.rounds))
            object["mechanism"] = .string(config.mechanism.description)
            object["slots"] = .int(Int64(config.slots))
            object["seed"] = .unsigned(config.seed)
            object["threads"] = .int(Int64(threads))
            object["run_digest"] = .string(digest.hex)
            object["events"] = .unsigned(result.outcome.events)
            object["bids_placed"] = .int(Int64(result.run.bidsPlaced))
            object["total_spend_micros"] = .int(result.run.totalSpendCents * 10_000)
            object["agent_state_bytes"] = .int(Int64(ScaleMarket.bytesPerAgent))
            object["ledger"] = ledger.map { .string($0) } ?? .null
            var measured = JSONObject()
            measured["rounds_per_second"] = .raw(String(format: "%.1f", rate))
            object["measured"] = .object(measured)
            print(object.text)
            return
        }
        print(
            "scale: \(config.agents) agents, \(config.rounds) rounds, \(config.mechanism), \(config.slots) slot(s), "
                + "seed \(config.seed), \(threads) thread(s)")
        print("run digest:    \(digest.hex)")
        print("events:        \(result.outcome.events)")
        print("bids placed:   \(result.run.bidsPlaced)")
        print("total spend:   $\(Micros(result.run.totalSpendCents * 10_000).dollarsText)")
        print(
            String(
                format: "speed:         %.1f rounds/s, %.1f M agent-bids/s (measured)", rate,
                rate * Double(config.agents) / 1e6))
        print("agent state:   \(ScaleMarket.bytesPerAgent) bytes per agent")
        if let ledger {
            print("ledger:        \(ledger)")
            print(
                "head file:     "
                    + (result.outcome.headFileProblem.map { "not written: \($0)" }
                        ?? HeadFile.path(of: ledger)))
        }
    }
}
