import ArgumentParser
import RTBReports
import RTBTrace

struct AuctionStudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auction-study",
        abstract:
            "Seed 001's auction properties by seeded Monte Carlo: revenue equivalence or VCG's deficit.",
        discussion: """
            revenue-equivalence: first price with equilibrium bids against second price with \
            truthful bids on the same values (paired), then GSP and VCG on three slots; \
            vcg-deficit: a market of unit buyers and unit sellers cleared by VCG, trade \
            reduction and a uniform price. Revenues with 95% t intervals; individual \
            rationality and efficiency per mechanism. The same seed gives the same table. \
            See docs/auction-studies.md.
            """)

    @Argument(help: "revenue-equivalence or vcg-deficit.")
    var study: String

    @Option(name: .long, help: "Seed of the draws.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Bidders per auction (revenue-equivalence) or buyers (vcg-deficit).")
    var bidders = 5

    @Option(name: .long, help: "Sellers per market (vcg-deficit).")
    var sellers = 5

    @Option(name: .long, help: "Auctions or markets drawn.")
    var auctions = 100_000

    @Flag(name: .long, help: "Print a markdown table.")
    var markdown = false

    func validate() throws {
        guard ["revenue-equivalence", "vcg-deficit"].contains(study) else {
            throw ValidationError(
                "invalid study '\(study)': expected revenue-equivalence or vcg-deficit")
        }
        guard (2...1_000).contains(bidders) else {
            throw ValidationError("invalid --bidders \(bidders): expected 2...1000")
        }
        guard (1...1_000).contains(sellers) else {
            throw ValidationError("invalid --sellers \(sellers): expected 1...1000")
        }
        guard (2...10_000_000).contains(auctions) else {
            throw ValidationError("invalid --auctions \(auctions): expected 2...10000000")
        }
    }

    func run() throws {
        if study == "revenue-equivalence" {
            let study = RevenueEquivalenceStudy(bidders: bidders, auctions: auctions, seed: seed)
            let (rows, difference) = try study.run()
            print(
                "revenue equivalence: \(bidders) bidders, values uniform on 0...1 dollars, "
                    + "\(auctions) auctions, seed \(seed); theory (n-1)/(n+1) = "
                    + Self.dollars(study.theoreticalRevenue) + " for one item")
            var table = [
                [
                    "mechanism", "bids", "revenue (mean)", "95% interval", "theory",
                    "IR violations", "efficiency",
                ]
            ]
            for row in rows {
                table.append([
                    row.mechanism, row.bidding, Self.dollars(row.revenue.mean),
                    Self.interval(row.revenue), Self.dollars(row.theory),
                    String(row.rationalityViolations),
                    Self.percent(row.efficiency),
                ])
            }
            table.append([
                "first - second", "paired", Self.dollars(difference.mean),
                Self.interval(difference),
                "$0.0000", "", "",
            ])
            print(TextTable.render(table, markdown: markdown), terminator: "")
            let equal = difference.low <= 0 && difference.high >= 0
            print(
                equal
                    ? "first and second price revenues are equal within the interval (it contains 0)"
                    : "first and second price revenues differ: the interval excludes 0")
        } else {
            let study = DoubleAuctionStudy(
                buyers: bidders, sellers: sellers, markets: auctions, seed: seed)
            print(
                "vcg deficit: \(bidders) unit buyers, \(sellers) unit sellers, values and costs "
                    + "uniform on 0...1 dollars, \(auctions) markets, seed \(seed)")
            var table = [
                [
                    "rule", "truthful", "trades (mean)", "budget: paid - received (mean)",
                    "95% interval",
                    "IR violations", "efficiency",
                ]
            ]
            for row in study.run() {
                table.append([
                    row.rule, row.truthful ? "yes" : "no", String(format3(row.trades.mean)),
                    Self.dollars(row.budget.mean), Self.interval(row.budget),
                    String(row.rationalityViolations), Self.percent(row.efficiency),
                ])
            }
            print(TextTable.render(table, markdown: markdown), terminator: "")
        }
    }

    func format3(_ value: Double) -> String {
        let scaled = (value * 1_000).rounded() / 1_000
        return "\(scaled)"
    }

    /// Micros as dollars with 4 decimals.
    static func dollars(_ micros: Double) -> String {
        let tenths = Int64((micros / 100).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        let fraction = String(magnitude % 10_000)
        return sign + "$" + String(magnitude / 10_000) + "."
            + String(repeating: "0", count: 4 - fraction.count) + fraction
    }

    static func interval(_ summary: SampleSummary) -> String {
        "[" + dollars(summary.low) + ", " + dollars(summary.high) + "]"
    }

    static func percent(_ share: Double) -> String {
        let tenths = Int64((share * 1_000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
