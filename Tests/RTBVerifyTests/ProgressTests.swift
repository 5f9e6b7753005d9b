import Foundation
import Testing
import RTBTestSupport

/// Runs `arguments` of `tool` with stderr on a pseudo-terminal (Tests/Fixtures/pty_run.py);
/// returns the exit code, stdout and what reached the terminal.
private func onTerminal(_ tool: String, _ arguments: [String], in directory: String) throws
    -> (status: Int32, output: Data, terminal: String)
{
    let result = try TestSupport.run(
        "/usr/bin/env",
        [
            "python3", TestSupport.root + "/Tests/Fixtures/pty_run.py", "out", "err",
            TestSupport.binaries + "/" + tool,
        ] + arguments, in: directory)
    let output = FileManager.default.contents(atPath: directory + "/out") ?? Data()
    let terminal = String(
        decoding: FileManager.default.contents(atPath: directory + "/err") ?? Data(), as: UTF8.self)
    return (result.status, output, terminal)
}

/// The text with its measured rates ("0.41 GB/s (measured)", "123456 events/s") blanked: the
/// only bytes that differ between two runs of verify, replay and scale.
private func unmeasured(_ text: String) -> String {
    text.replacingOccurrences(
        of: "[0-9.]+ (GB/s|events/s|rounds/s|M agent-bids/s)", with: "RATE",
        options: .regularExpression)
}

/// A terminal sees the progress line (what runs, how far, the rate, the time left) and it is
/// cleared at the end; stdout is byte for byte what the same command prints without a terminal;
/// --quiet silences the line and --progress forces it.
@Test func progressGoesToATerminalAndNeverChangesTheOutput() throws {
    let directory = TestSupport.temporaryDirectory()
    let record = [
        "record", "--days", "4", "--volume", "small", "--ledger", "run.ledger", "--overwrite",
    ]
    let watched = try onTerminal("rtb-verify", record, in: directory)
    #expect(watched.status == 0)
    #expect(
        watched.terminal.contains("\rrecording scenario a day "), "\(watched.terminal.prefix(200))")
    #expect(watched.terminal.contains(" events/s, about ") && watched.terminal.contains(" left"))
    #expect(watched.terminal.hasSuffix("\r\u{1B}[K"))
    let piped = try TestSupport.run("rtb-verify", record, in: directory)
    #expect(piped.status == 0 && piped.error.isEmpty)
    #expect(watched.output == Data(piped.output.utf8))

    for (tool, arguments, task) in [
        ("rtb-verify", ["check", "--trace", "run.ledger"], "\rchecking: "),
        ("rtb-verify", ["verify", "--trace", "run.ledger"], "\rverifying: "),
        ("rtb-sim", ["scale", "--agents", "2000", "--rounds", "40"], "\rscale rounds: "),
        ("rtb-verify", ["replay", "--trace", "run.ledger"], "\rreplaying: "),
        (
            "rtb-verify", ["export", "--trace", "run.ledger", "--output", "t", "--overwrite"],
            "\rexporting: "
        ),
        (
            "rtb-sim",
            [
                "test-recovery", "--agent", "buyer-002", "--scenario", "c", "--days", "3",
                "--kill-points", "3",
            ], "\rkill points: "
        ),
    ] {
        let seen = try onTerminal(tool, arguments, in: directory)
        #expect(seen.status == 0)
        #expect(
            seen.terminal.contains(task), "\(tool) \(arguments[0]): \(seen.terminal.prefix(120))")
        let plain = try TestSupport.run(tool, arguments, in: directory)
        #expect(plain.error.isEmpty)
        if arguments[0] != "test-recovery" {  // its table holds measured recovery times
            #expect(
                unmeasured(String(decoding: seen.output, as: UTF8.self))
                    == unmeasured(plain.output), "\(tool) \(arguments[0])")
        }
        let quiet = try onTerminal(tool, arguments + ["--quiet"], in: directory)
        #expect(quiet.terminal.isEmpty, "\(tool) \(arguments[0]) --quiet")
    }
    let forced = try TestSupport.run(
        "rtb-verify", ["check", "--trace", "run.ledger", "--progress"], in: directory)
    #expect(forced.error.contains("\rchecking: ") && forced.error.contains(" events/s"))
    let both = try TestSupport.run(
        "rtb-verify", ["check", "--trace", "run.ledger", "--progress", "--quiet"], in: directory)
    #expect(both.status == 64)
}
