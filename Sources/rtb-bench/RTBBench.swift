import ArgumentParser
import Foundation
import RTBBenchmarks
import RTBRunning
import RTBCommandLine

@main
struct RTBBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtb-bench",
        abstract:
            "Measure every performance target of the issues (build with -c release). See BENCHMARKS.md.",
        version: versionLine)

    @Flag(name: .long, help: "Tiny sizes, one run each: proves every measurement works (CI).")
    var smoke = false

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Flag(name: .long, help: "Print a markdown table.")
    var markdown = false

    @Option(name: .long, help: "Scratch directory (default: a temporary one, removed afterwards).")
    var directory: String?

    @Option(
        name: .long,
        help:
            "Only these sections, comma-separated: \(BenchmarkSuite.sections.joined(separator: ", "))."
    )
    var only: String?

    @Option(
        name: .long,
        help:
            "Another build's binaries directory (say, the commit before a change, built with -c release): the llm section times the default rule-based run with both, alternately."
    )
    var baseline: String?

    func validate() throws {
        if let only,
            let unknown = only.split(separator: ",").first(where: {
                !BenchmarkSuite.sections.contains(String($0))
            })
        {
            throw ValidationError(
                "invalid --only '\(unknown)': expected \(BenchmarkSuite.sections.joined(separator: ", "))"
            )
        }
    }

    func run() throws {
        let scratch = directory ?? NSTemporaryDirectory() + "rtb-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(atPath: scratch) } }
        let binaries = CommandRunner.binariesDirectory()  // where rtb-verify is
        let suite = BenchmarkSuite(
            scale: smoke ? .smoke : .full, directory: scratch, binaries: binaries)
        suite.baseline = baseline
        let rows: [BenchmarkRow]
        do {
            rows = try suite.runAll(
                only: only.map { Set($0.split(separator: ",").map(String.init)) })
        } catch let failure as BenchmarkFailure {
            throw CommandFailure(ExitStatus.operatingError, "benchmark failed: \(failure)")
        }
        let machine = Machine.describe(commit: Machine.gitCommit())
        if json {
            print(BenchmarkTable.json(rows, machine: machine), terminator: "")
        } else {
            print(
                "machine: "
                    + machine.keys.sorted().map { "\($0) \(machine[$0]!)" }.joined(separator: ", "))
            print(BenchmarkTable.render(rows, markdown: markdown), terminator: "")
        }
        let missed = rows.filter { $0.met == false }.count
        if missed > 0 && !smoke {
            FileHandle.standardError.write(Data("rtb-bench: \(missed) target(s) missed\n".utf8))
        }
    }

    static func main() { CommandRunner.main(RTBBench.self) }
}
