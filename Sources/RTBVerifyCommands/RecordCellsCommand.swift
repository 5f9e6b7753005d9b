import ArgumentParser
import Foundation
import RTBCommandLine
import RTBTrace

/// `rtb-verify record-cells` (hidden): a sweep's worker. Reads one JSON array of `record`
/// arguments per line on stdin, records each as `rtb-verify record ... --json` would, and
/// answers one line per cell on stdout: the recording object, or `{"error": MESSAGE}`. A sweep
/// keeps one worker per job, so a cell costs no process start.
struct RecordCellsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record-cells", abstract: "A sweep's worker (internal).",
        shouldDisplay: false)

    func run() throws {
        while let line = readLine() {
            var answered = false
            do {
                guard case .success(let value) = JSONValue.parse(line),
                    let items = value.arrayValue
                else { throw CommandFailure(ExitStatus.usage, "not a JSON array of arguments") }
                let arguments = try items.map { item -> String in
                    guard let text = item.stringValue else {
                        throw CommandFailure(ExitStatus.usage, "an argument is not a string")
                    }
                    return text
                }
                var command = try RecordCommand.parse(arguments)
                try command.run()
                answered = true
            } catch {
                let message =
                    CommandRunner.describe(error)?.1
                    ?? RecordCommand.message(for: error).split(separator: "\n").first.map(
                        String.init)
                    ?? "failed"
                if !answered { print("{\"error\":\(JSONText.quote(message))}") }
            }
            fflush(nil)  // every output stream: the answer reaches the sweep now
        }
    }
}
