import ArgumentParser
import RTBCommandLine

@main
struct RTBVerifyTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtb-verify",
        abstract: "Record, verify, dump, replay and check rtb-verify ledgers.",
        version: versionLine,
        subcommands: [
            RecordCommand.self, VerifyCommand.self, DumpCommand.self, ReplayCommand.self,
            CheckCommand.self, GoldenCommand.self, VectorsCommand.self,
        ]
    )

    static func main() { CommandRunner.main(RTBVerifyTool.self) }
}
