import RTBCore
import RTBEvents
import RTBTrace

/// The one chokepoint of every agent decision. With an in-engine policy the rules answer
/// directly; with a policy that asks outside (`PolicyKind.asksOutside`), the question goes to
/// the harness's decision channel (live while recording, the recorded answers on replay and
/// resume), the answer is recorded as a `Decision` event before it is used, and a channel
/// failure stops the step (`worldFailure`) before anything is sealed.
extension MarketEngine {
    func decideAuctionBid(campaign: CampaignSpec, product: ProductSpec, randomBits: UInt64)
        -> Micros?
    {
        guard asksOutside else {
            return policy.auctionBid(campaign: campaign, product: product, randomBits: randomBits)
        }
        let question = TradingQuestion.auctionBid(
            campaign: campaign.index, product: product.index, randomBits: randomBits)
        guard case .bid(let bid) = ask(question, agent: .buyer(campaign.buyer)) else { return nil }
        return bid
    }

    /// An in-engine policy's open-traffic bid; a policy that asks outside has the bids of one
    /// impression asked together (`askOpenBids`).
    func decideOpenBidCents(
        campaign: CampaignSpec, product: ProductSpec, segment: Int, randomBits: UInt64
    ) -> Int64 {
        policy.openBidCents(
            campaign: campaign, product: product, segment: segment, randomBits: randomBits)
    }

    func decideRfpTargets(campaign: CampaignSpec, candidates: [ProductSpec], memory: AgentMemory)
        -> [Int]
    {
        guard asksOutside else {
            return policy.rfpTargets(campaign: campaign, candidates: candidates, memory: memory)
        }
        let question = TradingQuestion.rfpTargets(
            campaign: campaign.index, candidates: candidates.map(\.index),
            reputations: candidates.map { memory.reputation(of: $0.index) ?? -1 })
        guard case .indexes(let targets) = ask(question, agent: .buyer(campaign.buyer)) else {
            return []
        }
        // Only the candidates asked about can be targeted.
        return targets.filter { target in candidates.contains { $0.index == target } }
    }

    func decideQuote(product: ProductSpec, requested: Int64, maxCPM: Micros, available: Int64)
        -> Quote?
    {
        guard asksOutside else {
            return policy.quote(
                product: product, requested: requested, maxCPM: maxCPM, available: available)
        }
        let question = TradingQuestion.quote(
            product: product.index, requested: requested, maxCPM: maxCPM, available: available)
        guard case .quote(let quote) = ask(question, agent: .seller(product.seller)) else {
            return nil
        }
        return quote
    }

    func decideRankOffers(campaign: CampaignSpec, offers: [OfferView]) -> [OfferView] {
        guard asksOutside else { return policy.rankOffers(campaign: campaign, offers: offers) }
        let question = TradingQuestion.rankOffers(campaign: campaign.index, offers: offers)
        guard case .indexes(let order) = ask(question, agent: .buyer(campaign.buyer)) else {
            return []
        }
        return order.compactMap { negotiation in offers.first { $0.negotiation == negotiation } }
    }

    func decideAcceptThreshold(campaign: CampaignSpec, memory: AgentMemory) -> Micros {
        guard asksOutside else { return policy.acceptThreshold(campaign: campaign, memory: memory) }
        let question = TradingQuestion.acceptThreshold(
            campaign: campaign.index,
            priceReference: memory.priceReferences[Int(campaign.channel.rawValue)])
        guard case .price(let price) = ask(question, agent: .buyer(campaign.buyer)) else {
            return .zero
        }
        return price
    }

    func decideAcceptsCounter(product: ProductSpec, cpm: Micros) -> Bool {
        guard asksOutside else { return policy.acceptsCounter(product: product, cpm: cpm) }
        let question = TradingQuestion.acceptsCounter(product: product.index, cpm: cpm)
        guard case .accepts(let accepts) = ask(question, agent: .seller(product.seller)) else {
            return false
        }
        return accepts
    }

    func decideDirectAskCents(product: ProductSpec) -> Int64 {
        guard asksOutside else { return policy.directAskCents(product: product) }
        guard
            case .cents(let cents) = ask(
                .directAsk(product: product.index), agent: .seller(product.seller))
        else { return Int64.max }
        return cents
    }

    /// Asks the channel, records the answer, and decodes it; nil (with `worldFailure` set)
    /// when the channel fails or the answer is not a trading answer.
    func ask(_ question: TradingQuestion, agent: AgentRef) -> TradingAnswer? {
        askBatch([(question, agent)]).first ?? nil
    }

    /// Asks independent questions together (the source may answer them in fewer calls),
    /// records each answer, preceded by the call that answered it, and decodes them; nils
    /// (with `worldFailure` set) when the channel fails or an answer is not a trading answer.
    func askBatch(_ questions: [(question: TradingQuestion, agent: AgentRef)]) -> [TradingAnswer?] {
        let failed = [TradingAnswer?](repeating: nil, count: questions.count)
        guard worldFailure == nil, !questions.isEmpty else { return failed }
        do {
            let records = try decisions.askBatch(
                questions.map(\.question.canonicalBytes), at: log.nextSequence)
            guard records.count == questions.count else {
                throw DecisionError.notRecorded(index: records.count)
            }
            var answers: [TradingAnswer?] = []
            answers.reserveCapacity(records.count)
            for (record, asked) in zip(records, questions) {
                if let call = record.call {
                    emit(
                        .modelCall(
                            ModelCall(
                                agent: asked.agent, source: call.source, prompt: call.prompt,
                                decisions: Int64(call.decisions), cached: call.cached,
                                inputTokens: call.inputTokens, outputTokens: call.outputTokens,
                                costNanodollars: call.costNanodollars)))
                }
                emit(
                    .decision(
                        Decision(
                            agent: asked.agent, source: record.source, question: record.question,
                            answer: record.answer)))
                var reader = CanonicalReader(record.answer)
                let answer = try TradingAnswer(from: &reader)
                try reader.expectEnd()
                answers.append(answer)
            }
            return answers
        } catch {
            worldFailure = error
            return failed
        }
    }
}
