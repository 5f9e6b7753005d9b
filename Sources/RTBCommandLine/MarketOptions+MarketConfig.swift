import ArgumentParser
import RTBCore
import RTBEvents
import RTBMarket

/// From the options to the market's config: each value checked, each default filled.
extension MarketOptions {
    /// The case of `T` named `name`, or `fallback` when the option was not given; a one-line
    /// usage error naming the option and the choices otherwise.
    static func choice<T: CaseIterable & CustomStringConvertible>(
        _ name: String?, option: String, default fallback: T
    ) throws -> T {
        guard let name else { return fallback }
        guard let value = T.allCases.first(where: { $0.description == name }) else {
            throw ValidationError(
                "invalid \(option) '\(name)': expected one of "
                    + T.allCases.map(\.description).joined(separator: ", "))
        }
        return value
    }

    func marketConfig() throws -> MarketConfig {
        let scenario = self.scenario ?? Self.defaultScenario
        let days = self.days ?? Self.defaultDays
        let buyers = self.buyers ?? Self.defaultBuyers
        let sellers = self.sellers ?? Self.defaultSellers
        let campaignsPerBuyer = self.campaignsPerBuyer ?? Self.defaultCampaignsPerBuyer
        let productsPerSeller = self.productsPerSeller ?? Self.defaultProductsPerSeller
        let seed = self.seed ?? Self.defaultSeed
        let fee = self.fee ?? Self.defaultFee
        let mechanism = self.mechanism ?? Self.defaultMechanism
        if mockLlm && realLlm {
            throw ValidationError("--mock-llm and --real-llm contradict each other")
        }
        let flagged = mockLlm ? "mock-llm" : realLlm ? "llm" : nil
        if let flagged, let policy = self.policy, policy != flagged {
            throw ValidationError(
                "--\(mockLlm ? "mock" : "real")-llm and --policy \(policy) contradict each other")
        }
        let policy = self.policy ?? flagged ?? Self.defaultPolicy
        let platformFee = self.platformFee ?? Self.defaultPlatformFee
        let hallucinationRate = self.hallucinationRate ?? Self.defaultHallucinationRate
        let rotRate = self.rotRate ?? Self.defaultRotRate
        let decayRate = self.decayRate ?? Self.defaultDecayRate
        let graceDays = self.graceDays ?? Self.defaultGraceDays
        let restartRate = self.restartRate ?? Self.defaultRestartRate
        let volume = self.volume ?? Self.defaultVolume
        var config = MarketConfig()
        var scenarios: [Scenario] = []
        for name in scenario.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Scenario.markets.first(where: { $0.description == name.lowercased() })
            else {
                throw ValidationError(
                    "invalid --scenario '\(scenario)': expected a comma list of a, b, c")
            }
            scenarios.append(value)
        }
        config.scenarios = scenarios
        config.days = days
        config.buyers = buyers
        config.sellers = sellers
        config.campaignsPerBuyer = campaignsPerBuyer
        config.productsPerSeller = productsPerSeller
        config.seed = seed
        config.exchangeFee = try Self.rate(fee, option: "--fee")
        guard let mechanismValue = Mechanism.allCases.first(where: { $0.description == mechanism })
        else {
            throw ValidationError(
                "invalid --mechanism '\(mechanism)': expected one of first-price, second-price, gsp, vcg"
            )
        }
        config.mechanism = mechanismValue
        config.feeAwareReserve = feeAware
        config.bidShading = bidShading ?? (mechanismValue == .firstPrice)
        config.adaptiveFloors = adaptiveFloors
        config.pacing = try Self.choice(pacing, option: "--pacing", default: config.pacing)
        config.sellerPricing = try Self.choice(
            sellerPricing, option: "--seller-pricing", default: config.sellerPricing)
        config.marketGeneration = try Self.choice(
            marketGeneration, option: "--market-generation", default: config.marketGeneration)
        config.bookDrift = !noBookDrift
        config.checkedHistoryClaims = !ignoreHistoryClaims
        config.memoryModel = try Self.choice(
            memoryModel, option: "--memory-model", default: config.memoryModel)
        if let contextWindow {
            guard config.memoryModel == .context else {
                throw ValidationError("--context-window is a setting of --memory-model context")
            }
            config.contextWindow = contextWindow
        }
        if config.memoryModel == .context {
            // The context sets these chances; a flat rate given beside it would be ignored.
            for (given, option) in [
                (self.hallucinationRate, "--hallucination-rate"), (self.rotRate, "--rot-rate"),
                (self.decayRate, "--decay-rate"),
            ] where given != nil {
                throw ValidationError(
                    "\(option) is a rate of --memory-model flat; --memory-model context sets it from each agent's context"
                )
            }
            if self.graceDays != nil {
                throw ValidationError(
                    "--grace-days is a rule of --memory-model flat; --memory-model context has no grace period"
                )
            }
        }
        guard let policyKind = PolicyKind.allCases.first(where: { $0.description == policy }) else {
            throw ValidationError(
                "invalid --policy '\(policy)': expected "
                    + PolicyKind.allCases.map(\.description).joined(separator: ", "))
        }
        config.policy = policyKind
        config.platformFee = try Self.rate(platformFee, option: "--platform-fee")
        config.hallucinationRate = try Self.rate(hallucinationRate, option: "--hallucination-rate")
        config.rotEpisodeRate = try Self.rate(rotRate, option: "--rot-rate")
        config.memoryDecayRate = try Self.rate(decayRate, option: "--decay-rate")
        config.graceDays = graceDays
        config.restartRate = try Self.rate(restartRate, option: "--restart-rate")
        guard let profile = VolumeProfile(name: volume) else {
            throw ValidationError(
                "invalid --volume '\(volume)': expected none, small, medium, large or enterprise")
        }
        config.volume = profile
        config.kills = try kill.map { text in
            guard let parsed = AgentKill.parse(text) else {
                throw ValidationError(
                    "invalid --kill '\(text)': expected AGENT@TICK, e.g. buyer-002@d5:12 or seller-001@90000"
                )
            }
            return parsed
        }
        config.buyerDiscounts = try Self.discounts(
            buyerDiscount, kind: .buyer, option: "--buyer-discount")
        config.sellerDiscounts = try Self.discounts(
            sellerDiscount, kind: .seller, option: "--seller-discount")
        if let problem = config.validate() { throw ValidationError(problem.description) }
        return config
    }

    static func rate(_ text: String, option: String) throws -> Rate {
        guard let rate = Rate.parse(text) else {
            throw ValidationError(
                "invalid \(option) '\(text)': expected a percentage like 15% or a fraction like 0.15"
            )
        }
        return rate
    }

    static func discounts(_ entries: [String], kind: AgentKind, option: String) throws -> [Int:
        Rate]
    {
        var table: [Int: Rate] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=")
            guard parts.count == 2, let agent = AgentRef(name: String(parts[0])),
                agent.kind == kind,
                let rate = Rate.parse(String(parts[1]))
            else {
                throw ValidationError(
                    "invalid \(option) '\(entry)': expected NAME=RATE, e.g. \(kind == .buyer ? "buyer" : "seller")-001=10%"
                )
            }
            table[agent.index] = rate
        }
        return table
    }
}
