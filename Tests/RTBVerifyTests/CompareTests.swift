import Foundation
import Testing
import RTBMarket
import RTBTestSupport

/// A ledger's results, computed from the ledger alone, are the run's results file byte for
/// byte; `compare` shows every metric of several runs side by side and refuses what it cannot
/// read, naming the input.
@Test func compareReadsLedgersAndSeveralRunsAndShowsEveryMetric() throws {
    let directory = TestSupport.temporaryDirectory()
    for (name, arguments) in [
        ("first", ["--days", "2", "--volume", "small", "--kill", "buyer-002@d1:12"]),
        ("second", ["--days", "2", "--mechanism", "vcg", "--seed", "9"]),
    ] {
        let run = try TestSupport.run(
            "rtb-sim",
            ["run", "--output", name + ".json", "--ledger", name + ".ledger"] + arguments,
            in: directory)
        #expect(run.status == 0, "\(run.error)")
    }
    for name in ["first", "second"] {
        let fromLedger = try TestSupport.run(
            "rtb-sim", ["compare", name + ".ledger", "--format", "json"], in: directory)
        #expect(fromLedger.status == 0, "\(fromLedger.error)")
        #expect(
            Data(fromLedger.output.utf8)
                == FileManager.default.contents(atPath: directory + "/\(name).json"))
    }

    let table = try TestSupport.run(
        "rtb-sim", ["compare", "first.json", "second.ledger", "--format", "markdown"],
        in: directory)
    #expect(table.status == 0, "\(table.error)")
    let lines = table.output.split(separator: "\n")
    #expect(
        lines[0].contains("first.json A exchange") && lines[0].contains("second.ledger C ledger"))
    #expect(lines[0].split(separator: "|").count == 7)  // metric + 2 runs x 3 scenarios
    let labels = Set(
        lines.dropFirst(2).map { $0.split(separator: "|")[0].trimmingCharacters(in: .whitespaces) })
    for counter in Counter.allCases {
        let label =
            counter.name.hasSuffix("_micros")
            ? String(counter.name.dropLast("_micros".count)) + " $" : counter.name
        #expect(labels.contains(label), "\(label)")
    }
    for derived in [
        "take_rate", "goal_attainment", "recovery_rate", "mean_resolution_days",
        "seller_paid_share", "buyer_surplus $", "buyer_net_surplus $",
    ] {
        #expect(labels.contains(derived), "\(derived)")
    }

    let json = try TestSupport.run(
        "rtb-sim", ["compare", "first.json", "second.ledger", "--format", "json"], in: directory)
    let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as! [String: Any]
    let runs = object["runs"] as! [[String: Any]]
    #expect(runs.map { $0["source"] as? String } == ["first.json", "second.ledger"])
    #expect(runs.allSatisfy { ($0["results"] as? [String: Any])?["scenario_results"] != nil })

    // Refusals: one line naming the input, nothing on stdout.
    let scale = try TestSupport.run(
        "rtb-sim", ["scale", "--agents", "50", "--rounds", "2", "--ledger", "scale.ledger"],
        in: directory)
    #expect(scale.status == 0)
    let killed = try TestSupport.run(
        "rtb-verify",
        [
            "record", "--days", "2", "--ledger", "killed.ledger", "--inject-fault",
            "kill@after-frame:1",
        ],
        in: directory)
    #expect(killed.signal == SIGKILL)
    try TestSupport.copy(directory + "/second.ledger", to: directory + "/tampered.ledger")
    try TestSupport.tamper(directory + "/tampered.ledger", "flip", "frames", "payload", "1", "9")
    for (input, code, mention) in [
        ("scale.ledger", Int32(64), "rtb-scale"), ("killed.ledger", 64, "not finished"),
        ("tampered.ledger", 12, "tampered.ledger"), ("none.json", 1, "none.json"),
    ] {
        let refused = try TestSupport.run(
            "rtb-sim", ["compare", "first.json", input], in: directory)
        expectOneLine(refused, code, mention)
        #expect(refused.output.isEmpty)
    }
}

/// `compare` puts the seed's validity table beside the runs, and still reads a results file
/// of engine 0.1.0, which has no welfare counters (shown as "-").
@Test func compareShowsTheValidityTableAndReadsResultsWithoutWelfare() throws {
    let directory = TestSupport.temporaryDirectory()
    let run = try TestSupport.run(
        "rtb-sim",
        ["run", "--days", "3", "--seed", "4", "--output", "new.json", "--ledger", "new.ledger"],
        in: directory)
    #expect(run.status == 0, "\(run.error)")
    var text = try String(contentsOfFile: directory + "/new.json", encoding: .utf8)
    for counter in Counter.allCases where counter.isWelfare {
        let pattern = "\"\(counter.name)\":[0-9-]+,?"
        text = text.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
    }
    #expect(!text.contains("buyer_value_micros"))
    try text.write(toFile: directory + "/old.json", atomically: true, encoding: .utf8)
    let compared = try TestSupport.run(
        "rtb-sim", ["compare", "old.json", "new.json"], in: directory)
    #expect(compared.status == 0, "\(compared.error)")
    let lines = compared.output.split(separator: "\n").map(String.init)
    let value = try #require(lines.first { $0.hasPrefix("buyer_value $") })
    #expect(
        value.split(separator: " ", omittingEmptySubsequences: true).filter { $0 == "-" }.count == 3
    )
    #expect(lines.contains { $0.hasPrefix("The seed's validity table") })
    // Three days are far from the default 30: A's deals fall outside the seed's range.
    let deals = try #require(lines.first { $0.hasPrefix("a.deals") })
    #expect(deals.contains("4000-6000") && deals.contains("OUT"))
    let take = try #require(lines.first { $0.hasPrefix("a.take_rate") })
    #expect(take.components(separatedBy: " ok").count == 3)
}
