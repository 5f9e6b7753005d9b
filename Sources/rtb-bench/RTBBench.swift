import ArgumentParser
import Foundation
import RTBBenchmarks
import RTBCommandLine
import RTBMarket
import RTBVerify

@main
struct RTBBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtb-bench", abstract: "Measure the performance targets (release build).", version: versionLine)

    @Option(name: .long, help: "Runs per figure (after one warm-up).")
    var runs = 5

    func run() throws {
        let directory = NSTemporaryDirectory() + "rtb-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = MarketConfig()
        var counter = 0
        let recorded = try Stopwatch.samples(runs: runs) {
            counter += 1
            _ = try Recording.record(config: config, path: directory + "/d\(counter).ledger")
        }
        let null = try Stopwatch.samples(runs: runs) { _ = try Recording.run(config: config) }
        print(String(format: "default run recorded: median %.3f s (min %.3f, max %.3f)", recorded.median, recorded.min, recorded.max))
        print(String(format: "default run null sink: median %.3f s (min %.3f, max %.3f)", null.median, null.min, null.max))
        print(String(format: "recording overhead: %.2fx", recorded.median / null.median))
    }

    static func main() { CommandRunner.main(RTBBench.self) }
}
