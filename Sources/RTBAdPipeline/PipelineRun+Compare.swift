import RTBCore
import RTBTrace

extension PipelineRun {
    /// Each method's ranking and its own CAC estimate per creative (dollars; infinity when it
    /// has none), best first.
    func ranking(_ method: SlateMethod) -> (order: [Int], cac: [Double]) {
        let arms = config.creatives.count
        var cac: [Double]
        switch method {
        case .forecast:
            cac = forecasts.map { $0.cac[1] }
        case .auction:
            cac = studied.map { $0.cac < 0 ? .infinity : Double($0.cac) / 1e6 }
        case .bandit:
            cac = (0..<arms).map { arm in
                switch config.mode {
                case .honest:
                    // Expected signups per dollar: the posterior rate x impressions per dollar.
                    let perDollar =
                        armSpend[arm] > 0
                        ? armImpressions[arm] / (Double(armSpend[arm]) / 1e6)
                        : studied[arm].cpm > 0
                            ? 1_000 / (Double(studied[arm].cpm) / 1e6)
                            : forecasts[arm].impressions / (Double(config.budget) / 1e6)
                    let rate = alpha[arm] / (alpha[arm] + beta[arm])
                    return rate * perDollar > 0 ? 1 / (rate * perDollar) : .infinity
                case .reference:
                    // The script's wins / max(spend, 1), as a cost per signup.
                    let perDollar = armSignups[arm] / max(Double(armSpend[arm]) / 1e6, 1)
                    return perDollar > 0 ? 1 / perDollar : .infinity
                }
            }
        }
        let order = (0..<arms).sorted { cac[$0] != cac[$1] ? cac[$0] < cac[$1] : $0 < $1 }
        return (order, cac)
    }

    /// The slates of the forecast, the auction study and the bandit against the forecast
    /// reference, and the bootstrap test of the auction slate's mean CAC against the bandit's.
    func compareSlates() {
        tick += 1
        let k = config.slate
        let reference = ranking(.forecast)
        var referenceRank = Array(repeating: 0, count: reference.order.count)
        for (rank, creative) in reference.order.enumerated() { referenceRank[creative] = rank + 1 }
        let best = Set(reference.order.prefix(k))
        let budget = Double(config.budget) / 1e6
        var slates: [SlateMethod: [Int]] = [:]  // determinism-ok: looked up by key
        for method in SlateMethod.allCases {
            let (order, cac) = ranking(method)
            let slate = Array(order.prefix(k))
            slates[method] = slate
            let referenceCAC = slate.map { reference.cac[$0] }
            let meanCac = referenceCAC.reduce(0, +) / Double(k)
            let signups = referenceCAC.reduce(0) { $0 + budget / Double(k) / $1 }
            var precision = Int64(slate.count { best.contains($0) }) * 1_000_000 / Int64(k)
            if canary == "inflate-precision" && method == .auction { precision += 1 }
            let calibration =
                slate.reduce(0.0) { sum, creative in
                    let gap =
                        cac[creative].isFinite
                        ? abs(cac[creative] - reference.cac[creative]) : reference.cac[creative]
                    return sum + gap / reference.cac[creative]
                } / Double(k)
            let shift = slate.enumerated().reduce(0) {
                $0 + abs($1.offset + 1 - referenceRank[$1.element])
            }
            emit(
                .slateCompared(
                    SlateCompared(
                        method: method, slate: slate.map(Int64.init),
                        meanCac: Micros(Int64((meanCac * 1e6).rounded())),
                        signups: Int64(signups.rounded()),
                        precisionPpm: precision,
                        calibrationPpm: Int64((calibration * 1e6).rounded()),
                        rankShift: Int64(shift))))
        }
        let auction = slates[.auction]!.map { reference.cac[$0] }
        let bandit = slates[.bandit]!.map { reference.cac[$0] }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let delta = mean(auction) - mean(bandit)
        var stream = RandomStream(seed: config.seed, key: StreamKey("pipeline", "slate-bootstrap"))
        var deltas: [Double] = []
        for _ in 0..<config.bootstrap {
            let left = (0..<k).map { _ in auction[Int(stream.next(below: UInt64(k)))] }
            let right = (0..<k).map { _ in bandit[Int(stream.next(below: UInt64(k)))] }
            deltas.append(mean(left) - mean(right))
        }
        deltas.sort()
        let below = Double(deltas.count { $0 <= 0 }) / Double(deltas.count)
        let above = Double(deltas.count { $0 >= 0 }) / Double(deltas.count)
        let p = min(1, 2 * min(below, above))
        let low = deltas[Int(0.025 * Double(deltas.count - 1))]
        let high = deltas[Int(0.975 * Double(deltas.count - 1))]
        emit(
            .slateSignificance(
                SlateSignificance(
                    delta: Int64((delta * 1e6).rounded()), low: Int64((low * 1e6).rounded()),
                    high: Int64((high * 1e6).rounded()), pValuePpm: Int64((p * 1e6).rounded()),
                    resamples: Int64(config.bootstrap))))
    }
}
