import RTBCore

/// One creative's auction study at one grid point against the AELP wrapper's six competitors,
/// at the forecast's CTR and CVR (its median-CAC draw).
///
/// Honest: we bid our value per click, the target CAC (what a signup is worth) x CVR, times the
/// bid multiplier, so a creative's eCPM is the target CAC x its signups per impression;
/// the exchange ranks by bid x pCTR, ours the CTR times the quality multiplier. Every round a
/// query value ~ LogNormal(0, 0.25); competitor j bids an eCPM of the market's CPM (the
/// forecast's median draw) x strength_j x gamma_j x query x LogNormal(0, 0.35), strength_j =
/// min(2.5, budget_j / 90) x 2 / 4.4 (the wrapper's value multiplier, 1 near its mean), gamma_j
/// its shading (N(gamma0, 0.1) clipped) or 1; its pCTR is our CTR x LogNormal(0, 0.3) and its
/// bid per click eCPM / (1000 pCTR). Bids of at least the reserve are ranked by score; `slots`
/// win; we pay per click max(reserve, next score / our pCTR), at most our bid; a click ~
/// Bernoulli(CTR x position effect), a signup ~ Bernoulli(CVR).
///
/// Reference (the wrapper as the seed's script calls it): our bid is clip(4q, 0.2, 5.8) x the
/// bid multiplier, q = 0.5 + 2 min(0.5, CTR / 0.05) x the quality multiplier clamped to [0.3,
/// 2]; competitor values are q x min(2.5, budget / 90) x 2, bids value x CTR (x gamma for the
/// shaded ones), capped at min(0.015 budget, 6); all bids enter a second-price allocation with
/// min(slots, bids >= reserve) slots (the reserve only counts slots); we win when among the
/// winners and pay the next lower bid on a click (probability CTR).
struct CreativeAuction {
    static let positionEffects = [1.0, 0.46, 0.31, 0.23, 0.15, 0.1, 0.07]

    let mode: PipelineMode
    let ctr: Double
    let cvr: Double
    let quality: Double
    let qualityMult: Double
    /// The market's CPM (dollars) for competitors' eCPM bids.
    let marketCPM: Double
    let ourBid: Int64
    let slots: Int
    let reserve: Int64

    init(config: PipelineConfig, forecast: Forecast, point: Int) {
        mode = config.mode
        ctr = forecast.ctr
        cvr = forecast.cvr
        let bidMult = Double(config.bidMults[point / config.qualityMults.count]) / 1e6
        let qualityMult = Double(config.qualityMults[point % config.qualityMults.count]) / 1e6
        let base = 0.5 + 2 * min(0.5, ctr / 0.05)
        quality = min(2, max(0.3, base * qualityMult))
        self.qualityMult = qualityMult
        marketCPM = 1_000 * Double(config.budget) / 1e6 / forecast.impressions
        switch config.mode {
        case .honest:
            ourBid = max(1, Int64((config.targetCAC * cvr * bidMult * 1e6).rounded()))
        case .reference:
            ourBid = Int64((min(5.8, max(0.2, 4 * quality)) * bidMult * 1e6).rounded())
        }
        slots = config.slots
        reserve = config.reserve
    }

    /// Plays one round: `bids` gets (bid, pCTR ppm) per bidder, ours first; returns our slot
    /// (1-based, 0 lost), the price per click, the click and the signup.
    func play(_ stream: inout RandomStream, bids: inout [Int64])
        -> (slot: Int, price: Int64, click: Bool, signup: Bool)
    {
        bids.removeAll(keepingCapacity: true)
        switch mode {
        case .honest: return playHonest(&stream, bids: &bids)
        case .reference: return playReference(&stream, bids: &bids)
        }
    }

    func playHonest(_ stream: inout RandomStream, bids: inout [Int64])
        -> (slot: Int, price: Int64, click: Bool, signup: Bool)
    {
        let query = DeterministicMath.exp(0.25 * stream.normal())
        let ours = max(1, Int64((ctr * qualityMult * 1e6).rounded()))
        bids.append(ourBid)
        bids.append(ours)
        for competitor in PipelineConfig.competitors {
            let strength = min(2.5, competitor.budget / 90) * 2 / 4.4
            let gamma =
                competitor.gamma < 1 ? min(1, max(0, competitor.gamma + 0.1 * stream.normal())) : 1
            let eCPM =
                marketCPM * strength * gamma * query * DeterministicMath.exp(0.35 * stream.normal())
            let pCTR = max(1e-6, ctr * DeterministicMath.exp(0.3 * stream.normal()))
            bids.append(Int64((eCPM / (1_000 * pCTR) * 1e6).rounded(.down)))
            bids.append(max(1, Int64((pCTR * 1e6).rounded())))
        }
        // Rank eligible bidders by score (bid x pCTR), ties by index.
        let count = bids.count / 2
        let order = (0..<count).filter { bids[$0 * 2] > 0 && bids[$0 * 2] >= reserve }.sorted {
            let left = bids[$0 * 2] * bids[$0 * 2 + 1]
            let right = bids[$1 * 2] * bids[$1 * 2 + 1]
            return left != right ? left > right : $0 < $1
        }
        guard let rank = order.firstIndex(of: 0), rank < slots else {
            return (0, 0, false, false)
        }
        let next =
            rank + 1 < order.count ? bids[order[rank + 1] * 2] * bids[order[rank + 1] * 2 + 1] : 0
        let price = min(ourBid, max(reserve, (next + ours - 1) / ours))
        let click = stream.nextUnit() < ctr * Self.positionEffects[rank]
        let signup = click && stream.nextUnit() < cvr
        return (rank + 1, price, click, signup)
    }

    func playReference(_ stream: inout RandomStream, bids: inout [Int64])
        -> (slot: Int, price: Int64, click: Bool, signup: Bool)
    {
        bids.append(ourBid)
        bids.append(0)
        for competitor in PipelineConfig.competitors {
            let value = quality * min(2.5, competitor.budget / 90) * 2
            var bid = value * ctr
            if competitor.gamma < 1 {
                bid *= min(1, max(0, competitor.gamma + 0.1 * stream.normal()))
            }
            bid = min(bid, min(0.015 * competitor.budget, 6))
            bids.append(Int64((bid * 1e6).rounded(.down)))
            bids.append(0)
        }
        let count = bids.count / 2
        let order = (0..<count).sorted { (left: Int, right: Int) -> Bool in
            let (a, b): (Int64, Int64) = (bids[left * 2], bids[right * 2])
            return a != b ? a > b : left < right
        }
        let winners = min(slots, (0..<count).count { bids[$0 * 2] >= reserve })
        guard let rank = order.firstIndex(of: 0), rank < winners else {
            return (0, 0, false, false)
        }
        let price = rank + 1 < count ? bids[order[rank + 1] * 2] : 0
        let click = stream.nextUnit() < ctr
        let signup = click && stream.nextUnit() < cvr
        return (rank + 1, price, click, signup)
    }
}
