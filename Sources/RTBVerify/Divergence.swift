import RTBCore
import RTBEvents
import RTBMarket

/// The first point where a replay differs from the recording.
public struct Divergence: Sendable {
    /// Sequence number of the first differing event (nil when only a checkpoint differs).
    public var sequence: UInt64?
    /// Frame holding it.
    public var frame: Int
    /// The recorded event and the replayed one (nil when one side has no event there).
    public var expected: MarketEvent?
    public var actual: MarketEvent?
    /// A checkpoint whose state digest differs, when that is the divergence.
    public var checkpoint: (frameCount: Int, expected: Digest32, actual: Digest32)?
    /// The last checkpoint whose state matched, and segments re-run to find this.
    public var lastMatchingCheckpoint: Int?
    public var segmentsRerun: Int

    /// Field-by-field rendering: name, expected, actual, marker on differing rows.
    public func report(trace: String, market: Market?) -> String {
        var lines: [String] = []
        if let sequence {
            let event = actual ?? expected
            let agent =
                event.flatMap { event in market.flatMap { EventAgents.agent(of: event, market: $0) }
                }.map(\.description) ?? "-"
            lines.append(
                "divergence at event \(sequence) (frame \(frame)): \(event.map { "\($0.time)" } ?? "-"), "
                    + "scenario \(event.map { $0.scenario.description } ?? "-"), kind \(event.map { $0.kind.description } ?? "-"), "
                    + "agent \(agent)")
            let expectedFields = expected?.fields ?? []
            let actualFields = actual?.fields ?? []
            var rows = [["field", "expected (recorded)", "actual (replayed)", ""]]
            for index in 0..<max(expectedFields.count, actualFields.count) {
                let name =
                    index < expectedFields.count
                    ? expectedFields[index].name : actualFields[index].name
                let left =
                    index < expectedFields.count
                    ? expectedFields[index].value.description : "(none)"
                let right =
                    index < actualFields.count ? actualFields[index].value.description : "(none)"
                rows.append([name, left, right, left == right ? "" : "<-- differs"])
            }
            if expected == nil { rows.append(["(recording)", "ends here", "", "<-- differs"]) }
            if actual == nil { rows.append(["(replay)", "", "ends here", "<-- differs"]) }
            lines.append(TextTable.render(rows))
        } else if let checkpoint {
            lines.append(
                "divergence: checkpoint after frame \(checkpoint.frameCount - 1) has state digest \(checkpoint.actual.short) "
                    + "on replay, \(checkpoint.expected.short) recorded (every event before it matched)"
            )
        }
        if let last = lastMatchingCheckpoint {
            lines.append("last matching checkpoint: after frame \(last - 1)")
        } else {
            lines.append("last matching checkpoint: none (the divergence is in the first segment)")
        }
        if segmentsRerun > 0 { lines.append("segments re-run: \(segmentsRerun)") }
        let from = lastMatchingCheckpoint.map { " --from-checkpoint \($0)" } ?? ""
        lines.append("reproduce: rtb-verify replay --trace \(trace)\(from)")
        return lines.joined(separator: "\n")
    }
}

/// Which agent an event concerns, resolving campaigns and products through the market.
public enum EventAgents {
    public static func agent(of event: MarketEvent, market: Market) -> AgentRef? {
        if let agent = event.agent { return agent }
        func buyer(_ campaign: Int) -> AgentRef? {
            campaign < market.campaigns.count ? .buyer(market.campaigns[campaign].buyer) : nil
        }
        func seller(_ product: Int) -> AgentRef? {
            product < market.products.count ? .seller(market.products[product].seller) : nil
        }
        switch event.body {
        case .bid(let payload): return buyer(payload.campaign)
        case .bidRequest, .auctionCleared, .openAuction: return .exchange
        case .rfp(let payload): return buyer(payload.campaign)
        case .dealAgreed(let payload): return buyer(payload.campaign)
        case .reconciliation(let payload): return buyer(payload.campaign)
        case .directOffer(let payload): return seller(payload.product)
        default: return nil
        }
    }
}
