import Foundation
import Testing
import RTBCore
import RTBEvents
import RTBIntegrity
import RTBLedger
import RTBMarket
import RTBModels
import RTBRunning
import RTBTestSupport
import RTBTrace

/// Every agent decision goes through one chokepoint. The `rule-based-service` policy asks the
/// same rules outside the engine: each answer is recorded as a Decision event, the market's
/// history is otherwise event for event the in-engine policy's, and replay reproduces the
/// recording without the service (a replayer has no live decision source at all).
@Test func decisionsAskedOutsideAreRecordedAndReplayWithoutTheService() throws {
    let directory = TestSupport.temporaryDirectory()
    var config = TestSupport.smallConfig(seed: 21, days: 3)
    config.volume = .small
    let inside = directory + "/inside.ledger"
    let outside = directory + "/outside.ledger"
    try recordMarket(config, path: inside)
    config.policy = .ruleBasedService
    let (outcome, _) = try recordMarket(config, path: outside)
    let recorded = try marketEvents(outside).map(\.event)
    let decisions = recorded.filter { $0.decision != nil }
    #expect(decisions.count > 1_000)
    #expect(decisions.allSatisfy { $0.decision?.source == "rule-based-service" })
    func market(_ events: [MarketEvent]) -> [MarketEvent] {
        events.filter {
            if case .decision = $0.body { return false }
            if case .runStarted = $0.body { return false }  // names the config, policy included
            if case .scenarioFinished = $0.body { return false }  // counts the decisions too
            return true
        }
    }
    #expect(market(recorded) == market(try marketEvents(inside).map(\.event)))
    let replay = try Replayer(path: outside).replay(ReplayOptions())
    #expect(replay.divergence == nil && replay.runDigest == outcome.runDigest)
    let check = try LedgerChecker.check(path: outside)
    #expect(check.tally.totalViolations == 0)
    let asked = try LedgerStore.open(path: outside).measurements().filter {
        $0.name == "decision.asked"
    }
    #expect(asked.reduce(0) { $0 + Int($1.value) } == decisions.count)
}

/// A recording that asks outside, killed mid-run, resumes from its last checkpoint with the
/// recorded answers and ends with the uninterrupted digest.
@Test func aKilledRecordingThatAsksOutsideResumesToTheSameDigest() throws {
    let directory = TestSupport.temporaryDirectory()
    let arguments = [
        "--scenario", "b,c", "--days", "4", "--seed", "6", "--policy", "rule-based-service",
        "--frame-bytes", "4096", "--checkpoint-every", "3",
    ]
    let baseline = try TestSupport.run(
        "rtb-verify", ["record", "--ledger", directory + "/baseline.ledger"] + arguments)
    #expect(baseline.status == 0, "\(baseline.error)")
    let expected = try ChainVerifier.verify(path: directory + "/baseline.ledger")
    let path = directory + "/killed.ledger"
    let killed = try TestSupport.run(
        "rtb-verify",
        ["record", "--ledger", path, "--inject-fault", "kill@after-frame:\(expected.frames / 2)"]
            + arguments)
    #expect(killed.signal == SIGKILL)
    let resumed = try TestSupport.run("rtb-verify", ["record", "--resume", path])
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(try ChainVerifier.verify(path: path).headHash == expected.headHash)
}

/// Questions and answers survive their canonical encoding.
@Test func tradingQuestionsAndAnswersRoundTrip() throws {
    let questions: [TradingQuestion] = [
        .auctionBid(campaign: 3, product: 7, randomBits: .max),
        .openBid(campaign: 1, product: 2, segment: 5, randomBits: 42),
        .rfpTargets(campaign: 4, candidates: [1, 9, 12], reputations: [900, -1, 0]),
        .quote(product: 2, requested: 1_000_000, maxCPM: Micros(12_340_000), available: 5),
        .rankOffers(
            campaign: 0,
            offers: [OfferView(negotiation: 8, product: 1, cpm: Micros(1), impressions: 3)]),
        .acceptThreshold(campaign: 2, priceReference: .zero),
        .acceptsCounter(product: 6, cpm: Micros(99)), .directAsk(product: 0),
    ]
    for question in questions {
        var reader = CanonicalReader(question.canonicalBytes)
        #expect(try TradingQuestion(from: &reader) == question)
        #expect(reader.isAtEnd)
    }
    let answers: [TradingAnswer] = [
        .bid(nil), .bid(Micros(5_000_000)), .cents(-3), .indexes([4, 2]), .quote(nil),
        .quote(Quote(cpm: Micros(7), impressions: 9, dealType: .preferredDeal)),
        .price(Micros(11)), .accepts(true),
    ]
    for answer in answers {
        var reader = CanonicalReader(answer.canonicalBytes)
        #expect(try TradingAnswer(from: &reader) == answer)
    }
}

/// `--policy mock-llm` (or the seed's `--mock-llm`) records, replays and checks clean; the two
/// spellings give one digest; contradicting them is refused.
@Test func theMockLLMPolicyRecordsReplaysAndChecks() throws {
    let directory = TestSupport.temporaryDirectory()
    let first = directory + "/policy.ledger"
    let second = directory + "/flag.ledger"
    let base = ["record", "--days", "3", "--seed", "5"]
    let recorded = try TestSupport.run(
        "rtb-verify", base + ["--policy", "mock-llm", "--ledger", first])
    #expect(recorded.status == 0, "\(recorded.error)")
    let flagged = try TestSupport.run("rtb-verify", base + ["--mock-llm", "--ledger", second])
    #expect(flagged.status == 0, "\(flagged.error)")
    #expect(
        try ChainVerifier.verify(path: first).headHash
            == ChainVerifier.verify(path: second).headHash)
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", first])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", first])
    #expect(checked.status == 0 && checked.output.contains("no violations"), "\(checked.output)")
    let refused = try TestSupport.run(
        "rtb-verify",
        base + ["--mock-llm", "--policy", "rule-based", "--ledger", directory + "/x.ledger"])
    #expect(refused.status == 64 && refused.error.contains("contradict"), "\(refused.error)")
}
