import Foundation
import Testing
import RTBEvents
import RTBLedger
import RTBMarket
import RTBModels
import RTBTestSupport

/// Every event of a ledger, decoded (the reference the filters and tables are compared with).
private func events(of path: String) throws -> [(UInt64, MarketEvent)] {
    var all: [(UInt64, MarketEvent)] = []
    try LedgerEvents.forEach(RTBMarketModel.self, store: try LedgerStore.open(path: path)) {
        sequence, event, _ in
        all.append((sequence, event))
        return true
    }
    return all
}

private func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
}

/// `dump --kind` keeps exactly the events of those kinds; `dump --agent` keeps the events of
/// the agent's campaigns and products and the deals made with them, and none of another's.
@Test func dumpSelectsEventsByKindAndByAgent() throws {
    let directory = TestSupport.temporaryDirectory()
    let config = TestSupport.smallConfig(seed: 5, days: 2)
    let (path, _) = try TestSupport.record(config, in: directory)
    let all = try events(of: path)

    let kinds = try TestSupport.run(
        "rtb-verify",
        ["dump", "--trace", path, "--format", "jsonl", "--kind", "Settlement", "--kind", "Rfp"])
    #expect(kinds.status == 0, "\(kinds.error)")
    let selected = try jsonLines(kinds.output).map { ($0["seq"] as! NSNumber).uint64Value }
    let expected = all.filter { $0.1.kind == .settlement || $0.1.kind == .rfp }.map(\.0)
    #expect(!expected.isEmpty && selected == expected)

    let market = Market(config: config)
    let agent = try TestSupport.run(
        "rtb-verify", ["dump", "--trace", path, "--format", "jsonl", "--agent", "buyer-002"])
    #expect(agent.status == 0, "\(agent.error)")
    let mine = Set(try jsonLines(agent.output).map { ($0["seq"] as! NSNumber).uint64Value })
    // Deals by scenario and number, from the reference decoding.
    var dealBuyer: [String: Int] = [:]
    for (_, event) in all {
        if case .dealAgreed(let deal) = event.body {
            dealBuyer["\(event.scenario)/\(deal.deal)"] = market.buyer(ofCampaign: deal.campaign)
        }
    }
    var checked: [EventKind: Int] = [:]
    for (sequence, event) in all {
        let owner: Int?
        switch event.body {
        case .bid(let bid): owner = market.buyer(ofCampaign: bid.campaign)
        case .rfp(let rfp): owner = market.buyer(ofCampaign: rfp.campaign)
        case .dealAgreed(let deal): owner = market.buyer(ofCampaign: deal.campaign)
        case .settlement(let settlement): owner = dealBuyer["\(event.scenario)/\(settlement.deal)"]
        case .campaignRegistered(let campaign): owner = campaign.buyer.index
        default: continue  // Only these kinds are compared (each names a buyer one way).
        }
        // buyer-002 is buyer index 1.
        #expect(mine.contains(sequence) == (owner == 1), "event \(sequence) \(event.kind)")
        checked[event.kind, default: 0] += owner == 1 ? 1 : 0
    }
    #expect(checked.count == 5 && checked.values.allSatisfy { $0 > 0 }, "\(checked)")

    // --from and --count apply to the selected events; the agent's deals are still known.
    let window = try TestSupport.run(
        "rtb-verify",
        ["dump", "--trace", path, "--agent", "buyer-002", "--from", "3000", "--count", "4"])
    let sorted = mine.sorted()
    let expectedWindow = Array(sorted.filter { $0 >= 3000 }.prefix(4))
    #expect(
        window.output.split(separator: "\n").map { $0.split(separator: " ")[0] }
            == expectedWindow.map { "seq=\($0)"[...] })

    let unknown = try TestSupport.run("rtb-verify", ["dump", "--trace", path, "--kind", "Deal"])
    #expect(unknown.status == 64)
    #expect(unknown.error.split(separator: "\n").count == 1)
    #expect(unknown.error.contains("'Deal'") && unknown.error.contains("DealAgreed"))
}

/// `export` writes one table per kind whose rows are that kind's events, with day, time of day
/// and dollar columns; it refuses to replace tables and leaves nothing half-written.
@Test func exportWritesOneTidyTablePerKind() throws {
    let directory = TestSupport.temporaryDirectory()
    var config = TestSupport.smallConfig(seed: 6, days: 2)
    config.volume = .small
    let (path, _) = try TestSupport.record(config, in: directory)
    let all = try events(of: path)
    let output = directory + "/tables"
    let csv = try TestSupport.run("rtb-verify", ["export", "--trace", path, "--output", output])
    #expect(csv.status == 0, "\(csv.error)")
    var counts: [String: Int] = [:]
    for (_, event) in all { counts[event.kindName, default: 0] += 1 }
    let files = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
    #expect(files.count == counts.count && files.allSatisfy { $0.hasSuffix(".csv") })
    for (kind, count) in counts {
        let stem = kind.reduce(into: "") { stem, character in
            if character.isUppercase, !stem.isEmpty { stem += "_" }
            stem += character.lowercased()
        }
        let text = try String(contentsOfFile: output + "/" + stem + ".csv", encoding: .utf8)
        #expect(text.split(separator: "\n").count == count + 1, "\(kind)")
    }
    let settlements = try String(contentsOfFile: output + "/settlement.csv", encoding: .utf8)
        .split(separator: "\n")
    #expect(
        settlements[0]
            == "seq,scenario,tick,day,time_of_day_s,time,kind,deal,buyer_paid_micros,buyer_paid_usd,seller_received_micros,seller_received_usd,fee_micros,fee_usd,disputed_micros,disputed_usd"
    )
    let (sequence, first) = all.first { $0.1.kind == .settlement }!
    guard case .settlement(let settlement) = first.body else { return }
    let paid = settlement.buyerPaid.raw
    let dollars = "\(paid / 1_000_000)." + String(format: "%06lld", paid % 1_000_000)
    #expect(
        settlements[1].hasPrefix(
            "\(sequence),\(first.scenario),\(first.tick),\(first.tick / 86_400 + 1),\(first.tick % 86_400),"
                + "\(first.time),Settlement,\(settlement.deal),\(paid),\(dollars),"))
    let auctions = try String(contentsOfFile: output + "/open_auction.csv", encoding: .utf8)
    #expect(auctions.split(separator: "\n")[0].contains("bids,winner,price_cents,price_usd"))
    #expect(auctions.contains(",\"[["))  // bid lists: JSON text in one quoted cell

    // Existing tables are refused (exit 64) and left as they were; --overwrite replaces them.
    let before = try Data(contentsOf: URL(fileURLWithPath: output + "/settlement.csv"))
    let again = try TestSupport.run("rtb-verify", ["export", "--trace", path, "--output", output])
    #expect(again.status == 64 && again.error.contains("--overwrite"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: output + "/settlement.csv")) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: output).sorted() == files)
    let replaced = try TestSupport.run(
        "rtb-verify",
        ["export", "--trace", path, "--output", output, "--overwrite", "--kind", "Settlement"])
    #expect(replaced.status == 0)
    #expect(try Data(contentsOf: URL(fileURLWithPath: output + "/settlement.csv")) == before)

    // JSON lines: the same rows, numbers as numbers.
    let jsonl = try TestSupport.run(
        "rtb-verify",
        [
            "export", "--trace", path, "--output", directory + "/j", "--format", "jsonl", "--kind",
            "Settlement",
        ])
    #expect(jsonl.status == 0)
    let rows = try jsonLines(
        try String(contentsOfFile: directory + "/j/settlement.jsonl", encoding: .utf8))
    #expect(rows.count == counts["Settlement"])
    #expect((rows[0]["buyer_paid_usd"] as? NSNumber)?.doubleValue == Double(paid) / 1e6)
    #expect(rows[0]["day"] as? Int == Int(first.tick / 86_400 + 1))

    // A file where the directory should be: refused in one line, nothing written.
    FileManager.default.createFile(atPath: directory + "/file", contents: Data("x".utf8))
    let onFile = try TestSupport.run(
        "rtb-verify", ["export", "--trace", path, "--output", directory + "/file"])
    #expect(onFile.status == 64 && onFile.error.split(separator: "\n").count == 1)
    #expect(
        !(try FileManager.default.contentsOfDirectory(atPath: directory)).contains {
            $0.hasSuffix(".partial")
        })
}

/// DuckDB reads every table, from CSV, JSON lines and a Parquet conversion, and reproduces the
/// run's totals from the rows (Tests/Fixtures/export_totals.py); a changed row is caught.
@Test func duckDBReproducesTheRunsTotalsFromTheExports() throws {
    let directory = TestSupport.temporaryDirectory()
    let run = try TestSupport.run(
        "rtb-sim",
        [
            "run", "--days", "2", "--volume", "small", "--seed", "8", "--output", "results.json",
            "--ledger", "run.ledger",
        ], in: directory)
    #expect(run.status == 0, "\(run.error)")
    for format in ["csv", "jsonl"] {
        let export = try TestSupport.run(
            "rtb-verify",
            ["export", "--trace", "run.ledger", "--format", format, "--output", format],
            in: directory)
        #expect(export.status == 0, "\(export.error)")
    }
    let script = TestSupport.root + "/Tests/Fixtures/export_totals.py"
    let totals = try TestSupport.run(
        "/usr/bin/env", ["python3", script, "results.json", "csv", "jsonl", "parquet"],
        in: directory)
    #expect(totals.status == 0, "\(totals.output) \(totals.error)")
    let report = totals.output.split(separator: "\n")
    for source in ["csv", "jsonl", "parquet"] {
        // "csv: 23 tables, 44 figures compared, 0 differ"
        #expect(report.contains { $0.hasPrefix("\(source): ") && $0.hasSuffix(" 0 differ") })
    }

    // The canary: one settlement's payment changed in the CSV table.
    let table = directory + "/csv/settlement.csv"
    var lines = try String(contentsOfFile: table, encoding: .utf8).split(separator: "\n")
        .map(String.init)
    var cells = lines[1].split(separator: ",").map(String.init)
    cells[8] = String(Int64(cells[8])! + 1)
    lines[1] = cells.joined(separator: ",")
    try (lines.joined(separator: "\n") + "\n").write(
        toFile: table, atomically: true, encoding: .utf8)
    let forged = try TestSupport.run(
        "/usr/bin/env", ["python3", script, "results.json", "csv", "jsonl", "parquet2"],
        in: directory)
    #expect(forged.status == 1)
    #expect(forged.output.contains("buyer_spend_micros: tables"))
    #expect(
        forged.output.split(separator: "\n").contains {
            $0.hasPrefix("jsonl: ") && $0.hasSuffix(" 0 differ")
        })
}
