import RTBCore
import RTBEvents
import RTBTrace

/// A campaign's running totals in the current scenario.
struct CampaignRuntime: Equatable, Sendable {
    /// Budget reserved: contract values plus open-traffic spend (the buyer's finance guard).
    var committed = Micros.zero
    /// Money paid out.
    var paid = Micros.zero
    /// Impressions bought one at a time from open traffic or direct offers.
    var openServed: Int64 = 0
    /// Impressions actually served.
    var served: Int64 = 0
    /// Scenario A pacing: impressions wanted today and bought today.
    var dailyTarget: Int64 = 0
    var boughtToday: Int64 = 0
}

/// A product's running totals in the current scenario.
struct ProductRuntime: Equatable, Sendable {
    /// Impressions sold or served in the current hour (A) or delivery round (B and C).
    var servedThisPeriod: Int64 = 0
    /// Delivery history: planned and served impressions (the truth behind history claims).
    var plannedTotal: Int64 = 0
    var servedTotal: Int64 = 0
}

/// A deal's terms and running delivery.
struct DealState: Equatable, Sendable {
    var id: Int
    var campaign: Int
    var product: Int
    var impressions: Int64
    var buyerCPM: Micros
    var sellerCPM: Micros
    var dealType: DealType
    var endDay: Int
    var served: Int64 = 0
    var settled = false
}

/// Where a negotiation stands.
enum NegotiationStatus: UInt8, Sendable {
    case requested = 0
    case offered = 1
    case countered = 2
    case closed = 3
}

/// A negotiation's request, the seller's true and claimed answer, and any counter.
struct NegotiationState: Equatable, Sendable {
    var id: Int
    var campaign: Int
    var product: Int
    var requested: Int64
    var maxCPM: Micros
    var status = NegotiationStatus.requested
    var trueCPM = Micros.zero
    var claimedCPM = Micros.zero
    var trueImpressions: Int64 = 0
    var claimedImpressions: Int64 = 0
    var dealType = DealType.preferredDeal
    var counterCPM = Micros.zero
}

/// Everything the engine needs to continue a run; checkpoints store its canonical bytes.
struct EngineState: Equatable, Sendable {
    /// Index into `config.scenarios` of the scenario running (== count when the run is done).
    var scenarioIndex = 0
    /// Sequence number of the current scenario's first event.
    var scenarioFirstSequence: UInt64 = 0
    /// Kill records (excluded from the market digest) emitted in the current scenario.
    var killRecords: UInt64 = 0
    /// Tick of the action being processed.
    var now: Int64 = 0
    var scheduler = Scheduler()
    var campaigns: [CampaignRuntime] = []
    var products: [ProductRuntime] = []
    var deals: [DealState] = []
    var negotiations: [NegotiationState] = []
    var nextAuction = 0
    var nextLedgerEntry = 0
    /// Agent memories: buyers first, then sellers.
    var memories: [AgentMemory] = []
    /// Scenario B: each agent's private store (its memory at the start of the day).
    var privateStore: [AgentMemory] = []
    /// Scenario C: sequence number of each agent's last ledger snapshot (UInt64.max = none).
    var lastSnapshot: [UInt64] = []
    /// Metrics of finished scenarios and the current one.
    var metrics: [ScenarioMetrics] = []
    /// Scenario A under first price with `bid_shading`: what each campaign learned (else empty).
    var shading = BidShading(campaigns: 0)
    /// Scenario A with `adaptive_floors`: each product's floor factor and today's counts.
    var floors = AdaptiveFloors(products: 0)
}

extension EngineState {
    func encode(into writer: inout CanonicalWriter) {
        writer.varint(scenarioIndex)
        writer.varint(scenarioFirstSequence)
        writer.varint(killRecords)
        writer.varint(UInt64(now))
        scheduler.encode(into: &writer)
        writer.varint(campaigns.count)
        for campaign in campaigns {
            for value in [
                campaign.committed.raw, campaign.paid.raw, campaign.openServed, campaign.served,
                campaign.dailyTarget,
                campaign.boughtToday,
            ] { writer.signedVarint(value) }
        }
        writer.varint(products.count)
        for product in products {
            for value in [
                product.servedThisPeriod, product.plannedTotal,
                product.servedTotal,
            ] { writer.signedVarint(value) }
        }
        writer.varint(deals.count)
        for deal in deals {
            writer.varint(deal.campaign)
            writer.varint(deal.product)
            for value in [deal.impressions, deal.buyerCPM.raw, deal.sellerCPM.raw, deal.served] {
                writer.signedVarint(value)
            }
            writer.u8(deal.dealType.rawValue)
            writer.varint(deal.endDay)
            writer.bool(deal.settled)
        }
        writer.varint(negotiations.count)
        for negotiation in negotiations {
            writer.varint(negotiation.campaign)
            writer.varint(negotiation.product)
            writer.u8(negotiation.status.rawValue)
            writer.u8(negotiation.dealType.rawValue)
            for value in [
                negotiation.requested, negotiation.maxCPM.raw, negotiation.trueCPM.raw,
                negotiation.claimedCPM.raw, negotiation.trueImpressions,
                negotiation.claimedImpressions, negotiation.counterCPM.raw,
            ] {
                writer.signedVarint(value)
            }
        }
        writer.varint(nextAuction)
        writer.varint(nextLedgerEntry)
        for list in [memories, privateStore] {
            writer.varint(list.count)
            for memory in list { memory.encode(into: &writer) }
        }
        writer.varint(lastSnapshot.count)
        for sequence in lastSnapshot { writer.u64(sequence) }
        writer.varint(metrics.count)
        for scenarioMetrics in metrics { scenarioMetrics.encode(into: &writer) }
        shading.encode(into: &writer)
        floors.encode(into: &writer)
    }

    static func decode(from reader: inout CanonicalReader) throws(CanonicalError) -> EngineState {
        var state = EngineState()
        state.scenarioIndex = try reader.int()
        state.scenarioFirstSequence = try reader.varint()
        state.killRecords = try reader.varint()
        state.now = try reader.int64()
        state.scheduler = try Scheduler.decode(from: &reader)
        for _ in 0..<(try reader.count()) {
            state.campaigns.append(
                CampaignRuntime(
                    committed: Micros(try reader.signedVarint()),
                    paid: Micros(try reader.signedVarint()),
                    openServed: try reader.signedVarint(), served: try reader.signedVarint(),
                    dailyTarget: try reader.signedVarint(),
                    boughtToday: try reader.signedVarint()))
        }
        for _ in 0..<(try reader.count()) {
            state.products.append(
                ProductRuntime(
                    servedThisPeriod: try reader.signedVarint(),
                    plannedTotal: try reader.signedVarint(), servedTotal: try reader.signedVarint())
            )
        }
        for id in 0..<(try reader.count()) {
            let campaign = try reader.int()
            let product = try reader.int()
            let impressions = try reader.signedVarint()
            let buyerCPM = Micros(try reader.signedVarint())
            let sellerCPM = Micros(try reader.signedVarint())
            let served = try reader.signedVarint()
            state.deals.append(
                DealState(
                    id: id, campaign: campaign, product: product, impressions: impressions,
                    buyerCPM: buyerCPM,
                    sellerCPM: sellerCPM, dealType: try reader.enumeration(DealType.self),
                    endDay: try reader.int(),
                    served: served, settled: try reader.bool()))
        }
        for id in 0..<(try reader.count()) {
            let campaign = try reader.int()
            let product = try reader.int()
            let statusAt = reader.offset
            guard let status = NegotiationStatus(rawValue: try reader.u8()) else {
                throw .invalidTag(offset: statusAt, tag: 0, type: "negotiation status")
            }
            let dealType = try reader.enumeration(DealType.self)
            var negotiation = NegotiationState(
                id: id, campaign: campaign, product: product, requested: try reader.signedVarint(),
                maxCPM: Micros(try reader.signedVarint()))
            negotiation.status = status
            negotiation.dealType = dealType
            negotiation.trueCPM = Micros(try reader.signedVarint())
            negotiation.claimedCPM = Micros(try reader.signedVarint())
            negotiation.trueImpressions = try reader.signedVarint()
            negotiation.claimedImpressions = try reader.signedVarint()
            negotiation.counterCPM = Micros(try reader.signedVarint())
            state.negotiations.append(negotiation)
        }
        state.nextAuction = try reader.int()
        state.nextLedgerEntry = try reader.int()
        for _ in 0..<(try reader.count()) { state.memories.append(try AgentMemory(from: &reader)) }
        for _ in 0..<(try reader.count()) {
            state.privateStore.append(try AgentMemory(from: &reader))
        }
        for _ in 0..<(try reader.count()) { state.lastSnapshot.append(try reader.u64()) }
        for _ in 0..<(try reader.count()) {
            state.metrics.append(try ScenarioMetrics.decode(from: &reader))
        }
        state.shading = try BidShading.decode(from: &reader)
        state.floors = try AdaptiveFloors.decode(from: &reader)
        return state
    }
}
