import ArgumentParser
import RTBCore

/// Prints the core's pinned test vectors (used by the test suite from a second process).
struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors", abstract: "Print the deterministic core's test vectors.",
        shouldDisplay: false)

    func run() throws {
        for line in CoreVectors.lines() { print(line) }
    }
}
