import Foundation
import Testing
import RTBTestSupport

/// The report of a recorded run: JSON, markdown and HTML carry the same content, its daily
/// figures are the run's results, and the HTML page renders in headless Chromium with every
/// chart visible and no network request (Tests/Fixtures/report_browser.py); a page with an
/// empty chart and an outside image fails those checks.
@Test func theReportRendersEveryChartInABrowserAndMatchesTheResults() throws {
    let directory = TestSupport.temporaryDirectory()
    let run = try TestSupport.run(
        "rtb-sim",
        [
            "run", "--days", "3", "--volume", "small", "--output", "results.json", "--ledger",
            "run.ledger",
        ], in: directory)
    #expect(run.status == 0, "\(run.error)")

    let json = try TestSupport.run(
        "rtb-verify", ["report", "--trace", "run.ledger", "--format", "json"], in: directory)
    #expect(json.status == 0, "\(json.error)")
    let report = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as! [String: Any]
    let charts = report["charts"] as! [[String: Any]]
    #expect(
        charts.map { $0["id"] as! String }
            == [
                "daily-spend", "daily-fees", "daily-deals", "frictions", "welfare",
                "events-by-kind",
            ])
    for chart in charts {
        let categories = chart["categories"] as! [String]
        let series = chart["series"] as! [[String: Any]]
        #expect(!categories.isEmpty && !series.isEmpty)
        #expect(series.allSatisfy { ($0["values"] as! [NSNumber]).count == categories.count })
    }
    // The daily spend is the results file's, day by day and scenario by scenario.
    let results =
        try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/results.json")))
        as! [String: Any]
    let scenarios = results["scenario_results"] as! [[String: Any]]
    let spend = charts[0]["series"] as! [[String: Any]]
    for (index, scenario) in scenarios.enumerated() {
        let days = (scenario["days"] as! [[String: Any]]).map {
            ($0["buyer_spend_micros"] as! NSNumber).int64Value
        }
        #expect(spend[index]["name"] as? String == scenario["name"] as? String)
        #expect(
            (spend[index]["values"] as! [NSNumber]).map(\.doubleValue)
                == days.map { Double($0) / 1e6 })
    }
    let facts = report["facts"] as! [[String: String]]
    #expect(facts.contains { $0["name"] == "verify" && $0["value"] == "intact, finished" })
    #expect(
        facts.contains {
            $0["name"] == "head hash (run digest)"
                && $0["value"] == results["run_digest"] as? String
        })

    let markdown = try TestSupport.run(
        "rtb-verify", ["report", "--trace", "run.ledger", "--format", "md"], in: directory)
    for chart in charts {
        #expect(markdown.output.contains("## \(chart["title"] as! String)\n"))
    }

    let page = try TestSupport.run(
        "rtb-verify", ["report", "--trace", "run.ledger", "--output", "report.html"], in: directory)
    #expect(page.status == 0 && page.output.contains("6 charts"), "\(page.error)")
    let html = try String(contentsOfFile: directory + "/report.html", encoding: .utf8)
    #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"))
    let script = TestSupport.root + "/Tests/Fixtures/report_browser.py"
    let browser = try TestSupport.run(
        "/usr/bin/env", ["python3", script, "report.html", "browser"], in: directory)
    #expect(browser.status == 0, "\(browser.output) \(browser.error)")
    #expect(browser.output.contains("dom: 6 charts rendered of 6 in the page"))
    #expect(browser.output.contains("network: 0 requests by the page"))

    // The canary: an empty chart and an image from the network are both caught.
    let canary =
        "<!DOCTYPE html><html><body><svg class=\"chart\" data-chart=\"empty\" width=\"100\" height=\"50\"></svg>"
        + "<img src=\"http://example.invalid/pixel.png\"></body></html>"
    try canary.write(toFile: directory + "/canary.html", atomically: true, encoding: .utf8)
    let caught = try TestSupport.run(
        "/usr/bin/env", ["python3", script, "canary.html", "canary"], in: directory)
    #expect(caught.status == 1)
    #expect(caught.output.contains("FAIL chart empty is empty"))
    #expect(caught.output.contains("FAIL the page requested ['http://example.invalid/pixel.png']"))
}

/// A report of several runs: the runs, per scenario each metric's mean and 95% interval over
/// them (the mean is the runs' mean, inside its interval), daily spend of every run overlaid
/// with the mean; the page renders in Chromium; runs of different models are refused.
@Test func aReportOfSeveralRunsGivesMeansIntervalsAndOverlays() throws {
    let directory = TestSupport.temporaryDirectory()
    var deals: [Double] = []
    for seed in 1...3 {
        let run = try TestSupport.run(
            "rtb-sim",
            [
                "run", "--days", "3", "--seed", String(seed), "--output", "r\(seed).json",
                "--ledger",
                "r\(seed).ledger",
            ], in: directory)
        #expect(run.status == 0, "\(run.error)")
        let results =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: directory + "/r\(seed).json")))
            as! [String: Any]
        let a = (results["scenario_results"] as! [[String: Any]])[0]
        deals.append(Double(((a["totals"] as! [String: Any])["deals"] as! NSNumber).int64Value))
    }
    let traces = (1...3).flatMap { ["--trace", "r\($0).ledger"] }
    let json = try TestSupport.run(
        "rtb-verify", ["report", "--format", "json"] + traces, in: directory)
    #expect(json.status == 0, "\(json.error)")
    let report = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as! [String: Any]
    let tables = report["tables"] as! [[String: Any]]
    #expect(
        tables.map { $0["title"] as! String } == [
            "Runs", "Scenarios side by side over 3 runs: mean [95% bootstrap interval]",
            "A exchange: metrics over 3 runs", "B direct: metrics over 3 runs",
            "C ledger: metrics over 3 runs",
        ])
    let row = (tables[2]["rows"] as! [[String]]).first { $0[0] == "deals" }!
    let mean = deals.reduce(0, +) / 3
    #expect(row[1] == "3" && row[2] == String(format: "%.1f", mean))
    let bounds = row[3].components(separatedBy: " to ").map { Double($0)! }
    #expect(bounds[0] <= mean && mean <= bounds[1] && bounds[0] < bounds[1])
    // The bootstrap interval lies within the runs' range and around the mean.
    let resampled = row[4].components(separatedBy: " to ").map { Double($0)! }
    #expect(deals.min()! <= resampled[0] && resampled[0] <= mean)
    #expect(mean <= resampled[1] && resampled[1] <= deals.max()!)
    #expect(
        row[5] == String(format: "%.1f", deals.min()!)
            && row[6] == String(format: "%.1f", deals.max()!))
    // Side by side: A's deals are the same mean and bootstrap interval, and A's take rate, the
    // same in every run, has an interval of that one value.
    let side = tables[1]["rows"] as! [[String]]
    #expect(
        side.first { $0[0] == "deals" }![1]
            == "\(row[2]) [\(row[4].replacingOccurrences(of: " to ", with: ", "))]")
    #expect(side.first { $0[0] == "take rate %" }![1] == "15.00 [15.00, 15.00]")
    // The same ledgers give the same report, intervals included.
    let again = try TestSupport.run(
        "rtb-verify", ["report", "--format", "json"] + traces, in: directory)
    #expect(again.output == json.output)
    let charts = report["charts"] as! [[String: Any]]
    #expect(
        charts.map { $0["id"] as! String } == [
            "daily-spend-a", "daily-spend-b", "daily-spend-c", "welfare-mean",
        ])
    let overlay = charts[0]["series"] as! [[String: Any]]
    #expect(
        overlay.map { $0["name"] as! String } == ["r1.ledger", "r2.ledger", "r3.ledger", "mean"])
    let values = overlay.map { ($0["values"] as! [NSNumber]).map(\.doubleValue) }
    for day in values[3].indices {
        #expect(abs(values[3][day] - (values[0][day] + values[1][day] + values[2][day]) / 3) < 1e-6)
    }

    let page = try TestSupport.run(
        "rtb-verify", ["report", "--output", "study.html"] + traces, in: directory)
    #expect(page.status == 0)
    let browser = try TestSupport.run(
        "/usr/bin/env",
        [
            "python3", TestSupport.root + "/Tests/Fixtures/report_browser.py", "study.html",
            "browser",
        ],
        in: directory)
    #expect(browser.status == 0, "\(browser.output)")

    let scale = try TestSupport.run(
        "rtb-sim", ["scale", "--agents", "50", "--rounds", "2", "--ledger", "scale.ledger"],
        in: directory)
    #expect(scale.status == 0)
    let mixed = try TestSupport.run(
        "rtb-verify", ["report", "--trace", "r1.ledger", "--trace", "scale.ledger"], in: directory)
    expectOneLine(mixed, 64, "different models")
}
