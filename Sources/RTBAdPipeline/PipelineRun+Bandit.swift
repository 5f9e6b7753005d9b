import RTBCore
import RTBTrace

extension PipelineRun {
    /// One day of the Thompson-sampling allocator: a Beta draw per arm, the top quartile funded
    /// equally (the remainder's micro-dollars to the best draws, so the day spends exactly its
    /// budget), then the updates.
    ///
    /// Honest: a funded arm's spend buys impressions at its study's CPM, clicks at its study's
    /// clicks per win and signups ~ Binomial(clicks, CVR) (normal approximation, rounded, at
    /// least 0); a += signups, b += impressions - signups; unfunded arms are not touched.
    /// Reference (the seed's script): every arm is updated: expected signups = max(1, spend /
    /// CAC p50), impressions = that / the posterior mean, signups = a Beta draw x impressions;
    /// unfunded arms gain one phantom signup with no spend.
    func banditDay() {
        tick += 1
        var stream = RandomStream(
            seed: config.seed, key: StreamKey("pipeline", "bandit").appending(day))
        let arms = config.creatives.count
        let draws = (0..<arms).map { BetaDraw.beta(alpha[$0], beta[$0], &stream) }
        let quartile = max(1, arms / 4)
        let funded = Array(
            (0..<arms).sorted { draws[$0] != draws[$1] ? draws[$0] > draws[$1] : $0 < $1 }.prefix(
                quartile))
        var allocations = Array(repeating: config.budget / Int64(quartile), count: quartile)
        for index in 0..<Int(config.budget % Int64(quartile)) { allocations[index] += 1 }
        if canary == "fund-leak" && day == 1 { allocations[0] += 1 }
        emit(
            .banditDay(
                BanditDay(
                    day: day, draws: draws, funded: funded.map(Int64.init), allocations: allocations
                )))
        var spend = Array(repeating: Int64(0), count: arms)
        for (index, arm) in funded.enumerated() { spend[arm] = allocations[index] }
        let phantomArm = canary == "phantom-update" ? (0..<arms).first { spend[$0] == 0 } : nil
        for arm in 0..<arms {
            let dollars = Double(spend[arm]) / 1e6
            var impressions = 0.0
            var signups = 0.0
            switch config.mode {
            case .honest:
                guard spend[arm] > 0 || arm == phantomArm else {
                    continue
                }
                let result = studied[arm]
                let cpm =
                    result.cpm > 0
                    ? Double(result.cpm) / 1e6
                    : forecasts[arm].impressions > 0
                        ? Double(config.budget) / 1e6 * 1_000 / forecasts[arm].impressions : 1
                impressions = (dollars * 1_000 / cpm).rounded(.down)
                let clicksPerWin =
                    result.wins > 0
                    ? Double(result.clicks) / Double(result.wins) : forecasts[arm].ctr
                let clicks = impressions * clicksPerWin
                let cvr = forecasts[arm].cvr
                let mean = clicks * cvr
                signups = max(
                    0,
                    min(
                        clicks, (mean + (mean * (1 - cvr)).squareRoot() * stream.normal()).rounded()
                    ))
            case .reference:
                let posterior = alpha[arm] / (alpha[arm] + beta[arm])
                if spend[arm] > 0 {
                    let expected = max(1, dollars / forecasts[arm].cac[1])
                    impressions = expected / posterior
                    signups = BetaDraw.beta(alpha[arm], beta[arm], &stream) * impressions
                } else {
                    signups = 1
                    impressions = 1 / posterior
                }
            }
            alpha[arm] += signups
            beta[arm] += max(0, impressions - signups)
            armSpend[arm] += spend[arm]
            armSignups[arm] += signups
            armImpressions[arm] += impressions
            emit(
                .banditUpdate(
                    BanditUpdate(
                        day: day, arm: arm, spend: Micros(spend[arm]), impressions: impressions,
                        signups: signups, alpha: alpha[arm], beta: beta[arm])))
        }
    }
}
