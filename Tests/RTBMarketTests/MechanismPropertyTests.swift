import Testing
import RTBCore
import RTBEvents
@testable import RTBMarket
import RTBTrace

/// A random auction: values (= truthful bids), a reserve and the items on sale.
struct AuctionInstance: CustomStringConvertible {
    var values: [Int64]
    var reserve: Int64
    var items: AuctionItems

    var truthfulBids: [SealedBid] {
        values.enumerated().map { SealedBid(bidder: $0.offset, amount: $0.element) }
    }
    var description: String { "values \(values), reserve \(reserve), items \(items)" }

    static func random(_ stream: inout RandomStream, items: AuctionItems) -> AuctionInstance {
        let count = stream.int(in: 1...6)
        // Few distinct values so that ties happen often.
        let values = (0..<count).map { _ in stream.int(in: 1...40 as ClosedRange<Int64>) * 100 }
        return AuctionInstance(
            values: values,
            reserve: stream.chance(0.5) ? 0 : stream.int(in: 1...20 as ClosedRange<Int64>) * 100,
            items: items)
    }

    static func randomSlots(_ stream: inout RandomStream) -> AuctionItems {
        var weights: [Int64] = [1_000]
        for _ in 0..<stream.int(in: 0...3) {
            weights.append(
                weights.last! * stream.int(in: 300...1_000 as ClosedRange<Int64>) / 1_000)
        }
        return .slots(weightsPermille: weights.map { max($0, 1) })
    }
}

/// Properties of a mechanism on one instance; each returns a counterexample or nil.
enum MechanismProperties {
    /// No bidder gains by bidding anything on a grid (other bids, +-1, 0, multiples) instead of
    /// its value.
    static func truthfulness(_ mechanism: any AuctionMechanism, _ instance: AuctionInstance) throws
        -> String?
    {
        let truthful = try mechanism.clear(
            instance.truthfulBids, items: instance.items, reserve: instance.reserve)
        for (bidder, value) in instance.values.enumerated() {
            let honest = mechanism.utility(
                of: bidder, value: value, awards: truthful, items: instance.items)
            var grid: [Int64] = [
                0, 1, value / 2, value - 1, value + 1, value * 2, instance.reserve,
                instance.reserve - 1,
            ]
            for other in instance.values { grid += [other - 1, other, other + 1] }
            for alternative in grid where alternative >= 0 && alternative != value {
                var bids = instance.truthfulBids
                bids[bidder].amount = alternative
                let awards = try mechanism.clear(
                    bids, items: instance.items, reserve: instance.reserve)
                let gained = mechanism.utility(
                    of: bidder, value: value, awards: awards, items: instance.items)
                if gained > honest {
                    return
                        "\(instance): bidder \(bidder) (value \(value)) gains \(gained - honest) by bidding \(alternative)"
                }
            }
        }
        return nil
    }

    /// Truthful bidders never pay more than their value.
    static func individualRationality(
        _ mechanism: any AuctionMechanism, _ instance: AuctionInstance
    ) throws -> String? {
        let awards = try mechanism.clear(
            instance.truthfulBids, items: instance.items, reserve: instance.reserve)
        for award in awards
        where award.payment > instance.items.weight(award.slot) * instance.values[award.bidder] {
            return "\(instance): bidder \(award.bidder) pays \(award.pricePerUnit) above its value"
        }
        return nil
    }

    /// The allocation maximises welfare (sum of weight x value, bidders at or above the
    /// reserve), checked against brute force over every assignment.
    static func efficiency(_ mechanism: any AuctionMechanism, _ instance: AuctionInstance) throws
        -> String?
    {
        let awards = try mechanism.clear(
            instance.truthfulBids, items: instance.items, reserve: instance.reserve)
        let values = Dictionary(
            uniqueKeysWithValues: instance.values.enumerated().map { ($0.offset, $0.element) })  // determinism-ok: test lookups
        let achieved = mechanism.welfare(awards: awards, values: values, items: instance.items)
        let eligible = instance.values.indices.filter { instance.values[$0] >= instance.reserve }
        var best: Int64 = 0
        func assign(_ slot: Int, _ used: [Int], _ total: Int64) {
            best = max(best, total)
            guard slot < instance.items.count else { return }
            for bidder in eligible where !used.contains(bidder) {
                assign(
                    slot + 1, used + [bidder],
                    total + instance.items.weight(slot) * instance.values[bidder])
            }
        }
        assign(0, [], 0)
        return achieved == best ? nil : "\(instance): welfare \(achieved), best possible \(best)"
    }
}

/// A mechanism that breaks one property on purpose: each property test must reject it.
struct BrokenMechanism: AuctionMechanism {
    enum Fault { case chargesOwnBidPlusOne, givesToLowestEligible }
    let fault: Fault
    let name = "broken"

    func clear(_ bids: [SealedBid], items: AuctionItems, reserve: Int64) throws(MechanismError)
        -> [Award]
    {
        let order = try ranked(bids, reserve: reserve)
        guard let first = order.first, let last = order.last else { return [] }
        switch fault {
        case .chargesOwnBidPlusOne:
            return [Award(bidder: first.bidder, slot: 0, pricePerUnit: first.amount + 1)]  // overcharges
        case .givesToLowestEligible:
            return [Award(bidder: last.bidder, slot: 0, pricePerUnit: reserve)]
        }
    }
}

func instances(_ count: Int, seed: UInt64, items: (inout RandomStream) -> AuctionItems)
    -> [AuctionInstance]
{
    var stream = RandomStream(seed: seed, key: StreamKey("mechanism-properties"))
    return (0..<count).map { _ in
        let chosen = items(&stream)
        return AuctionInstance.random(&stream, items: chosen)
    }
}

@Test func vickreyIsTruthfulIndividuallyRationalAndEfficient() throws {
    for instance in instances(3_000, seed: 1, items: { _ in .single }) {
        for property in [
            MechanismProperties.truthfulness, MechanismProperties.individualRationality,
            MechanismProperties.efficiency,
        ] {
            let counterexample = try property(VickreyAuction(), instance)
            #expect(counterexample == nil, "\(counterexample ?? "")")
        }
    }
}

@Test func vcgIsTruthfulAndMaximisesWelfareForSlotsAndUnits() throws {
    let slotInstances = instances(2_000, seed: 2) { AuctionInstance.randomSlots(&$0) }
    let unitInstances = instances(2_000, seed: 3) { .units($0.int(in: 1...3)) }
    for instance in slotInstances + unitInstances {
        for property in [
            MechanismProperties.truthfulness, MechanismProperties.individualRationality,
            MechanismProperties.efficiency,
        ] {
            let counterexample = try property(VCGAuction(), instance)
            #expect(counterexample == nil, "\(counterexample ?? "")")
        }
    }
}

@Test func vcgPricesMatchTheTextbookExample() throws {
    // Two slots (1.0 and 0.5 per mille of clicks), bids 10, 6, 4 per click.
    let awards = try VCGAuction().clear(
        [
            SealedBid(bidder: 0, amount: 1_000), SealedBid(bidder: 1, amount: 600),
            SealedBid(bidder: 2, amount: 400),
        ],
        items: .slots(weightsPermille: [1_000, 500]), reserve: 0)
    // Slot 2 pays 4; slot 1 pays ((1 - 0.5) x 6 + 0.5 x 4) / 1 = 5. GSP would charge 6 and 4.
    #expect(awards.map(\.bidder) == [0, 1])
    #expect(awards.map(\.pricePerUnit) == [500, 400])
    #expect(awards.map(\.payment) == [500_000, 200_000])
    let gsp = try GeneralizedSecondPrice().clear(
        [
            SealedBid(bidder: 0, amount: 1_000), SealedBid(bidder: 1, amount: 600),
            SealedBid(bidder: 2, amount: 400),
        ],
        items: .slots(weightsPermille: [1_000, 500]), reserve: 0)
    #expect(gsp.map(\.pricePerUnit) == [600, 400])
}

/// GSP and first price are not truthful: a counterexample exists and the search finds one.
@Test func gspAndFirstPriceAreShownNotTruthful() throws {
    let gsp = try instances(2_000, seed: 4) { AuctionInstance.randomSlots(&$0) }.lazy
        .compactMap { try MechanismProperties.truthfulness(GeneralizedSecondPrice(), $0) }.first
    #expect(gsp != nil)
    let firstPrice = try instances(500, seed: 5, items: { _ in .single }).lazy
        .compactMap { try MechanismProperties.truthfulness(FirstPriceAuction(), $0) }.first
    #expect(firstPrice != nil)
    // Both stay individually rational and efficient.
    for instance in instances(500, seed: 6, items: { _ in .single }) {
        #expect(try MechanismProperties.individualRationality(FirstPriceAuction(), instance) == nil)
        #expect(try MechanismProperties.efficiency(FirstPriceAuction(), instance) == nil)
    }
}

/// Every property rejects a mechanism broken in its way: the tests can fail.
@Test func brokenMechanismsAreRejected() throws {
    let single = instances(500, seed: 7, items: { _ in .single })
    let overcharging = BrokenMechanism(fault: .chargesOwnBidPlusOne)
    let misallocating = BrokenMechanism(fault: .givesToLowestEligible)
    #expect(
        try single.contains {
            try MechanismProperties.individualRationality(overcharging, $0) != nil
        })
    #expect(try single.contains { try MechanismProperties.truthfulness(overcharging, $0) != nil })
    #expect(try single.contains { try MechanismProperties.efficiency(misallocating, $0) != nil })
    #expect(try single.contains { try MechanismProperties.truthfulness(misallocating, $0) != nil })
}

@Test func unsupportedInputsAreClearErrors() {
    let bids = [SealedBid(bidder: 0, amount: 5)]
    #expect(throws: MechanismError.unsupportedItems(mechanism: "second-price", items: "units(2)")) {
        try VickreyAuction().clear(bids, items: .units(2), reserve: 0)
    }
    #expect(
        throws: MechanismError.invalidWeights("weights must not increase with the slot (slot 1)")
    ) {
        try VCGAuction().clear(bids, items: .slots(weightsPermille: [500, 900]), reserve: 0)
    }
    #expect(throws: MechanismError.negativeBid(bidder: 0)) {
        try VCGAuction().clear([SealedBid(bidder: 0, amount: -1)], items: .single, reserve: 0)
    }
    #expect(throws: MechanismError.duplicateBidder(0)) {
        try FirstPriceAuction().clear(bids + bids, items: .single, reserve: 0)
    }
    #expect(throws: MechanismError.self) {
        try GeneralizedSecondPrice().clear(bids, items: .units(3), reserve: 0)
    }
}

/// The engine's fast single-item path agrees with the protocol implementations.
@Test func theEnginesFastPathAgreesWithTheMechanisms() throws {
    for instance in instances(2_000, seed: 8, items: { _ in .single }) {
        for (code, mechanism) in [
            (Mechanism.firstPrice, FirstPriceAuction() as any AuctionMechanism),
            (.secondPrice, VickreyAuction()),
        ] {
            let fast = SingleItemAuction.clear(
                bids: instance.values, reserve: instance.reserve, mechanism: code)
            let slow = try mechanism.clear(
                instance.truthfulBids, items: .single, reserve: instance.reserve)
            #expect(fast.winner == slow.first?.bidder)
            if let award = slow.first { #expect(fast.price == award.pricePerUnit) }
        }
    }
}
