import RTBCore

/// Optimality of a bundle judged by first-order conditions, and the utilities a trade search
/// compares. Logs and powers come from `DeterministicMath`.
public enum FirstOrderConditions {
    /// log of the marginal utility of good g up to a common term: log a_g - log(x_g) / sigma
    /// (CES and Cobb-Douglas, sigma = 1); nil for a good the agent does not want.
    static func logMarginal(weight: Double, quantity: Double, sigma: Double) -> Double? {
        guard weight > 0 else { return nil }
        return DeterministicMath.log(weight) - DeterministicMath.log(quantity) / sigma
    }

    /// How far a bundle is from optimal at `prices`: for CES and Cobb-Douglas the spread
    /// (max - min) over wanted goods of log MU_g - log p_g, which is zero at the optimum; for
    /// Leontief the spread of log(x_g / a_g) over wanted goods. Infinity when the agent holds
    /// a good it does not want or lacks one it wants.
    public static func spread(
        bundle: [Double], weights: [Double], prices: [Double], sigma: Double,
        preference: Preference
    ) -> Double {
        var low = Double.infinity
        var high = -Double.infinity
        for good in bundle.indices {
            if weights[good] <= 0 {
                if bundle[good] != 0 { return .infinity }
                continue
            }
            guard bundle[good] > 0 else { return .infinity }
            let value: Double
            switch preference {
            case .cobbDouglas, .ces:
                value =
                    logMarginal(weight: weights[good], quantity: bundle[good], sigma: sigma)!
                    - DeterministicMath.log(prices[good])
            case .leontief:
                value = DeterministicMath.log(bundle[good] / weights[good])
            }
            low = min(low, value)
            high = max(high, value)
        }
        return high >= low ? high - low : 0
    }

    /// A utility with the agent's ordering (a monotone transform of U): Cobb-Douglas
    /// sum a_g log x_g; CES sign(rho) * sum a_g x_g^rho, rho = (sigma - 1) / sigma.
    static func utility(bundle: [Double], weights: [Double], sigma: Double) -> Double {
        let rho = (sigma - 1) / sigma
        var total = 0.0
        for good in bundle.indices where weights[good] > 0 {
            if rho == 0 {
                total += weights[good] * DeterministicMath.log(bundle[good])
            } else {
                total += weights[good] * DeterministicMath.pow(bundle[good], rho)
            }
        }
        return rho < 0 ? -total : total
    }
}
