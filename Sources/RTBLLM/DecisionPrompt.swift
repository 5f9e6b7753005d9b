import RTBCore
import RTBEvents
import RTBMarket
import RTBTrace

/// The prompt of each trading decision and the strict reading of its answer. A prompt is one
/// JSON object: the decision, the facts the rule-based policy would use (campaign or product,
/// money in integer micros), and the answer's exact format. The answer must be one JSON object
/// with exactly the fields asked (a ```json fence around it is tolerated); anything else is
/// invalid and the caller falls back to the rule-based answer, recording that it did.
public struct DecisionPrompt: Sendable {
    /// Which model answers: portfolio decisions of a buyer go to the manager model.
    public enum Role: String, Sendable {
        case agent, manager
    }

    public let question: TradingQuestion
    public let role: Role
    public let system: String
    public let user: String
    /// The decision's name in the prompt ("auction_bid").
    public let decision: String
    /// The deciding agent ("buyer-3"): only one agent's decisions share a call.
    public let agent: String

    public init(_ question: TradingQuestion, market: Market) throws {
        self.question = question
        func campaign(_ index: Int) throws -> String {
            guard market.campaigns.indices.contains(index) else {
                throw LLMError("question names campaign \(index), not in this market")
            }
            let spec = market.campaigns[index]
            return
                "{\"campaign\":\(index),\"channel\":\"\(spec.channel)\",\"strategy\":\"\(spec.strategy)\","
                + "\"target_cpm_micros\":\(spec.targetCPM.raw),\"max_cpm_micros\":\(spec.maxCPM.raw),"
                + "\"budget_micros\":\(spec.budget.raw),\"goal_impressions\":\(spec.goalImpressions)}"
        }
        func product(_ index: Int) throws -> String {
            guard market.products.indices.contains(index) else {
                throw LLMError("question names product \(index), not in this market")
            }
            let spec = market.products[index]
            return
                "{\"product\":\(index),\"channel\":\"\(spec.channel)\",\"tier\":\"\(spec.tier)\","
                + "\"floor_cpm_micros\":\(spec.floorCPM.raw),\"daily_avails\":\(spec.dailyAvails)}"
        }
        let decision: String
        let facts: String
        let format: String
        var role = Role.agent
        var seller = false
        switch question {
        case .auctionBid(let c, let p, _):
            decision = "auction_bid"
            facts = "\"campaign\":\(try campaign(c)),\"product\":\(try product(p))"
            format = "{\"bid\": true or false, \"cpm_micros\": integer CPM when bid is true}"
        case .openBid(let c, let p, let segment, _):
            decision = "open_traffic_bid"
            facts =
                "\"campaign\":\(try campaign(c)),\"product\":\(try product(p)),\"user_segment\":\(segment)"
            format = "{\"cents\": integer bid in cents for one impression}"
        case .rfpTargets(let c, let candidates, let reputations):
            decision = "rfp_targets"
            role = .manager
            let listed = try zip(candidates, reputations).map { index, reputation in
                "{\"product\":\(try product(index)),\"reputation_permille\":\(reputation)}"
            }
            facts =
                "\"campaign\":\(try campaign(c)),\"candidates\":[\(listed.joined(separator: ","))]"
            format = "{\"products\": [up to 3 product numbers from the candidates, best first]}"
        case .quote(let p, let requested, let maxCPM, let available):
            decision = "quote"
            seller = true
            facts =
                "\"product\":\(try product(p)),\"requested_impressions\":\(requested),"
                + "\"buyer_max_cpm_micros\":\(maxCPM.raw),\"available_impressions\":\(available)"
            format =
                "{\"quote\": true or false, \"cpm_micros\": integer, \"impressions\": integer, \"deal_type\": \"PG\" or \"PD\"}"
        case .rankOffers(let c, let offers):
            decision = "rank_offers"
            role = .manager
            let listed = offers.map {
                "{\"negotiation\":\($0.negotiation),\"product\":\($0.product),\"cpm_micros\":\($0.cpm.raw),\"impressions\":\($0.impressions)}"
            }
            facts = "\"campaign\":\(try campaign(c)),\"offers\":[\(listed.joined(separator: ","))]"
            format = "{\"negotiations\": [negotiation numbers to consider, in order]}"
        case .acceptThreshold(let c, let reference):
            decision = "accept_threshold"
            role = .manager
            facts = "\"campaign\":\(try campaign(c)),\"last_agreed_cpm_micros\":\(reference.raw)"
            format = "{\"cpm_micros\": the highest integer CPM to accept without countering}"
        case .acceptsCounter(let p, let cpm):
            decision = "accept_counter"
            seller = true
            facts = "\"product\":\(try product(p)),\"counter_cpm_micros\":\(cpm.raw)"
            format = "{\"accept\": true or false}"
        case .directAsk(let p):
            decision = "direct_ask"
            seller = true
            facts = "\"product\":\(try product(p))"
            format = "{\"cents\": integer asking price in cents for one impression}"
        }
        self.role = role
        self.decision = decision
        switch question {
        case .auctionBid(let c, _, _), .openBid(let c, _, _, _), .rfpTargets(let c, _, _),
            .rankOffers(let c, _), .acceptThreshold(let c, _):
            agent = "buyer-\(market.campaigns[c].buyer)"
        case .quote(let p, _, _, _), .acceptsCounter(let p, _), .directAsk(let p):
            agent = "seller-\(market.products[p].seller)"
        }
        system =
            "You are a \(seller ? "seller" : "buyer") agent in a programmatic advertising market. "
            + "Decide as that agent. Answer with one JSON object in the format given, and nothing else."
        user = "{\"decision\":\"\(decision)\",\(facts),\"answer_format\":\(JSONText.quote(format))}"
    }

    /// The answer in the text, or nil when the text is not exactly the format asked.
    public func parse(_ text: String) -> TradingAnswer? {
        Self.json(text).flatMap(parse(json:))
    }

    /// The JSON value of a reply's text (a ```json fence around it is tolerated).
    static func json(_ text: String) -> JSONValue? {
        var body = text.trimmingSpaces
        if body.hasPrefix("```") {
            body = String(body.drop { $0 != "\n" }.dropFirst())
            guard body.hasSuffix("```") else { return nil }
            body = String(body.dropLast(3)).trimmingSpaces
        }
        guard case .success(let json) = JSONValue.parse(body) else { return nil }
        return json
    }

    /// The answer in one JSON value, or nil when it is not exactly the format asked.
    public func parse(json: JSONValue) -> TradingAnswer? {
        guard json.isObject else { return nil }
        func keys(_ expected: Set<String>) -> Bool {
            guard case .object(let members) = json else { return false }
            return Set(members.keys) == expected  // determinism-ok: membership only
        }
        func integer(_ key: String) -> Int64? { json[key]?.int64 }
        func flag(_ key: String) -> Bool? {
            if case .bool(let value)? = json[key] { return value }
            return nil
        }
        func integers(_ key: String) -> [Int]? {
            guard let items = json[key]?.arrayValue else { return nil }
            let values = items.compactMap { $0.int64.map(Int.init) }
            return values.count == items.count ? values : nil
        }
        switch question {
        case .auctionBid:
            guard let bids = flag("bid") else { return nil }
            if !bids { return keys(["bid"]) || keys(["bid", "cpm_micros"]) ? .bid(nil) : nil }
            guard keys(["bid", "cpm_micros"]), let cpm = integer("cpm_micros"), cpm >= 0 else {
                return nil
            }
            return .bid(Micros(cpm))
        case .openBid, .directAsk:
            guard keys(["cents"]), let cents = integer("cents"), cents >= 0 else { return nil }
            return .cents(cents)
        case .rfpTargets(_, let candidates, _):
            guard keys(["products"]), let products = integers("products"), products.count <= 3,
                products.allSatisfy(candidates.contains), Set(products).count == products.count
            else { return nil }
            return .indexes(products)
        case .quote(_, _, _, let available):
            guard let quotes = flag("quote") else { return nil }
            if !quotes { return keys(["quote"]) ? .quote(nil) : nil }
            guard keys(["quote", "cpm_micros", "impressions", "deal_type"]),
                let cpm = integer("cpm_micros"), cpm >= 0,
                let impressions = integer("impressions"), impressions > 0, impressions <= available,
                let type = json["deal_type"]?.stringValue, type == "PG" || type == "PD"
            else { return nil }
            return .quote(
                Quote(
                    cpm: Micros(cpm), impressions: impressions,
                    dealType: type == "PG" ? .programmaticGuaranteed : .preferredDeal))
        case .rankOffers(_, let offers):
            guard keys(["negotiations"]), let order = integers("negotiations"),
                order.allSatisfy({ n in offers.contains { $0.negotiation == n } }),
                Set(order).count == order.count
            else { return nil }
            return .indexes(order)
        case .acceptThreshold:
            guard keys(["cpm_micros"]), let cpm = integer("cpm_micros"), cpm >= 0 else {
                return nil
            }
            return .price(Micros(cpm))
        case .acceptsCounter:
            guard keys(["accept"]), let accept = flag("accept") else { return nil }
            return .accepts(accept)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        let spaces: Set<Character> = [" ", "\n", "\t", "\r"]
        return String(
            drop { spaces.contains($0) }.reversed().drop { spaces.contains($0) }.reversed())
    }
}
