import RTBCore
import RTBEvents
import RTBTrace

/// Impression-level traffic of the volume profiles, one-minute slices at hh:mm:30.
///
/// The requests (product, user segment) come from a stream keyed by (day, minute) alone, so A,
/// B and C see the same traffic. In A each request is a real auction among the eligible
/// campaigns of the product's channel, each bidding with the profile's bid rate; in B and C the
/// seller offers the impression directly to one eligible campaign at its asking price.
extension MarketEngine {
    static let purposeOpenBid: UInt64 = 0x0BE7_B1D5

    /// Requests in one minute: cumulative rounding of the hour weights, so a day sums exactly.
    static func requestsInMinute(_ minute: Int, perDay: Int64) -> Int64 {
        func cumulative(_ minuteOfDay: Int) -> Int64 {
            let hour = minuteOfDay / 60
            var weight: Int64 = 0
            for index in 0..<hour { weight += hourWeights[index] * 60 }
            if hour < 24 { weight += hourWeights[hour] * Int64(minuteOfDay % 60) }
            return perDay * weight / (hourWeightTotal * 60)
        }
        return cumulative(minute + 1) - cumulative(minute)
    }

    func runTrafficSlice(day: Int, minute: Int) {
        let count = Self.requestsInMinute(minute, perDay: config.volume.requestsPerDay)
        let sliceStart = SimTime.at(day: day).tick + Int64(minute) * SimTime.ticksPerMinute
        var requests = stream("traffic", UInt64(day), UInt64(minute))
        var bidBits = stream("traffic-bids", UInt64(day), UInt64(minute))
        var offerPicks = stream("traffic-offers", UInt64(day), UInt64(minute))
        for request in 0..<count {
            let product = market.products[Int(requests.next(below: UInt64(market.products.count)))]
            let segment = Int(requests.next(below: UInt64(Segments.names.count)))
            let tick = sliceStart + request * SimTime.ticksPerMinute / max(count, 1)
            switch rules.openTraffic {
            case .auction:
                openAuction(
                    product: product, segment: segment, day: day, tick: tick, bits: &bidBits)
            case .directOffer:
                directOffer(product: product, day: day, tick: tick, random: &offerPicks)
            }
        }
        if minute + 1 < 1_440 {
            state.scheduler.schedule(
                .trafficSlice(day: day, minute: minute + 1), at: state.now + SimTime.ticksPerMinute)
        } else if day < config.days {
            state.scheduler.schedule(
                .trafficSlice(day: day + 1, minute: 0), at: state.now + SimTime.ticksPerMinute)
        }
    }

    /// True when a campaign can buy one more impression at up to `cents` CPM.
    @inline(__always)
    func canBuyOne(_ campaign: CampaignSpec, day: Int, cents: Int64) -> Bool {
        day >= campaign.startDay && day <= campaign.endDay
            && (campaign.budget - state.campaigns[campaign.index].committed).raw >= cents * 10
    }

    /// A policy that asks outside answers the bids of one impression together, buyer by buyer
    /// (a source batches one agent's questions into one call): `openBidCampaigns` holds the
    /// campaigns drawn to bid; it and `openBidCents` are left holding the acceptable bids, in
    /// campaign order.
    func askOpenBids(product: ProductSpec, segment: Int, day: Int, tick: Int64, floorCents: Int64) {
        let drawn = openBidCampaigns
        let byBuyer = drawn.indices.sorted {
            (market.campaigns[drawn[$0]].buyer, $0) < (market.campaigns[drawn[$1]].buyer, $1)
        }
        let answers = askBatch(
            byBuyer.map { position in
                let campaign = market.campaigns[drawn[position]]
                return (
                    .openBid(
                        campaign: campaign.index, product: product.index, segment: segment,
                        randomBits: randomBits(
                            Self.purposeOpenBid, UInt64(tick), UInt64(campaign.index))),
                    .buyer(campaign.buyer)
                )
            })
        var cents = [Int64](repeating: 0, count: drawn.count)
        for (position, answer) in zip(byBuyer, answers) {
            if case .cents(let value) = answer { cents[position] = value }
        }
        openBidCampaigns.removeAll(keepingCapacity: true)
        for (campaignIndex, bid) in zip(drawn, cents)
        where bid >= floorCents && canBuyOne(market.campaigns[campaignIndex], day: day, cents: bid)
        {
            openBidCampaigns.append(campaignIndex)
            openBidCents.append(bid)
        }
    }

    func openAuction(
        product: ProductSpec, segment: Int, day: Int, tick: Int64, bits: inout RandomStream
    ) {
        let floorCents = RoundingRule.mulDiv(product.floorCPM.raw, 1, 10_000)
        let chance = config.volume.bidChance65536
        var word: UInt64 = 0
        var bitsLeft = 0
        openBidCampaigns.removeAll(keepingCapacity: true)
        openBidCents.removeAll(keepingCapacity: true)
        for campaignIndex in market.campaignsByChannel[Int(product.channel.rawValue)] {
            if bitsLeft == 0 {
                word = bits.next()
                bitsLeft = 4
            }
            let draw = word & 0xFFFF
            word >>= 16
            bitsLeft -= 1
            guard draw < chance else { continue }
            let campaign = market.campaigns[campaignIndex]
            guard !asksOutside else {
                openBidCampaigns.append(campaignIndex)
                continue
            }
            let cents = decideOpenBidCents(
                campaign: campaign, product: product, segment: segment,
                randomBits: randomBits(Self.purposeOpenBid, UInt64(tick), UInt64(campaignIndex)))
            guard cents >= floorCents, canBuyOne(campaign, day: day, cents: cents) else { continue }
            openBidCampaigns.append(campaignIndex)
            openBidCents.append(cents)
        }
        if asksOutside {
            askOpenBids(
                product: product, segment: segment, day: day, tick: tick, floorCents: floorCents)
        }
        let result = openBidCents.withUnsafeBufferPointer {
            SingleItemAuction.clear(
                bids: $0, reserve: floorCents, mechanism: config.mechanism,
                lastWinsTies: canary == .flipTieBreak)
        }
        var fee = Micros.zero
        var winnerCampaign: Int?
        if let winner = result.winner {
            let campaignIndex = openBidCampaigns[winner]
            let cost = Micros(result.price * 10)
            fee = config.feeRate(
                buyer: market.campaigns[campaignIndex].buyer, seller: product.seller
            ).apply(to: cost)
            buyOne(campaignIndex, cost: cost)
            winnerCampaign = campaignIndex
        }
        let scenarioCode = scenario.rawValue
        let winnerField = result.winner.map { UInt64($0 + 1) } ?? 0
        let price = result.winner == nil ? 0 : result.price
        log.appendEncoded { writer in
            writer.u8(EventKind.openAuction.rawValue | scenarioCode << 6)
            writer.varint(UInt64(tick))
            writer.varint(UInt64(product.index))
            writer.varint(UInt64(floorCents))
            writer.varint(UInt64(openBidCampaigns.count))
            for index in openBidCampaigns.indices {
                writer.varint(UInt64(openBidCampaigns[index]))
                writer.varint(UInt64(openBidCents[index]))
            }
            writer.varint(winnerField)
            writer.varint(UInt64(price))
            writer.varint(UInt64(fee.raw))
        }
        state.metrics[state.metrics.count - 1].observeOpenAuction(
            winnerCampaign: winnerCampaign, priceCents: price, fee: fee)
    }

    func directOffer(product: ProductSpec, day: Int, tick: Int64, random: inout RandomStream) {
        let campaigns = market.campaignsByChannel[Int(product.channel.rawValue)]
        guard !campaigns.isEmpty else { return }
        let campaign = market.campaigns[campaigns[Int(random.next(below: UInt64(campaigns.count)))]]
        let ask = decideDirectAskCents(product: product)
        let accepted =
            ask * 10_000 <= campaign.maxCPM.raw && canBuyOne(campaign, day: day, cents: ask)
        if accepted { buyOne(campaign.index, cost: Micros(ask * 10)) }
        let scenarioCode = scenario.rawValue
        log.appendEncoded { writer in
            writer.u8(EventKind.directOffer.rawValue | scenarioCode << 6)
            writer.varint(UInt64(tick))
            writer.varint(UInt64(product.index))
            writer.varint(UInt64(campaign.index))
            writer.varint(UInt64(ask))
            writer.bool(accepted)
        }
        state.metrics[state.metrics.count - 1].observeDirectOffer(
            campaign: campaign.index, cents: ask, accepted: accepted)
    }

    func buyOne(_ campaign: Int, cost: Micros) {
        state.campaigns[campaign].committed += cost
        state.campaigns[campaign].paid += cost
        state.campaigns[campaign].served += 1
        state.campaigns[campaign].openServed += 1
    }
}
