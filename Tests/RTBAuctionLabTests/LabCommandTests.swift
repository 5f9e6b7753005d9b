import Foundation
import RTBAuctionLab
import RTBCore
import RTBIntegrity
import RTBLedger
import RTBModels
import RTBTestSupport
import Testing

/// The auction lab through the command line.
enum LabCLI {
    static func record(_ json: String, path: String, _ more: [String] = []) throws
        -> TestSupport.ProcessResult
    {
        try TestSupport.recordModel(
            "auction-lab", json: json, path: path, frameBytes: 16384, checkpointEvery: 4, more)
    }

    /// Upstream's SP_Truthful_TS, shortened: learners (checkpoints between iterations only).
    static let truthfulTS =
        "{\"preset\": \"SP_Truthful_TS\", \"num_runs\": 2, \"num_iter\": 3, \"rounds_per_iter\": 1500}"
    /// First price, three slots with position effects, a reserve, per-click billing, budgets.
    static let slotsAndBudgets = """
        {"random_seed": 5, "num_runs": 1, "num_iter": 2, "rounds_per_iter": 2000,
         "num_participants_per_round": 4, "max_slots": 3, "position_effects": [1, 0.6, 0.3],
         "reserve": 0.02, "allocation": "SecondPrice", "billing": "click",
         "agents": [
           {"name": "paced", "num_copies": 2, "num_items": 4, "budget": 20,
            "allocator": "OracleAllocator", "bidder": "BudgetPacedBidder"},
           {"name": "shaded", "num_copies": 3, "num_items": 4,
            "allocator": "OracleAllocator",
            "bidder": {"type": "EmpiricalShadedBidder", "kwargs": {"gamma_sigma": 0.1, "init_gamma": 0.9}}}
         ]}
        """
    /// The persona pass: six personas, a pool of users, creative fatigue.
    static let personas =
        "{\"preset\": \"FP_DM_TS\", \"num_iter\": 2, \"rounds_per_iter\": 2000, \"personas\": true, \"users\": 400, \"fatigue_half_life\": 4}"
    /// The oracle, impression billing, budgets that bind (for the overspend canary).
    static let budgets = """
        {"random_seed": 9, "num_runs": 1, "num_iter": 2, "rounds_per_iter": 2000,
         "allocation": "FirstPrice", "num_participants_per_round": 3,
         "agents": [
           {"num_copies": 2, "num_items": 3, "budget": 30, "bidder": "BudgetPacedBidder"},
           {"num_copies": 2, "num_items": 3, "bidder": "TruthfulBidder"}
         ]}
        """
}

/// Two processes record one digest; the check is clean; replay is identical; a planted
/// divergence is named at its event; a recorder killed after a seeded frame resumes to the
/// same digest.
@Test(arguments: [LabCLI.truthfulTS, LabCLI.slotsAndBudgets, LabCLI.personas])
func labRunsAreOneDigestReplayAndResume(json: String) throws {
    try expectOneDigestReplayAndResume(json: json, perturb: 1234, killKey: "lab-kill") {
        try LabCLI.record($0, path: $1, $2)
    }
}

/// Every canary is caught by its invariant (and only by the invariants its damage reaches).
@Test(arguments: [
    ("pay-own-bid", LabCLI.truthfulTS, ["payment-rule"]),
    // The second-best winner then pays the best bid: above its own.
    ("skip-best", LabCLI.truthfulTS, ["payment-rule", "winners-ordered", "no-charge-above-bid"]),
    ("overcharge", LabCLI.truthfulTS, ["payment-rule", "no-charge-above-bid"]),
    ("overspend", LabCLI.budgets, ["budget-respected"]),
    ("revenue-leak", LabCLI.truthfulTS, ["accounts-match"]),
    ("regret-leak", LabCLI.truthfulTS, ["accounts-match", "regret-adds-up"]),
    ("phantom-update", LabCLI.truthfulTS, ["allocator-data"]),
    // The missing round's impression is missing from the checker's count of the item's data.
    ("drop-round", LabCLI.truthfulTS, ["accounts-match", "allocator-data", "rounds-complete"]),
])
func everyLabCanaryIsCaught(canary: String, json: String, invariants: [String]) throws {
    try expectCanaryCaught(canary, json: json, invariants: invariants) {
        try LabCLI.record($0, path: $1, $2)
    }
}

/// Bad input: one line naming the key, exit 64, no ledger.
@Test(arguments: [
    ("{\"preset\": \"SP_Nothing\"}", "invalid preset"),
    ("{\"preset\": \"SP_Oracle\", \"max_slots\": 3}", "invalid max_slots"),
    ("{\"preset\": \"SP_Oracle\", \"rounds_per_iter\": 0}", "invalid rounds_per_iter"),
    ("{\"preset\": \"SP_Oracle\", \"allocation\": \"Dutch\"}", "invalid allocation"),
    ("{\"preset\": \"SP_Oracle\", \"colour\": 1}", "invalid colour"),
    (
        "{\"agents\": [{\"num_copies\": 2, \"bidder\": \"BudgetPacedBidder\"}]}",
        "invalid agents[0].budget"
    ),
    (
        "{\"agents\": [{\"num_copies\": 2, \"bidder\": {\"type\": \"TruthfulBidder\", \"kwargs\": {\"gamma\": 1}}}]}",
        "invalid agents[0].bidder.kwargs.gamma"
    ),
    (
        "{\"agents\": [{\"num_copies\": 2, \"allocator\": \"Psychic\"}]}",
        "invalid agents[0].allocator"
    ),
    ("{\"preset\": \"SP_Oracle\", \"position_effects\": [1.5]}", "invalid position_effects"),
    (
        "{\"preset\": \"SP_Oracle\", \"personas\": [{\"share\": 1e300}]}",
        "invalid personas[0].share"
    ),
    ("{\"preset\": \"SP_Oracle\", \"reserve\": 1e300}", "invalid reserve"),
])
func badLabConfigsAreOneLineAndExit64(json: String, message: String) throws {
    let path = TestSupport.temporaryDirectory() + "/bad.ledger"
    let recorded = try LabCLI.record(json, path: path)
    #expect(recorded.status == 64, "\(recorded.error)")
    #expect(recorded.error.contains(message), "\(recorded.error)")
    #expect(recorded.error.split(separator: "\n").count == 1, "\(recorded.error)")
    #expect(!FileManager.default.fileExists(atPath: path))
}

/// tools/ledger_reader.py, written from the generated layouts alone, reads lab ledgers (per
/// impression and per click, with users): the same head hash, frames, events and kinds as
/// `verify --deep` and the lab's own decoder.
@Test(arguments: [LabCLI.slotsAndBudgets, LabCLI.personas])
func theIndependentReaderReadsLabLedgers(json: String) throws {
    let path = TestSupport.temporaryDirectory() + "/lab.ledger"
    let recorded = try LabCLI.record(json, path: path)
    #expect(recorded.status == 0, "\(recorded.error)")
    let readerKinds = try TestSupport.independentReaderKinds(path)
    var kinds: [String: Int] = [:]
    try LedgerEvents.forEach(AuctionLabModel.self, store: try LedgerStore.open(path: path)) {
        _, event in
        kinds[event.kind.description, default: 0] += 1
        return true
    }
    #expect(readerKinds == kinds)
}
