import RTBCore
import RTBEvents
import RTBTrace

/// End-of-campaign reconciliation. A: the exchange's records are the only books (accepted at
/// once). B: each side bills from its own memory; the discrepancy |b - s| / max(b, s) places the
/// campaign on the public implementation's ladder (<3% accepted in 1 day; <10% negotiated,
/// 7-21 days; <15% disputed 30-60 days, half settle at the seller's figure; <20% disputed 45-90
/// days, 30% settle; otherwise unresolvable after 90 days). C: both read the shared ledger, so
/// the figures agree and settle in 0 days.
extension MarketEngine {
    func reconcile(campaigns: [Int]) {
        for campaignIndex in campaigns {
            let deals = state.deals.filter { $0.campaign == campaignIndex }
            switch rules.reconciliation {
            case .exchangeRecords:
                let total = deals.reduce(Micros.zero) { $0 + state.campaignsPaid(deal: $1) }
                emit(
                    .reconciliation(
                        Reconciliation(
                            campaign: campaignIndex, buyerTotal: total, sellerTotal: total,
                            discrepancyPpm: 0, outcome: .accepted, resolutionDays: 0,
                            disputed: .zero)))
            case .privateBooks:
                reconcileFromBooks(campaignIndex, deals: deals)
            case .sharedLedger:
                let figures = deals.map { Micros.cost(impressions: $0.served, cpm: $0.sellerCPM) }
                let total = figures.reduce(Micros.zero, +)
                emit(
                    .reconciliation(
                        Reconciliation(
                            campaign: campaignIndex, buyerTotal: total, sellerTotal: total,
                            discrepancyPpm: 0, outcome: .accepted, resolutionDays: 0,
                            disputed: .zero)))
                for (deal, amount) in zip(deals, figures) {
                    settle(
                        deal: deal.id, buyerPaid: amount, fee: config.platformFee.apply(to: amount),
                        disputed: .zero)
                }
            }
        }
    }

    func reconcileFromBooks(_ campaignIndex: Int, deals: [DealState]) {
        let buyer = market.campaigns[campaignIndex].buyer
        var buyerFigures: [Micros] = []
        var sellerFigures: [Micros] = []
        for deal in deals {
            let buyerNote = state.memories[buyer].note(of: deal.id)
            let sellerNote = state.memories[config.buyers + market.products[deal.product].seller]
                .note(of: deal.id)
            buyerFigures.append(
                buyerNote.map { Micros.cost(impressions: $0.counted, cpm: $0.cpm) } ?? .zero)
            sellerFigures.append(
                sellerNote.map { Micros.cost(impressions: $0.counted, cpm: $0.cpm) } ?? .zero)
        }
        let buyerTotal = buyerFigures.reduce(Micros.zero, +)
        let sellerTotal = sellerFigures.reduce(Micros.zero, +)
        let larger = max(buyerTotal, sellerTotal)
        let discrepancy =
            larger == .zero
            ? 0
            : RoundingRule.mulDiv(
                (buyerTotal - sellerTotal).raw.magnitude.clampedToInt64, 1_000_000, larger.raw)
        var random = stream("reconcile", UInt64(campaignIndex))
        let (outcome, days, rule) = ReconciliationLadder.classify(
            discrepancyPpm: discrepancy, random: &random)
        var paid: [Micros] = []
        var unresolved = Micros.zero
        var remainingBudget =
            market.campaigns[campaignIndex].budget - state.campaigns[campaignIndex].paid
        for (index, deal) in deals.enumerated() {
            let cap = min(
                Micros.cost(impressions: deal.impressions, cpm: deal.sellerCPM), remainingBudget)
            let amount = min(
                rule.amount(buyer: buyerFigures[index], seller: sellerFigures[index]), cap)
            remainingBudget -= amount
            paid.append(amount)
            if outcome == .unresolvable {
                unresolved += Micros(
                    (buyerFigures[index] - sellerFigures[index]).raw.magnitude.clampedToInt64)
            }
        }
        emit(
            .reconciliation(
                Reconciliation(
                    campaign: campaignIndex, buyerTotal: buyerTotal, sellerTotal: sellerTotal,
                    discrepancyPpm: discrepancy,
                    outcome: outcome, resolutionDays: days, disputed: unresolved)))
        for (index, deal) in deals.enumerated() {
            let disputed =
                outcome == .unresolvable
                ? Micros((buyerFigures[index] - sellerFigures[index]).raw.magnitude.clampedToInt64)
                : .zero
            settle(deal: deal.id, buyerPaid: paid[index], fee: .zero, disputed: disputed)
        }
    }
}

extension EngineState {
    /// What the buyer paid for a settled scenario A deal.
    func campaignsPaid(deal: DealState) -> Micros {
        Micros.cost(impressions: deal.served, cpm: deal.buyerCPM)
    }
}

/// How a deal is paid once its campaign is classified.
public enum SettlementRule: Equatable, Sendable {
    case sellerFigure
    case average
    case lowerFigure

    public func amount(buyer: Micros, seller: Micros) -> Micros {
        switch self {
        case .sellerFigure: return seller
        case .average: return Micros(RoundingRule.mulDiv(buyer.raw + seller.raw, 1, 2))
        case .lowerFigure: return min(buyer, seller)
        }
    }
}

/// The public implementation's reconciliation ladder (scenario B).
public enum ReconciliationLadder {
    /// Class, days to resolution and payment rule for a discrepancy |b - s| / max(b, s) in ppm:
    /// < 3% accepted at the seller's figure in 1 day; < 10% negotiated to the average in 7-21
    /// days; < 15% disputed 30-60 days, then half settle at the seller's figure and half at the
    /// average; < 20% disputed 45-90 days and 30% settle at the average, the rest are
    /// unresolvable; otherwise unresolvable after 90 days (each side keeps the lower figure).
    public static func classify(discrepancyPpm: Int64, random: inout RandomStream)
        -> (ReconciliationOutcome, Int, SettlementRule)
    {
        if discrepancyPpm < 30_000 { return (.accepted, 1, .sellerFigure) }
        if discrepancyPpm < 100_000 { return (.negotiated, random.int(in: 7...21), .average) }
        if discrepancyPpm < 150_000 {
            let days = random.int(in: 30...60)
            return (.disputed, days, random.chance(0.5) ? .sellerFigure : .average)
        }
        if discrepancyPpm < 200_000 && random.chance(0.3) {
            return (.disputed, random.int(in: 45...90), .average)
        }
        return (.unresolvable, 90, .lowerFigure)
    }
}
