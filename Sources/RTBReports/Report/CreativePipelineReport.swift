import Foundation
import RTBAdPipeline
import RTBCore
import RTBLedger
import RTBModels

/// The creative pipeline's sections: per creative the forecast and the auction study (win rate,
/// CPC, CPM, CAC with intervals, CAC minus the forecast's), the sensitivity grid's CACs and
/// their median, the bandit's arms, and the slates against the forecast reference with the
/// significance of the auction slate against the bandit's. Money in dollars.
enum CreativePipelineReport: ModelReport {
    static var modelName: String { CreativePipelineModel.identity.name }

    static func sections(ledger path: String) throws -> (
        tables: [ReportTable], charts: [ReportChart]
    ) {
        let store = try LedgerStore.open(path: path)
        let config = try CreativePipelineModel.decodeConfig(store.header.config)
        var forecasts: [CreativeForecast] = []
        var studies: [CreativeStudied] = []
        var updates: [Int: BanditUpdate] = [:]  // determinism-ok: read in arm order
        var slates: [SlateCompared] = []
        var significance: SlateSignificance?
        try LedgerEvents.forEach(CreativePipelineModel.self, store: store) { _, event, _ in
            switch event.body {
            case .creativeForecast(let forecast): forecasts.append(forecast)
            case .creativeStudied(let study): studies.append(study)
            case .banditUpdate(let update): updates[update.arm] = update
            case .slateCompared(let slate): slates.append(slate)
            case .slateSignificance(let test): significance = test
            case .pipelineOpened, .studyRound, .banditDay: break
            }
            return true
        }
        func dollars(_ micros: Int64) -> String {
            micros < 0 ? "-" : String(format: "%.2f", Double(micros) / 1e6)
        }
        func signed(_ micros: Int64) -> String { String(format: "%+.2f", Double(micros) / 1e6) }
        func interval(_ low: Int64, _ high: Int64) -> String {
            low < 0 || high < 0 ? "-" : "\(dollars(low))-\(dollars(high))"
        }
        let central = config.centralPoint
        let names = forecasts.map(\.name)
        var rows: [[String]] = []
        for forecast in forecasts {
            guard
                let study = studies.first(where: {
                    $0.creative == forecast.creative && $0.point == central
                })
            else { continue }
            rows.append([
                forecast.name,
                "\(dollars(forecast.cacP10.raw)) / \(dollars(forecast.cacP50.raw)) / \(dollars(forecast.cacP90.raw))",
                dollars(study.ourBid.raw),
                String(
                    format: "%.3f (%.3f-%.3f)", Double(study.winRatePpm) / 1e6,
                    Double(study.winRateLowPpm) / 1e6, Double(study.winRateHighPpm) / 1e6),
                dollars(study.cpc), dollars(study.cpm),
                "\(dollars(study.cac)) (\(interval(study.cacLow, study.cacHigh)))",
                study.cac < 0
                    ? "-"
                    : signed(study.cac - forecast.cacP50.raw),
            ])
        }
        let studyTable = ReportTable(
            title:
                "Forecast and auction study per creative (\(config.mode) mode; the central grid point)",
            header: [
                "creative", "forecast CAC p10 / p50 / p90", "our bid (CPC)", "win rate (95%)",
                "CPC", "CPM",
                "CAC (95%)", "CAC - forecast p50",
            ], rows: rows)
        // Sensitivity: CAC at every grid point, the median over the points, ranked by it.
        let points = (0..<config.points)
        let labels = points.map { point in
            String(
                format: "bid x%.2f quality x%.2f",
                Double(config.bidMults[point / config.qualityMults.count]) / 1e6,
                Double(config.qualityMults[point % config.qualityMults.count]) / 1e6)
        }
        var sensitivity: [(name: String, cacs: [Int64], median: Double)] = []
        for (index, name) in names.enumerated() {
            let cacs = points.map { point in
                studies.first { $0.creative == index && $0.point == point }?.cac ?? -1
            }
            let sorted = cacs.map { $0 < 0 ? Double.infinity : Double($0) / 1e6 }.sorted()
            sensitivity.append((name, cacs, sorted[sorted.count / 2]))
        }
        sensitivity.sort { $0.median != $1.median ? $0.median < $1.median : $0.name < $1.name }
        let sensitivityTable = ReportTable(
            title: "Sensitivity: CAC at each bid x quality multiplier, ranked by the median",
            header: ["creative", "median CAC"] + labels,
            rows: sensitivity.map { row in
                [row.name, row.median.isFinite ? String(format: "%.2f", row.median) : "-"]
                    + row.cacs.map(dollars)
            })
        let banditTable = ReportTable(
            title: "Thompson-sampling allocator after \(config.days) days",
            header: ["creative", "spend", "signups credited", "impressions credited", "a", "b"],
            rows: names.indices.compactMap { arm in
                guard let update = updates[arm] else {
                    return [names[arm], "0", "-", "-", "-", "-"]
                }
                return [
                    names[arm], dollars(update.spend.raw), String(format: "%.1f", update.signups),
                    String(format: "%.0f", update.impressions),
                    String(format: "%.1f", update.alpha),
                    String(format: "%.1f", update.beta),
                ]
            })
        var slateRows = slates.map { slate in
            [
                slate.method.description,
                slate.slate.map { names[Int($0)] }.joined(separator: ", "),
                dollars(slate.meanCac.raw), String(slate.signups),
                String(format: "%.3f", Double(slate.precisionPpm) / 1e6),
                String(format: "%.3f", Double(slate.calibrationPpm) / 1e6), String(slate.rankShift),
            ]
        }
        if let significance {
            slateRows.append([
                "auction - bandit", "mean reference CAC difference (95% bootstrap interval)",
                "\(signed(significance.delta)) (\(String(format: "%.2f", Double(significance.low) / 1e6)) to \(String(format: "%.2f", Double(significance.high) / 1e6)))",
                "-", "p = \(String(format: "%.3f", Double(significance.pValuePpm) / 1e6))", "-",
                "-",
            ])
        }
        let slateTable = ReportTable(
            title: "Slates of \(config.slate) against the forecast reference",
            header: [
                "method", "slate (best first)", "mean reference CAC", "signups", "precision at k",
                "calibration error", "rank shift",
            ], rows: slateRows)
        let chart = ReportChart(
            id: "win-rate", title: "Win rate by bid multiplier (quality x1 where the grid has it)",
            style: .lines, xLabel: "bid multiplier", yLabel: "win rate",
            categories: config.bidMults.map { String(format: "%.2f", Double($0) / 1e6) },
            series: names.indices.map { index in
                let quality = config.qualityMults.indices.min {
                    abs(config.qualityMults[$0] - 1_000_000)
                        < abs(config.qualityMults[$1] - 1_000_000)
                }!
                return ReportSeries(
                    names[index],
                    config.bidMults.indices.map { bid in
                        let point = bid * config.qualityMults.count + quality
                        return studies.first { $0.creative == index && $0.point == point }.map {
                            Double($0.winRatePpm) / 1e6
                        } ?? .nan
                    })
            })
        return ([studyTable, slateTable, sensitivityTable, banditTable], [chart])
    }
}
