import ArgumentParser
import RTBCommandLine
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTrace

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print events one per line (text or JSON lines), in sequence order.")

    @Option(name: .long, help: "Ledger file.")
    var trace: String

    @Option(name: .long, help: "First event sequence number.")
    var from: UInt64 = 0

    @Option(name: .long, help: "Number of events (default: all).")
    var count: UInt64?

    @Option(name: .long, help: "text or jsonl.")
    var format = "text"

    @Option(
        name: .long,
        help:
            "Only events of this kind (e.g. DealAgreed; repeatable). Kinds: docs/event-layouts.md.")
    var kind: [String] = []

    @Option(
        name: .long,
        help:
            "Only events that concern this agent (e.g. buyer-001): its own, those paid by it, those that change its memory."
    )
    var agent: String?

    func validate() throws {
        guard ["text", "jsonl"].contains(format) else {
            throw ValidationError("invalid --format '\(format)': expected text or jsonl")
        }
    }

    func run() throws {
        let selection = EventSelection(kinds: kind, agent: agent, from: from, count: count)
        try EventDump.write(path: trace, selection: selection, jsonLines: format == "jsonl") {
            line in
            print(line)
        }
    }
}
