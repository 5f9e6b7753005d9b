import RTBCore
import RTBEvents

/// Which agent an event concerns, resolving campaigns and products through the market.
public enum EventAgents {
    public static func agent(of event: MarketEvent, market: Market) -> AgentRef? {
        if let agent = event.agent { return agent }
        func buyer(_ campaign: Int) -> AgentRef? {
            campaign < market.campaigns.count ? .buyer(market.campaigns[campaign].buyer) : nil
        }
        func seller(_ product: Int) -> AgentRef? {
            product < market.products.count ? .seller(market.products[product].seller) : nil
        }
        switch event.body {
        case .bid(let payload): return buyer(payload.campaign)
        case .bidRequest, .auctionCleared, .openAuction: return .exchange
        case .rfp(let payload): return buyer(payload.campaign)
        case .dealAgreed(let payload): return buyer(payload.campaign)
        case .reconciliation(let payload): return buyer(payload.campaign)
        case .directOffer(let payload): return seller(payload.product)
        default: return nil
        }
    }
}
