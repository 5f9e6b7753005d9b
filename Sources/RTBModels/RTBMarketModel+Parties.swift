import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

extension RTBMarketModel {
    /// Simulated seconds: day 1 starts at tick 0.
    public static var ticksPerDay: Int64? { SimTime.ticksPerDay }

    /// The agents an event concerns by `EventParties` (its subject, the payer of its shared
    /// ledger entry and the parties whose memory it changes), resolved through the market's
    /// campaigns and products and the negotiations and deals seen so far in each scenario.
    public static func agentTracker(for config: MarketConfig) -> (MarketEvent) -> [String] {
        let book = PartyBook(market: Market(config: config))
        return { event in book.agents(of: event) }
    }
}

/// Negotiations and deals of the events read so far, by scenario (each scenario numbers its
/// own), on top of the market's campaigns and products.
final class PartyBook {
    let market: Market
    var negotiations: [Scenario: [Int: (campaign: Int, product: Int)]] = [:]
    var deals: [Scenario: [Int: (campaign: Int, product: Int)]] = [:]

    init(market: Market) {
        self.market = market
    }

    func agents(of event: MarketEvent) -> [String] {
        // Only these two kinds introduce ids that later events refer to (`EventParties` names
        // every other reference by campaign, product, negotiation or deal).
        if case .rfp(let rfp) = event.body {
            negotiations[event.scenario, default: [:]][rfp.negotiation] = (
                rfp.campaign, rfp.product
            )
        } else if case .dealAgreed(let deal) = event.body {
            deals[event.scenario, default: [:]][deal.deal] = (deal.campaign, deal.product)
        }
        let parties = EventParties.of(event.body)
        var named: [Party?] = [parties.subject, parties.ledgerPayer]
        switch parties.memory {
        case .none, .everyone: break
        case .parties(let buyer, let seller): named += [buyer, seller]
        }
        let directory = ScenarioDirectory(book: self, scenario: event.scenario)
        var agents: [String] = []
        for case let party? in named {
            if let agent = directory.resolve(party)?.description, !agents.contains(agent) {
                agents.append(agent)
            }
        }
        return agents
    }
}

/// The book's view of one scenario.
struct ScenarioDirectory: PartyDirectory {
    let book: PartyBook
    let scenario: Scenario

    func buyer(ofCampaign campaign: Int) -> Int? { book.market.buyer(ofCampaign: campaign) }
    func seller(ofProduct product: Int) -> Int? { book.market.seller(ofProduct: product) }
    func campaign(ofNegotiation negotiation: Int) -> Int? {
        book.negotiations[scenario]?[negotiation]?.campaign
    }
    func product(ofNegotiation negotiation: Int) -> Int? {
        book.negotiations[scenario]?[negotiation]?.product
    }
    func campaign(ofDeal deal: Int) -> Int? { book.deals[scenario]?[deal]?.campaign }
    func product(ofDeal deal: Int) -> Int? { book.deals[scenario]?[deal]?.product }
}
