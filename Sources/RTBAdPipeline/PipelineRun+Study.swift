import RTBCore
import RTBTrace

extension PipelineRun {
    /// One creative's auction study at one grid point: every round recorded, then its results;
    /// at the central point with 95% bootstrap intervals over the rounds.
    func study(_ at: (point: Int, creative: Int)) {
        let (point, creative) = at
        let auction = CreativeAuction(config: config, forecast: forecasts[creative], point: point)
        var stream = RandomStream(
            seed: config.seed,
            key: StreamKey("pipeline", "study").appending(creative).appending(point))
        let rounds = config.rounds(at: point)
        var bids: [Int64] = []
        var records: [(won: Bool, click: Bool, price: Int64)] = []
        records.reserveCapacity(rounds)
        var result = StudyResult()
        var signups: Int64 = 0
        for _ in 0..<rounds {
            var (slot, price, click, signup) = auction.play(&stream, bids: &bids)
            if canary == "overcharge" && slot > 0 && !canaryPlanted {
                price += 1
                canaryPlanted = true
            }
            let outcome: [Int64] = [Int64(slot), price, click ? 1 : 0, signup ? 1 : 0]
            emit(
                .studyRound(
                    StudyRound(
                        creative: creative, point: point, slots: config.slots, bids: bids,
                        outcome: outcome)))
            tick += 1
            result.rounds += 1
            if slot > 0 { result.wins += 1 }
            if click {
                result.clicks += 1
                result.spend += price
            }
            if signup { signups += 1 }
            records.append((slot > 0, click, price))
        }
        let cvr = auction.cvr
        func cac(_ spend: Int64, _ clicks: Int64) -> Int64 {
            clicks == 0 ? -1 : Int64((Double(spend) / Double(clicks) / cvr).rounded())
        }
        result.cpc = result.clicks == 0 ? -1 : result.spend / result.clicks
        result.cpm = result.wins == 0 ? -1 : result.spend * 1_000 / result.wins
        result.cac = cac(result.spend, result.clicks)
        var winLow: Int64 = 0
        var winHigh: Int64 = 0
        var cacLow: Int64 = -1
        var cacHigh: Int64 = -1
        if point == config.centralPoint {
            var resample = RandomStream(
                seed: config.seed, key: StreamKey("pipeline", "bootstrap").appending(creative))
            var winRates: [Int64] = []
            var cacs: [Int64] = []
            for _ in 0..<config.bootstrap {
                var wins: Int64 = 0
                var clicks: Int64 = 0
                var spend: Int64 = 0
                for _ in 0..<rounds {
                    let record = records[Int(resample.next(below: UInt64(rounds)))]
                    if record.won { wins += 1 }
                    if record.click {
                        clicks += 1
                        spend += record.price
                    }
                }
                winRates.append(wins * 1_000_000 / Int64(rounds))
                cacs.append(cac(spend, clicks))
            }
            winRates.sort()
            // Resamples without clicks have no CAC: they count as the most expensive.
            cacs = cacs.map { $0 < 0 ? Int64.max : $0 }.sorted()
            let low = Int(0.025 * Double(config.bootstrap - 1))
            let high = Int(0.975 * Double(config.bootstrap - 1))
            (winLow, winHigh) = (winRates[low], winRates[high])
            cacLow = cacs[low] == Int64.max ? -1 : cacs[low]
            cacHigh = cacs[high] == Int64.max ? -1 : cacs[high]
            studied[creative] = result
        }
        var recorded = result
        if canary == "lost-click" && recorded.clicks > 0 && !canaryPlanted {
            recorded.clicks -= 1
            canaryPlanted = true
        }
        emit(
            .creativeStudied(
                CreativeStudied(
                    creative: creative, point: point,
                    bidMultPpm: config.bidMults[point / config.qualityMults.count],
                    qualityMultPpm: config.qualityMults[point % config.qualityMults.count],
                    ourBid: Micros(auction.ourBid), rounds: recorded.rounds, wins: recorded.wins,
                    clicks: recorded.clicks, signups: signups, spend: Micros(recorded.spend),
                    winRatePpm: recorded.wins * 1_000_000 / recorded.rounds, cpc: recorded.cpc,
                    cpm: recorded.cpm, cac: recorded.cac, winRateLowPpm: winLow,
                    winRateHighPpm: winHigh, cacLow: cacLow, cacHigh: cacHigh)))
    }
}
