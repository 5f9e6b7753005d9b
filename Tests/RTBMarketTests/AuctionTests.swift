import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

@Test func secondPricePaysMaxOfSecondBidAndReserve() {
    let result = SingleItemAuction.clear(
        bids: [500, 900, 700], reserve: 100, mechanism: .secondPrice)
    #expect(result.winner == 1)
    #expect(result.price == 700)
    #expect(result.secondBid == 700)
    let alone = SingleItemAuction.clear(bids: [900], reserve: 300, mechanism: .secondPrice)
    #expect(alone.winner == 0)
    #expect(alone.price == 300)
    let reserveBinds = SingleItemAuction.clear(
        bids: [900, 200], reserve: 300, mechanism: .secondPrice)
    #expect(reserveBinds.price == 300)
}

@Test func firstPricePaysOwnBid() {
    let result = SingleItemAuction.clear(
        bids: [500, 900, 700], reserve: 100, mechanism: .firstPrice)
    #expect(result.winner == 1)
    #expect(result.price == 900)
}

@Test func bidsBelowReserveAreIgnoredAndTiesGoToTheFirstBidder() {
    #expect(
        SingleItemAuction.clear(bids: [50, 99], reserve: 100, mechanism: .secondPrice).winner == nil
    )
    let tie = SingleItemAuction.clear(bids: [400, 800, 800], reserve: 100, mechanism: .secondPrice)
    #expect(tie.winner == 1)
    #expect(tie.price == 800)
}

@Test func feesApplyDiscountsMultiplicatively() {
    var config = MarketConfig()
    config.buyerDiscounts = [1: .percent(10)]
    config.sellerDiscounts = [2: .percent(20)]
    #expect(config.feeRate(buyer: 0, seller: 0) == .percent(15))
    #expect(config.feeRate(buyer: 1, seller: 0) == Rate(ppm: 135_000))
    #expect(config.feeRate(buyer: 1, seller: 2) == Rate(ppm: 108_000))
    #expect(config.feeRate(buyer: 1, seller: 2).apply(to: .dollars(1_000)) == .dollars(108))
    config.sellerDiscounts = [2: .percent(50)]
    #expect(config.feeRate(buyer: 1, seller: 2) == .percent(10))  // 6.75% clamped to the 10% floor
}

@Test func exchangeSettlesEveryDealWithItsFeeAndPaysNoMoreThanTheBid() throws {
    var config = MarketConfig()
    config.scenarios = [.a]
    config.days = 2
    let store = MemoryFrameStore()
    let engine = MarketEngine(config: config, store: store)
    try engine.run()
    var bids: [Int: [Int: Micros]] = [:]
    var deals: [Int: DealAgreed] = [:]
    var settled = 0
    for event in try store.allEvents() {
        switch event.body {
        case .bid(let bid): bids[bid.auction, default: [:]][bid.campaign] = bid.cpm
        case .auctionCleared(let cleared) where cleared.winner > 0:
            let bid = try #require(bids[cleared.auction]?[cleared.winner - 1])
            #expect(cleared.priceCPM <= bid)
        case .dealAgreed(let deal): deals[deal.deal] = deal
        case .settlement(let settlement):
            let deal = try #require(deals[settlement.deal])
            let buyer = engine.market.campaigns[deal.campaign].buyer
            let seller = engine.market.products[deal.product].seller
            #expect(
                settlement.fee
                    == config.feeRate(buyer: buyer, seller: seller).apply(to: settlement.buyerPaid))
            #expect(settlement.buyerPaid == settlement.sellerReceived + settlement.fee)
            settled += 1
        default: break
        }
    }
    #expect(settled == deals.count)
    #expect(settled > 100)
}
