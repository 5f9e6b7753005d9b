import ArgumentParser
import RTBCommandLine
import RTBCore
import RTBEvents
import RTBMarket
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTrace

struct TestRecoveryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-recovery",
        abstract:
            "Kill agents at seeded random ticks and compare every run with the uninterrupted baseline."
    )

    @Option(name: .long, help: "Agent to kill, e.g. buyer-002 (or use --agents).")
    var agent: String?

    @Option(name: .long, help: "Several agents killed at the same ticks, comma-separated.")
    var agents: String?

    @Option(name: .long, help: "Trading model: a, b or c.")
    var scenario = "c"

    @Option(name: .long, help: "Kill points (runs), each at a different random tick.")
    var killPoints = 10

    @Option(name: .long, help: "Run seed (the kill ticks are drawn from it too).")
    var seed: UInt64 = 42

    @Option(name: .long, help: "Simulated days.")
    var days = 30

    @Option(name: .long, help: "Buyer agents.")
    var buyers = 5

    @Option(name: .long, help: "Seller agents.")
    var sellers = 5

    @OptionGroup var progress: ProgressOptions

    @Flag(name: .long, help: "Print one JSON object (docs/json-output.md); exit codes unchanged.")
    var json = false

    func validate() throws {
        _ = try plan()
    }

    /// The config and the agents to kill, or a one-line usage error.
    func plan() throws -> (MarketConfig, [AgentRef]) {
        guard let chosen = Scenario.markets.first(where: { $0.description == scenario }) else {
            throw ValidationError("invalid --scenario '\(scenario)': expected one of a, b, c")
        }
        var config = MarketConfig()
        config.scenarios = [chosen]
        config.seed = seed
        config.days = days
        config.buyers = buyers
        config.sellers = sellers
        if let problem = config.validate() { throw ValidationError(problem.description) }
        guard (1...10_000).contains(killPoints) else {
            throw ValidationError("invalid --kill-points \(killPoints): expected 1...10000")
        }
        let names =
            (agents.map { $0.split(separator: ",").map(String.init) } ?? [])
            + (agent.map { [$0] } ?? [])
        guard !names.isEmpty else { throw ValidationError("give --agent NAME or --agents A,B") }
        let valid =
            "buyer-001...\(AgentRef.buyer(buyers - 1)), seller-001...\(AgentRef.seller(sellers - 1))"
            + (chosen == .a ? ", exchange" : "")
        let refs = try names.map { name -> AgentRef in
            guard let ref = AgentRef(name: name),
                (ref.kind == .buyer && ref.index < buyers)
                    || (ref.kind == .seller && ref.index < sellers)
                    || (ref.kind == .exchange && chosen == .a)
            else {
                throw ValidationError(
                    "invalid agent '\(name)' for scenario \(scenario): expected one of \(valid)")
            }
            return ref
        }
        return (config, refs)
    }

    func run() throws {
        let (config, refs) = try plan()
        let line = ProgressLine(
            "kill points", unit: "runs", total: Double(killPoints), enabled: progress.enabled)
        let study = try RecoveryHarness.study(
            config: config, agents: refs, killPoints: killPoints, killSeed: seed
        ) { done in
            line.update(Double(done))
        }
        line.finish()
        print(
            json ? RecoveryReport.json(study) : RecoveryReport.render(study),
            terminator: json ? "" : "\n")
        if study.scenario == .c && study.recoveredCount < study.results.count {
            throw CommandFailure(
                ExitStatus.violation,
                "scenario C recovered \(study.recoveredCount) of \(study.results.count) kill points"
            )
        }
    }
}
