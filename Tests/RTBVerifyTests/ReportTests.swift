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
