import RTBCore
import RTBEvents
import RTBTrace

/// Scenario A: every two hours the exchange auctions each product's batch for those hours among
/// the buyers' eligible campaigns, clears it with the configured mechanism (floor as reserve), delivers,
/// takes its fee and settles at once: its records are the arbiter of delivery and money.
extension MarketEngine {
    static let purposeAuctionBid: UInt64 = 0xA0C7_10B1
    static let purposeShading: UInt64 = 0x5ADE_B1D5
    /// With the reference pacing, a campaign asks for at most 1/n of its daily target per
    /// auction (`Pacing.reference`).
    static let auctionsPerDayTarget: Int64 = 3

    func runExchangeHour(day: Int, hour: Int) {
        let prefetched = asksOutside ? askRoundBids(day: day, hour: hour) : [:]
        for product in market.products {
            runAuction(product: product, day: day, hour: hour, prefetched: prefetched)
        }
    }

    /// Impressions a campaign asks for in one auction of the round at `hour` (0 or less when
    /// it does not bid), by the config's pacing.
    func auctionWant(_ campaignIndex: Int, hour: Int) -> Int64 {
        let runtime = state.campaigns[campaignIndex]
        return config.pacing.want(
            target: runtime.dailyTarget, bought: runtime.boughtToday, hour: hour)
    }

    /// A policy that asks outside answers a round's bids together, at the round's start: every
    /// campaign still wanting impressions, for every product of its channel, buyer by buyer
    /// (a source batches one agent's questions into one call). A campaign's want only falls
    /// during a round, so every bid an auction needs was asked; some asked are never used.
    /// Keyed by `product * campaignCount + campaign`.
    func askRoundBids(day: Int, hour: Int) -> [Int: Micros?] {
        var questions: [(question: TradingQuestion, agent: AgentRef)] = []
        var keys: [Int] = []
        let campaignCount = market.campaigns.count
        for buyer in 0..<config.buyers {
            for (position, product) in market.products.enumerated() {
                let auction = state.nextAuction + position
                for campaignIndex in market.campaignsByChannel[Int(product.channel.rawValue)] {
                    let campaign = market.campaigns[campaignIndex]
                    guard campaign.buyer == buyer, day >= campaign.startDay, day <= campaign.endDay,
                        auctionWant(campaignIndex, hour: hour) > 0
                    else { continue }
                    questions.append(
                        (
                            .auctionBid(
                                campaign: campaignIndex, product: product.index,
                                randomBits: randomBits(
                                    Self.purposeAuctionBid, UInt64(auction), UInt64(campaignIndex))),
                            .buyer(buyer)
                        ))
                    keys.append(product.index * campaignCount + campaignIndex)
                }
            }
        }
        var bids: [Int: Micros?] = [:]
        for (key, answer) in zip(keys, askBatch(questions)) {
            guard case .bid(let bid) = answer else {
                bids[key] = .some(nil)
                continue
            }
            bids[key] = bid
        }
        return bids
    }

    /// Hours between exchange auction rounds: each round sells the impressions of its hours.
    static let exchangeRoundHours = 2

    /// Impressions of `avails` falling in hours `hour..<hour + count`, by cumulative rounding of
    /// the hour weights (a day's batches sum exactly to the daily avails).
    static func hourlyShare(of avails: Int64, hour: Int, count: Int = 1) -> Int64 {
        var before: Int64 = 0
        for index in 0..<hour { before += hourWeights[index] }
        var after = before
        for index in hour..<hour + count { after += hourWeights[index] }
        return avails * after / hourWeightTotal - avails * before / hourWeightTotal
    }

    func runAuction(product: ProductSpec, day: Int, hour: Int, prefetched: [Int: Micros?]) {
        let auction = state.nextAuction
        state.nextAuction += 1
        let batch = Self.hourlyShare(
            of: product.dailyAvails, hour: hour, count: Self.exchangeRoundHours)
        let dealType: DealType = product.supports(.openAuction) ? .openAuction : .privateAuction
        // The request states the reserve: the floor, or the floor grossed up by the seller's fee.
        let floor = state.floors.floor(product.floorCPM, product: product.index)
        var reserve = config.reserve(floor: floor, seller: product.seller)
        if canary == .floorAsReserve && config.feeAwareReserve { reserve = floor }
        state.floors.offer(product: product.index, batch)
        emit(
            .bidRequest(
                BidRequest(
                    auction: auction, product: product.index, impressions: batch,
                    floorCPM: reserve, dealType: dealType)))
        var bidders: [(campaign: Int, want: Int64)] = []
        var bids: [Int64] = []
        var shadingLevels: [Int] = []
        for campaignIndex in market.campaignsByChannel[Int(product.channel.rawValue)] {
            let campaign = market.campaigns[campaignIndex]
            guard day >= campaign.startDay, day <= campaign.endDay else { continue }
            let runtime = state.campaigns[campaignIndex]
            let want = auctionWant(campaignIndex, hour: hour)
            guard want > 0 else { continue }
            let decided: Micros?
            if !prefetched.isEmpty,
                let answered = prefetched[product.index * market.campaigns.count + campaignIndex]
            {
                decided = answered
            } else {
                decided = decideAuctionBid(
                    campaign: campaign, product: product,
                    randomBits: randomBits(
                        Self.purposeAuctionBid, UInt64(auction), UInt64(campaignIndex)))
            }
            guard var bid = decided else { continue }
            var level = 0
            if state.shading.isActive {
                level = state.shading.level(
                    campaign: campaignIndex,
                    randomBits: randomBits(
                        Self.purposeShading, UInt64(auction), UInt64(campaignIndex)))
                bid = BidShading.shade(bid, level: level, reserve: reserve)
            }
            let affordable = (campaign.budget - runtime.committed).raw * 1_000 / bid.raw
            guard affordable >= 1_000 else { continue }
            emit(.bid(Bid(auction: auction, campaign: campaignIndex, cpm: bid, impressions: want)))
            bidders.append((campaignIndex, want))
            bids.append(bid.raw)
            shadingLevels.append(level)
        }
        let entered = bidders.map(\.campaign)
        defer {
            if state.shading.isActive {
                for (campaign, level) in zip(entered, shadingLevels) {
                    state.shading.record(
                        campaign: campaign, level: level,
                        won: !bidders.contains { $0.campaign == campaign })
                }
            }
        }
        if config.mechanism == .vcg {
            sellAtUniformPrice(
                auction: auction, product: product, day: day, dealType: dealType, batch: batch,
                reserve: reserve, bidders: bidders, bids: bids)
            return
        }
        // The batch is sold in ranks: the best bid takes what it wants, the rest of the batch goes
        // to the best remaining bid, and so on (each pays the next bid below it, or the floor:
        // GSP over lots, which is second price for the first lot).
        var remaining = batch
        var cleared = false
        while remaining >= Self.minimumLot, !bids.isEmpty {
            let result = bids.withUnsafeBufferPointer {
                SingleItemAuction.clear(
                    bids: $0, reserve: reserve.raw, mechanism: config.mechanism,
                    lastWinsTies: canary == .flipTieBreak)
            }
            guard let winnerIndex = result.winner else { break }
            var price = Micros(result.price)
            if canary == .chargeAboveBid && state.deals.isEmpty {
                price = Micros(bids[winnerIndex] + 10_000)
            }
            let sold = sell(
                auction: auction, product: product, day: day, dealType: dealType,
                remaining: remaining,
                winner: bidders[winnerIndex], price: price, second: Micros(result.secondBid),
                bidders: bids.count)
            remaining -= sold
            cleared = true
            bidders.remove(at: winnerIndex)
            bids.remove(at: winnerIndex)
        }
        if !cleared {
            emit(
                .auctionCleared(
                    AuctionCleared(
                        auction: auction, winner: 0, priceCPM: .zero, impressions: 0,
                        bidders: Int64(bids.count), secondCPM: .zero, mechanism: config.mechanism)))
        }
    }

    /// VCG with the batch's lots as identical units and unit-demand bidders: lots go in rank
    /// order (a lot is what the bidder wants and can afford at its bid); every winner pays the
    /// highest losing bid, or the floor.
    func sellAtUniformPrice(
        auction: Int, product: ProductSpec, day: Int, dealType: DealType, batch: Int64,
        reserve: Micros, bidders: [(campaign: Int, want: Int64)], bids: [Int64]
    ) {
        let order = bids.indices.filter { bids[$0] >= reserve.raw }
            .sorted { bids[$0] != bids[$1] ? bids[$0] > bids[$1] : $0 < $1 }
        var remaining = batch
        var lots: [(index: Int, impressions: Int64)] = []
        var firstLoser: Int?
        for index in order {
            let campaign = bidders[index].campaign
            let affordable =
                (market.campaigns[campaign].budget - state.campaigns[campaign].committed).raw
                * 1_000 / bids[index]
            let lot = min(remaining, bidders[index].want, affordable)
            if remaining >= Self.minimumLot && lot > 0 {
                lots.append((index, lot))
                remaining -= lot
            } else if firstLoser == nil {
                firstLoser = index
            }
        }
        guard !lots.isEmpty else {
            emit(
                .auctionCleared(
                    AuctionCleared(
                        auction: auction, winner: 0, priceCPM: .zero, impressions: 0,
                        bidders: Int64(bids.count), secondCPM: .zero, mechanism: config.mechanism)))
            return
        }
        let losing = Micros(firstLoser.map { bids[$0] } ?? 0)
        let price = max(losing, reserve)
        for lot in lots {
            _ = sell(
                auction: auction, product: product, day: day, dealType: dealType,
                remaining: lot.impressions,
                winner: bidders[lot.index], price: price, second: losing, bidders: bids.count)
        }
    }

    /// The smallest lot the exchange sells.
    static let minimumLot = TradingRules.minimumExchangeLot

    /// Sells part of a batch to one winner: deal, delivery and settlement. Returns impressions sold.
    func sell(
        auction: Int, product: ProductSpec, day: Int, dealType: DealType, remaining: Int64,
        winner: (campaign: Int, want: Int64), price: Micros, second: Micros, bidders: Int
    ) -> Int64 {
        let campaign = winner.campaign
        let remainingBudget =
            market.campaigns[campaign].budget - state.campaigns[campaign].committed
        let impressions = min(remaining, winner.want, remainingBudget.raw * 1_000 / price.raw)
        emit(
            .auctionCleared(
                AuctionCleared(
                    auction: auction, winner: campaign + 1, priceCPM: price,
                    impressions: impressions,
                    bidders: Int64(bidders), secondCPM: second, mechanism: config.mechanism)))
        let deal = openDeal(
            campaign: campaign, product: product.index, impressions: impressions, buyerCPM: price,
            sellerCPM: price, dealType: dealType, origin: .auction, originID: auction, endDay: day)
        let served = impressions * product.reliabilityPermille / 1_000
        if !(canary == .dropEvent && deal == 0) {
            emit(
                .delivery(
                    Delivery(
                        deal: deal, planned: impressions, served: served, buyerCounted: served,
                        sellerCounted: served)))
        }
        recordServed(deal: deal, planned: impressions, served: served)
        state.campaigns[campaign].boughtToday += impressions
        state.floors.sell(product: product.index, impressions)
        var paid = Micros.cost(impressions: served, cpm: price)
        if canary == .overspend && deal == 0 { paid += market.campaigns[campaign].budget }
        let rate = config.feeRate(buyer: market.campaigns[campaign].buyer, seller: product.seller)
        let fee =
            canary == .feeRounding
            ? Micros(paid.raw * rate.ppm / 1_000_000) : rate.apply(to: paid)
        state.campaigns[campaign].committed += paid
        settle(deal: deal, buyerPaid: paid, fee: fee, disputed: .zero)
        return impressions
    }

    /// Creates a deal, emits it and reserves its budget (B and C: the contract value).
    @discardableResult
    func openDeal(
        campaign: Int, product: Int, impressions: Int64, buyerCPM: Micros, sellerCPM: Micros,
        dealType: DealType, origin: DealOrigin, originID: Int, endDay: Int
    ) -> Int {
        let id = state.deals.count
        state.deals.append(
            DealState(
                id: id, campaign: campaign, product: product, impressions: impressions,
                buyerCPM: buyerCPM, sellerCPM: sellerCPM, dealType: dealType, endDay: endDay))
        emit(
            .dealAgreed(
                DealAgreed(
                    deal: id, campaign: campaign, product: product, impressions: impressions,
                    buyerCPM: buyerCPM,
                    sellerCPM: sellerCPM, dealType: dealType, origin: origin, originID: originID,
                    endDay: endDay)))
        return id
    }

    /// Books served impressions against a deal, its campaign and its product.
    func recordServed(deal: Int, planned: Int64, served: Int64) {
        state.deals[deal].served += served
        let campaign = state.deals[deal].campaign
        let product = state.deals[deal].product
        state.campaigns[campaign].served += served
        state.products[product].servedThisPeriod += served
        state.products[product].plannedTotal += planned
        state.products[product].servedTotal += served
    }

    /// Pays a deal: the buyer pays, the intermediary keeps `fee`, the seller gets the rest.
    func settle(deal: Int, buyerPaid: Micros, fee: Micros, disputed: Micros) {
        state.deals[deal].settled = true
        state.campaigns[state.deals[deal].campaign].paid += buyerPaid
        emit(
            .settlement(
                Settlement(
                    deal: deal, buyerPaid: buyerPaid, sellerReceived: buyerPaid - fee, fee: fee,
                    disputed: disputed)))
    }
}
