import ArgumentParser
import RTBCommandLine

@main
struct RTBSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtb-sim",
        abstract:
            "Simulate agentic ad markets: exchange (A), direct (B) and ledger-backed (C) trading.",
        version: versionLine,
        subcommands: [
            RunCommand.self, CompareCommand.self, TestRecoveryCommand.self, ScaleCommand.self,
            SweepCommand.self, AuctionStudyCommand.self,
        ]
    )

    static func main() { CommandRunner.main(RTBSim.self) }
}
