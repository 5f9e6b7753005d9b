import RTBCore
import RTBEvents
import RTBTrace

/// Scenarios B and C deliver each order in hourly batches (at hh:30), spreading what remains
/// evenly over the batches left in the order's term, limited by the product's capacity and true reliability. In B
/// each side keeps its own count, which drifts (timing, invalid traffic, viewability, latency,
/// data loss); in C both read the one delivery record in the shared ledger.
extension MarketEngine {
    func deliver(day: Int, round: Int) {
        for index in state.products.indices { state.products[index].servedThisPeriod = 0 }
        let roundsPerDay: Int64 = 24
        for dealIndex in state.deals.indices {
            let deal = state.deals[dealIndex]
            guard !deal.settled, deal.served < deal.impressions, day <= deal.endDay else {
                continue
            }
            let product = market.products[deal.product]
            // A seller that forgot the deal does not deliver it (B; in C memory never stays lost).
            guard state.memories[config.buyers + product.seller].note(of: deal.id) != nil else {
                continue
            }
            let roundsLeft = Int64(deal.endDay - day) * roundsPerDay + roundsPerDay - Int64(round)
            let remaining = deal.impressions - deal.served
            let planned = (remaining + roundsLeft - 1) / roundsLeft
            let capacity = max(
                0,
                product.dailyAvails / roundsPerDay - state.products[product.index].servedThisPeriod)
            let served = min(capacity, planned * product.reliabilityPermille / 1_000)
            var buyerCounted = served
            var sellerCounted = served
            if rules.separateDeliveryCounts && config.bookDrift {
                (buyerCounted, sellerCounted) = divergentCounts(
                    deal: dealIndex, day: day, round: round, served: served)
            }
            sellerCounted = injectDeliveryClaim(
                deal: dealIndex, seller: product.seller, day: day, round: round,
                counted: sellerCounted)
            buyerCounted = injectBuyerDeliveryClaim(
                deal: dealIndex, buyer: market.campaigns[deal.campaign].buyer, day: day,
                round: round, counted: buyerCounted)
            recordServed(deal: dealIndex, planned: planned, served: served)
            emit(
                .delivery(
                    Delivery(
                        deal: dealIndex, planned: planned, served: served,
                        buyerCounted: buyerCounted,
                        sellerCounted: sellerCounted)))
        }
    }

    /// Each side's count of one delivery in B (the public implementation's discrepancy sources).
    func divergentCounts(deal: Int, day: Int, round: Int, served: Int64) -> (
        buyer: Int64, seller: Int64
    ) {
        var random = stream("books", UInt64(deal), UInt64(day), UInt64(round))
        var buyerLossPermille: Int64 = 0
        var sellerLossPermille: Int64 = 0
        if random.chance(0.15) {
            buyerLossPermille += random.int(in: 10...50 as ClosedRange<Int64>)
        }  // timing
        if random.chance(0.20) {
            sellerLossPermille += random.int(in: 20...80 as ClosedRange<Int64>)
        }  // IVT
        if random.chance(0.15) {
            sellerLossPermille += random.int(in: 10...60 as ClosedRange<Int64>)
        }  // viewability
        if random.chance(0.08) {
            buyerLossPermille += random.int(in: 10...30 as ClosedRange<Int64>)
        }  // latency
        if random.chance(0.01 * Double(day)) {  // data loss on one side
            let loss = random.int(in: 1...10 as ClosedRange<Int64>)
            if random.chance(0.5) { buyerLossPermille += loss } else { sellerLossPermille += loss }
        }
        return (
            served * (1_000 - buyerLossPermille) / 1_000,
            served * (1_000 - sellerLossPermille) / 1_000
        )
    }
}
