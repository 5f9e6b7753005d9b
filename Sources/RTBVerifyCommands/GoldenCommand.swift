import ArgumentParser
import Foundation
import RTBCommandLine
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTrace

struct GoldenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "golden", abstract: "Check, update or add golden files (golden/README.md).",
        subcommands: [Check.self, Update.self, Add.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run golden runs fresh and compare (exit 11 on a mismatch).")
        @Option(name: .long, help: "Golden directory.") var directory = "golden"
        @Argument(help: "Names (default: all).") var names: [String] = []
        @Flag(
            name: .long, help: "Print one JSON object (docs/json-output.md); exit codes unchanged.")
        var json = false
        @OptionGroup var progress: ProgressOptions

        func run() throws {
            var failed = 0
            var results: [JSONObject.Value] = []
            let selected = try GoldenRunner.selected(names, in: directory)
            for (index, (_, golden)) in selected.enumerated() {
                let line = ProgressLine(
                    "golden \(golden.name) (\(index + 1)/\(selected.count))", unit: "events",
                    total: Double(golden.events), enabled: progress.enabled)
                let (passed, report) = try GoldenRunner.check(golden, directory: directory) {
                    line.update(Double($0))
                }
                line.finish()
                if json {
                    var entry = JSONObject()
                    entry["name"] = .string(golden.name)
                    entry["passed"] = .bool(passed)
                    entry["report"] = .string(report)
                    results.append(.object(entry))
                } else {
                    print(report)
                }
                if !passed { failed += 1 }
            }
            if json {
                var object = JSONObject()
                object["command"] = .string("golden-check")
                object["directory"] = .string(directory)
                object["goldens"] = .array(results)
                object["failed"] = .int(Int64(failed))
                print(object.text)
            }
            if failed > 0 {
                throw CommandFailure(ExitStatus.violation, "\(failed) golden run(s) differ")
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Rewrite golden files from fresh runs and print what changed (the only way they change)."
        )
        @Option(name: .long, help: "Golden directory.") var directory = "golden"
        @Argument(help: "Names (default: all).") var names: [String] = []

        func run() throws {
            let files = try GoldenRunner.selected(names, in: directory)
            print(try GoldenRunner.update(files, directory: directory), terminator: "")
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a golden file from `rtb-verify record` options.")
        @Option(name: .long, help: "Golden directory.") var directory = "golden"
        @Argument(help: "Name of the golden run.") var name: String
        @Argument(
            parsing: .captureForPassthrough, help: "Options of `rtb-verify record` (after --).")
        var arguments: [String] = []

        func run() throws {
            let path = directory + "/" + name + ".json"
            if FileManager.default.fileExists(atPath: path) {
                throw CommandFailure(
                    ExitStatus.usage,
                    "\(path): golden \(name) already exists; rewrite it with rtb-verify golden update \(name)"
                )
            }
            let options = arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
            let golden = try GoldenRunner.run(
                name: name, arguments: options,
                ledgerPath: GoldenRunner.ledgerPath(directory: directory, name: name))
            try CommandRunner.write(golden.json, to: path)
            print(
                "\(name): \(golden.runDigest.prefix(12)), \(golden.events) events, \(golden.ranges.count) ranges"
            )
        }
    }
}
