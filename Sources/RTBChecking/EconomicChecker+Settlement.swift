import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

/// Money: settlements (fee rule, payment for delivery, budgets), shared-ledger entry costs and
/// the reconciliation ladder.
extension EconomicChecker {
    func observeSettlement(_ settlement: Settlement, _ sequence: UInt64) {
        guard settlement.deal < deals.count else { return }
        let deal = deals[settlement.deal]
        check(
            .moneyConservedPerSettlement,
            settlement.buyerPaid == settlement.sellerReceived.saturatingPlus(settlement.fee),
            sequence,
            "deal \(settlement.deal): buyer paid \(settlement.buyerPaid), seller got \(settlement.sellerReceived), fee \(settlement.fee)"
        )
        guard let rules = TradingRules.of(scenario) else {
            check(.feeRule, false, sequence, "a settlement outside any trading model")
            return
        }
        let expectedFee: Micros
        switch rules.fee {
        case .exchangeRate:
            let buyer = deal.campaign < campaigns.count ? campaigns[deal.campaign].buyer.index : 0
            let seller = deal.product < products.count ? products[deal.product].seller.index : 0
            expectedFee = config.feeRate(buyer: buyer, seller: seller).apply(
                to: settlement.buyerPaid)
        case .platformRate: expectedFee = config.platformFee.apply(to: settlement.buyerPaid)
        case .none: expectedFee = .zero
        }
        check(
            .feeRule, settlement.fee == expectedFee, sequence,
            "deal \(settlement.deal): fee \(settlement.fee) on \(settlement.buyerPaid), expected \(expectedFee)"
        )
        switch rules.settlement {
        case .atMostContractValue:
            let cap = Micros.saturatingCost(
                impressions: deal.impressions, cpm: max(deal.buyerCPM, deal.sellerCPM))
            check(
                .paidForDelivered, settlement.buyerPaid <= cap, sequence,
                "deal \(settlement.deal): paid \(settlement.buyerPaid) above the contract value \(cap)"
            )
        case .servedAtBuyerPrice, .servedAtSellerPrice:
            let owed = Micros.saturatingCost(
                impressions: deal.served,
                cpm: rules.settlement == .servedAtBuyerPrice ? deal.buyerCPM : deal.sellerCPM)
            check(
                .paidForDelivered, settlement.buyerPaid == owed, sequence,
                "deal \(settlement.deal): paid \(settlement.buyerPaid) for \(deal.served) served impressions worth \(owed)"
            )
        }
        pay(deal.campaign, settlement.buyerPaid, sequence)
        day.add(
            buyers: settlement.buyerPaid, sellers: settlement.sellerReceived, fees: settlement.fee)
    }

    func observeLedgerEntry(_ entry: LedgerEntry, _ sequence: UInt64) {
        let matches =
            previous.map {
                $0.kind.rawValue == UInt8(truncatingIfNeeded: entry.recordedKind)
                    && $0.size == Int(entry.sizeBytes)
            } ?? false
        check(
            .ledgerEntryCost,
            matches && entry.cost == LedgerCostModel.cost(bytes: Int(entry.sizeBytes)), sequence,
            "entry \(entry.entry): kind \(entry.recordedKind), \(entry.sizeBytes) bytes, cost \(entry.cost); preceding event \(previous.map { "\($0.kind) of \($0.size) bytes" } ?? "none")"
        )
        day.ledger = day.ledger.saturatingPlus(entry.cost.raw)
        if entry.payer.kind == .buyer {
            day.add(buyers: entry.cost)
        } else {
            day.add(sellers: Micros(-entry.cost.raw))
        }
    }

    func observeReconciliation(_ result: Reconciliation, _ sequence: UInt64, scenario: Scenario) {
        let larger = max(result.buyerTotal, result.sellerTotal)
        let discrepancy =
            larger == .zero
            ? 0
            : RoundingRule.checkedMulDiv(
                result.buyerTotal.raw.saturatingDistance(to: result.sellerTotal.raw), 1_000_000,
                larger.raw) ?? .max
        let allowed: [ReconciliationOutcome]
        switch discrepancy {
        case ..<30_000: allowed = [.accepted]
        case ..<100_000: allowed = [.negotiated]
        case ..<150_000: allowed = [.disputed]
        case ..<200_000: allowed = [.disputed, .unresolvable]
        default: allowed = [.unresolvable]
        }
        let immediate =
            TradingRules.of(scenario)?.reconciliation == .privateBooks
            || (result.resolutionDays == 0 && result.buyerTotal == result.sellerTotal)
        check(
            .reconciliationLadder,
            discrepancy == result.discrepancyPpm && allowed.contains(result.outcome) && immediate,
            sequence,
            "campaign \(result.campaign): \(result.buyerTotal) vs \(result.sellerTotal) is \(discrepancy) ppm, classed \(result.outcome) (recorded \(result.discrepancyPpm) ppm, \(result.resolutionDays) days)"
        )
    }
}
