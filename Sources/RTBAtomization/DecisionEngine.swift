/// Seed 004's AI decision engine, made exact: every recommendation of a round has a score,
/// an impact and a risk in parts per million; its priority is score x impact x (1 - risk)
/// (ppm, floored at each product: (0.8, 0.5, 0.1) is 360,000). The round takes
/// recommendations greedily by descending priority (ties: the earlier recommendation) while
/// the summed risk of those taken stays within the risk budget (200,000 ppm); one that would
/// exceed it is skipped and the next is tried.
public enum DecisionEngine {
    public static let whole: Int64 = 1_000_000
    public static let riskBudget: Int64 = 200_000

    public struct Recommendation: Equatable, Sendable {
        public var score: Int64
        public var impact: Int64
        public var risk: Int64

        public init(score: Int64, impact: Int64, risk: Int64) {
            self.score = score
            self.impact = impact
            self.risk = risk
        }

        public var priority: Int64 { score * impact / whole * (whole - risk) / whole }
    }

    /// Which recommendations are taken, in the given order.
    public static func take(_ recommendations: [Recommendation], budget: Int64 = riskBudget)
        -> [Bool]
    {
        let order = recommendations.indices.sorted {
            (recommendations[$0].priority, -$0) > (recommendations[$1].priority, -$1)
        }
        var taken = [Bool](repeating: false, count: recommendations.count)
        var spent: Int64 = 0
        for index in order where spent + recommendations[index].risk <= budget {
            taken[index] = true
            spent += recommendations[index].risk
        }
        return taken
    }
}
