import RTBCore
import RTBMarket

/// Seed 000's "Strategy E: pre-computed decision trees": the rules answer the common cases and
/// only edge cases go to the model (`RTB_LLM_ESCALATE=edge-cases`). A decision is an edge case
/// when the rules' answer hangs on a close call:
/// - auction bid: the campaign's target CPM within 10% of the product's floor;
/// - quote: the buyer's max CPM within 10% of the floor;
/// - counter: the counter price within 5% of the floor;
/// - accept threshold: no agreed price known yet in the campaign's channel;
/// - RFP targets: a candidate of unknown reputation;
/// - offer ranking: two offers within 5% of each other's CPM.
/// Open-traffic bids and direct asks are never edge cases. Answers of the tree are recorded
/// with the source "decision-tree".
public enum DecisionTree {
    /// The recorded source of the tree's answers.
    public static let source = "decision-tree"

    /// Whether `question` goes to the model.
    public static func escalates(_ question: TradingQuestion, market: Market) -> Bool {
        func near(_ value: Micros, _ reference: Micros, percent: Int64) -> Bool {
            (value.raw - reference.raw).magnitude * 100 <= UInt64(percent) * reference.raw.magnitude
        }
        switch question {
        case .auctionBid(let campaign, let product, _):
            guard market.campaigns.indices.contains(campaign),
                market.products.indices.contains(product)
            else { return true }
            return near(
                market.campaigns[campaign].targetCPM, market.products[product].floorCPM, percent: 10
            )
        case .quote(let product, _, let maxCPM, _):
            guard market.products.indices.contains(product) else { return true }
            return near(maxCPM, market.products[product].floorCPM, percent: 10)
        case .acceptsCounter(let product, let cpm):
            guard market.products.indices.contains(product) else { return true }
            return near(cpm, market.products[product].floorCPM, percent: 5)
        case .acceptThreshold(_, let reference): return reference == .zero
        case .rfpTargets(_, _, let reputations): return reputations.contains(-1)
        case .rankOffers(_, let offers):
            let prices = offers.map(\.cpm).sorted()
            return zip(prices, prices.dropFirst()).contains { near($1, $0, percent: 5) }
        case .openBid, .directAsk: return false
        }
    }
}
