import RTBCore
import RTBEvents

/// A decision an agent takes, as a question with everything needed to answer it: what a
/// policy outside the engine (a service, a language model) is asked. Canonical bytes: a tag
/// byte (the case's position), then the fields as varints (signed varints where a value may
/// be negative), lists as a count followed by their items.
public enum TradingQuestion: Equatable, Sendable {
    /// Scenario A: a campaign's bid (CPM) for a batch of a product.
    case auctionBid(campaign: Int, product: Int, randomBits: UInt64)
    /// Open traffic: a campaign's bid in cents for one impression of a segment.
    case openBid(campaign: Int, product: Int, segment: Int, randomBits: UInt64)
    /// B and C: which candidate products a campaign sends RFPs to, best first; the buyer's
    /// reputation note of each (-1 when it has none).
    case rfpTargets(campaign: Int, candidates: [Int], reputations: [Int64])
    /// B and C: a seller's quote for an RFP.
    case quote(product: Int, requested: Int64, maxCPM: Micros, available: Int64)
    /// B and C: the order in which a buyer considers offers (unacceptable ones left out).
    case rankOffers(campaign: Int, offers: [OfferView])
    /// B and C: the highest price a buyer accepts without countering, given the last price it
    /// agreed in the campaign's channel (0 when unknown).
    case acceptThreshold(campaign: Int, priceReference: Micros)
    /// B and C: whether a seller accepts a buyer's counter price.
    case acceptsCounter(product: Int, cpm: Micros)
    /// B and C open traffic: a seller's asking price in cents for one impression.
    case directAsk(product: Int)

    public func encode(into writer: inout CanonicalWriter) {
        switch self {
        case .auctionBid(let campaign, let product, let bits):
            writer.u8(0)
            writer.varint(campaign)
            writer.varint(product)
            writer.varint(bits)
        case .openBid(let campaign, let product, let segment, let bits):
            writer.u8(1)
            for value in [campaign, product, segment] { writer.varint(value) }
            writer.varint(bits)
        case .rfpTargets(let campaign, let candidates, let reputations):
            writer.u8(2)
            writer.varint(campaign)
            writer.varint(candidates.count)
            for (product, reputation) in zip(candidates, reputations) {
                writer.varint(product)
                writer.signedVarint(reputation)
            }
        case .quote(let product, let requested, let maxCPM, let available):
            writer.u8(3)
            writer.varint(product)
            writer.varint(UInt64(requested))
            writer.signedVarint(maxCPM.raw)
            writer.varint(UInt64(available))
        case .rankOffers(let campaign, let offers):
            writer.u8(4)
            writer.varint(campaign)
            writer.varint(offers.count)
            for offer in offers {
                writer.varint(offer.negotiation)
                writer.varint(offer.product)
                writer.signedVarint(offer.cpm.raw)
                writer.varint(UInt64(offer.impressions))
            }
        case .acceptThreshold(let campaign, let reference):
            writer.u8(5)
            writer.varint(campaign)
            writer.signedVarint(reference.raw)
        case .acceptsCounter(let product, let cpm):
            writer.u8(6)
            writer.varint(product)
            writer.signedVarint(cpm.raw)
        case .directAsk(let product):
            writer.u8(7)
            writer.varint(product)
        }
    }

    /// The canonical bytes.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter(capacity: 64)
        encode(into: &writer)
        return writer.bytes
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalError) {
        let at = reader.offset
        switch try reader.u8() {
        case 0:
            self = .auctionBid(
                campaign: try reader.int(), product: try reader.int(), randomBits: try reader.varint())
        case 1:
            self = .openBid(
                campaign: try reader.int(), product: try reader.int(), segment: try reader.int(),
                randomBits: try reader.varint())
        case 2:
            let campaign = try reader.int()
            var candidates: [Int] = []
            var reputations: [Int64] = []
            for _ in 0..<(try reader.count(limit: 1 << 16)) {
                candidates.append(try reader.int())
                reputations.append(try reader.signedVarint())
            }
            self = .rfpTargets(campaign: campaign, candidates: candidates, reputations: reputations)
        case 3:
            self = .quote(
                product: try reader.int(), requested: try reader.int64(),
                maxCPM: Micros(try reader.signedVarint()), available: try reader.int64())
        case 4:
            let campaign = try reader.int()
            var offers: [OfferView] = []
            for _ in 0..<(try reader.count(limit: 1 << 16)) {
                offers.append(
                    OfferView(
                        negotiation: try reader.int(), product: try reader.int(),
                        cpm: Micros(try reader.signedVarint()), impressions: try reader.int64()))
            }
            self = .rankOffers(campaign: campaign, offers: offers)
        case 5:
            self = .acceptThreshold(
                campaign: try reader.int(), priceReference: Micros(try reader.signedVarint()))
        case 6:
            self = .acceptsCounter(product: try reader.int(), cpm: Micros(try reader.signedVarint()))
        case 7:
            self = .directAsk(product: try reader.int())
        case let tag:
            throw .invalidTag(offset: at, tag: UInt64(tag), type: "trading question")
        }
    }
}

/// The answer to a `TradingQuestion`. Canonical bytes: a tag byte, then the value.
public enum TradingAnswer: Equatable, Sendable {
    /// A bid, or none (abstain).
    case bid(Micros?)
    case cents(Int64)
    /// Products or negotiations, in the order chosen.
    case indexes([Int])
    /// A quote, or none (reject).
    case quote(Quote?)
    case price(Micros)
    case accepts(Bool)

    public func encode(into writer: inout CanonicalWriter) {
        switch self {
        case .bid(let bid):
            writer.u8(0)
            writer.bool(bid != nil)
            if let bid { writer.signedVarint(bid.raw) }
        case .cents(let cents):
            writer.u8(1)
            writer.signedVarint(cents)
        case .indexes(let indexes):
            writer.u8(2)
            writer.varint(indexes.count)
            for index in indexes { writer.varint(index) }
        case .quote(let quote):
            writer.u8(3)
            writer.bool(quote != nil)
            if let quote {
                writer.signedVarint(quote.cpm.raw)
                writer.varint(UInt64(quote.impressions))
                writer.u8(quote.dealType.rawValue)
            }
        case .price(let price):
            writer.u8(4)
            writer.signedVarint(price.raw)
        case .accepts(let accepts):
            writer.u8(5)
            writer.bool(accepts)
        }
    }

    /// The canonical bytes.
    public var canonicalBytes: [UInt8] {
        var writer = CanonicalWriter(capacity: 32)
        encode(into: &writer)
        return writer.bytes
    }

    public init(from reader: inout CanonicalReader) throws(CanonicalError) {
        let at = reader.offset
        switch try reader.u8() {
        case 0: self = .bid(try reader.bool() ? Micros(try reader.signedVarint()) : nil)
        case 1: self = .cents(try reader.signedVarint())
        case 2:
            var indexes: [Int] = []
            for _ in 0..<(try reader.count(limit: 1 << 16)) { indexes.append(try reader.int()) }
            self = .indexes(indexes)
        case 3:
            guard try reader.bool() else {
                self = .quote(nil)
                return
            }
            self = .quote(
                Quote(
                    cpm: Micros(try reader.signedVarint()), impressions: try reader.int64(),
                    dealType: try reader.enumeration(DealType.self)))
        case 4: self = .price(Micros(try reader.signedVarint()))
        case 5: self = .accepts(try reader.bool())
        case let tag:
            throw .invalidTag(offset: at, tag: UInt64(tag), type: "trading answer")
        }
    }
}
