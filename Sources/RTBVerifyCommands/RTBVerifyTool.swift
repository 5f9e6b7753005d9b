import ArgumentParser
import RTBCommandLine

/// The `rtb-verify` command: every subcommand, for the executable and for test-only
/// executables that register more models first.
public struct RTBVerifyTool: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rtb-verify",
        abstract: "Record, verify, dump, replay and check rtb-verify ledgers.",
        version: versionLine,
        subcommands: [
            RecordCommand.self, VerifyCommand.self, DumpCommand.self, ExportCommand.self,
            ReportCommand.self, StudyCommand.self, RecordCellsCommand.self,
            ReplayCommand.self,
            CheckCommand.self, GoldenCommand.self, VectorsCommand.self,
        ]
    )

    public init() {}

    public static func main() { CommandRunner.main(RTBVerifyTool.self) }
}
