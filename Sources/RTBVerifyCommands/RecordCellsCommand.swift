import ArgumentParser
import Foundation
import RTBCommandLine
import RTBTrace

/// `rtb-verify record-cells` (hidden): a sweep's worker. Reads one JSON array of `record`
/// arguments per line on stdin, records each as `rtb-verify record ... --json` would, and
/// answers one line per cell on stdout: the recording object, or `{"error": MESSAGE, "status":
/// EXIT}` with the exit status `record` would have ended with. A sweep
/// keeps one worker per job, so a cell costs no process start.
struct RecordCellsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record-cells", abstract: "A sweep's worker (internal).",
        shouldDisplay: false)

    func run() throws {
        var parsed = RecordCommandCache()
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
                let command = try parsed.command(arguments)
                try command.run()
                answered = true
            } catch {
                let described = CommandRunner.describe(error)
                let message =
                    described?.1
                    ?? RecordCommand.message(for: error).split(separator: "\n").first.map(
                        String.init)
                    ?? "failed"
                // The exit status `record` would have ended with: a refused config is 64.
                let status = described?.0 ?? RecordCommand.exitCode(for: error).rawValue
                if !answered {
                    print("{\"error\":\(JSONText.quote(message)),\"status\":\(status)}")
                }
            }
            fflush(nil)  // every output stream: the answer reaches the sweep now
        }
    }
}

/// The `record` commands a worker has parsed, by the shape of their arguments: a sweep's cells
/// differ only in the paths after `--config` and `--ledger`, and ArgumentParser reflects on
/// every option of `record` each time it parses (about 2 ms, a tenth of a small cell). A command
/// of a known shape is a copy of the parsed one with its two paths set and validated again.
struct RecordCommandCache {
    var commands: [[String]: RecordCommand] = [:]

    mutating func command(_ arguments: [String]) throws -> RecordCommand {
        var shape = arguments
        var config: String?
        var ledger: String?
        for index in shape.indices.dropLast() {
            switch shape[index] {
            case "--config":
                config = shape[index + 1]
                shape[index + 1] = ""
            case "--ledger":
                ledger = shape[index + 1]
                shape[index + 1] = ""
            default: continue
            }
        }
        if var command = commands[shape] {
            if let config { command.market.configFile = config }
            if let ledger { command.ledger = ledger }
            try command.validate()
            return command
        }
        let command = try RecordCommand.parse(arguments)
        commands[shape] = command
        return command
    }
}
