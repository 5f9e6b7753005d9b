#!/usr/bin/env python3
"""Determinism checks run by tools/test.sh (and CI) on built binaries.

  determinism_check.py sweep [--seeds N] [--days D] [--bin DIR]
      N seeds x scenarios a, b, c: each run recorded twice in separate processes (one with
      SWIFT_DETERMINISTIC_HASHING=1, one without); the run digests must be equal. Failing seeds
      are printed with the command that reproduces them.
  determinism_check.py builds [--debug DIR] [--release DIR]
      The same runs recorded by the debug and the release build must have equal digests.
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile


def record(binary_dir, arguments, ledger, deterministic_hashing):
    env = dict(os.environ)
    env.pop("SWIFT_DETERMINISTIC_HASHING", None)
    if deterministic_hashing:
        env["SWIFT_DETERMINISTIC_HASHING"] = "1"
    command = [os.path.join(binary_dir, "rtb-verify"), "record", "--ledger", ledger] + arguments
    result = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        return None, " ".join(command) + ": " + result.stderr.strip()
    for line in result.stdout.splitlines():
        if line.startswith("run digest:"):
            return line.split()[-1], None
    return None, "no run digest printed"


def sweep(args):
    cases = [(seed, scenario) for seed in range(1, args.seeds + 1) for scenario in "abc"]
    failures = []
    with tempfile.TemporaryDirectory() as directory, concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        def check(case):
            seed, scenario = case
            arguments = ["--scenario", scenario, "--seed", str(seed), "--days", str(args.days)]
            first, error = record(args.bin, arguments, f"{directory}/{scenario}{seed}-1.ledger", False)
            second, error2 = record(args.bin, arguments, f"{directory}/{scenario}{seed}-2.ledger", True)
            if error or error2 or first != second:
                return f"seed {seed} scenario {scenario}: {first} vs {second} {error or error2 or ''}\n" \
                       f"  reproduce: rtb-verify record {' '.join(arguments)} --ledger X.ledger (twice, compare 'run digest')"
            return None
        for outcome in pool.map(check, cases):
            if outcome:
                failures.append(outcome)
    print(f"determinism sweep: {len(cases)} runs x 2 processes, {len(failures)} failures")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


def builds(args):
    configs = [
        ["--scenario", "a,b,c", "--days", "30", "--seed", "42"],
        ["--scenario", "c", "--days", "10", "--seed", "7", "--kill", "buyer-002@d4:10"],
        ["--scenario", "a", "--days", "2", "--seed", "3", "--volume", "small"],
        ["--policy", "mock-llm", "--days", "5", "--seed", "9"],
    ]
    # Models configured by a JSON file (the exchange economy's CES powers and sampled rounds
    # use floating point: our own exp/log/pow must give the same bits in both builds).
    model_configs = [
        ("exchange-economy", '{"seed": 3, "agents": 20000, "goods": 6, "preference": "ces", "elasticity": 0.7}'),
        ("exchange-economy", '{"seed": 4, "agents": 50000, "goods": 4, "sample": 5000, "tolerance": 0.001, "max_rounds": 100}'),
        # Time-decay attribution uses our pow; the fatigue table our exp.
        ("campaign-atomization", '{"seed": 7, "days": 1, "impressions_per_day": 300000, "attribution": "time-decay", "min_impressions": 200, "monitor_min_impressions": 10, "min_test_budget": 20}'),
        ("campaign-atomization", '{"seed": 3, "days": 2, "creatives": ["creative_a"], "bid_strategies": ["balanced"], "dayparts": ["afternoon", "prime"], "platforms": ["hulu", "peacock"], "audiences": [{"id": "eco_urban_renters", "zips": ["10013", "10011"], "signals": ["sustainability", "transit"]}, {"id": "luxury_seekers", "zips": ["10021", "90210"], "signals": ["premium", "experiences"]}], "impressions_per_day": 100000, "users": 20000, "base_cvr_ppm": 20000, "base_ctr_ppm": 50000, "min_test_budget": 20, "min_impressions": 200, "monitor_min_impressions": 10, "fatigue_min_impressions": 2000}'),
        # Profiles use our exp and log, quote noise our normal draws; corrected semantics
        # shuffle the agents and cap the call auction.
        ("p2p-electricity", '{"seed": 1000, "agents": 200, "agent": "satisficer", "mode": "band", "tau": 5}'),
        ("p2p-electricity", '{"seed": 1001, "agents": 100, "agent": "learner", "semantics": "corrected", "mechanism": "call", "call_pricing": "uniform", "feeder_cap_kw": 100}'),
        # Logistic CTRs use our fast exp, contexts our normal pairs; the Thompson allocator's
        # Newton steps and the learning bidders are floating point throughout.
        ("auction-lab", '{"preset": "SP_Truthful_TS", "num_runs": 1, "num_iter": 4, "rounds_per_iter": 5000}'),
        ("auction-lab", '{"preset": "FP_IPS_TS", "num_runs": 1, "num_iter": 3, "rounds_per_iter": 4000, "max_slots": 2, "num_participants_per_round": 3, "position_effects": [1, 0.5], "reserve": 0.01, "billing": "click"}'),
        ("auction-lab", '{"preset": "FP_DM_Oracle", "num_runs": 1, "num_iter": 3, "rounds_per_iter": 4000, "agents": [{"num_copies": 3, "num_items": 5, "bidder": "ValueLearningBidder"}, {"num_copies": 2, "budget": 40, "bidder": "BudgetPacedBidder"}, {"num_copies": 2, "bidder": {"type": "EmpiricalShadedBidder", "kwargs": {"gamma_sigma": 0.1}}}]}'),
        ("auction-lab", '{"preset": "SP_Truthful_TS", "num_runs": 1, "num_iter": 3, "rounds_per_iter": 4000, "personas": true, "users": 1000, "fatigue_half_life": 5}'),
        # Forecasts, Beta draws and bootstrap intervals are floating point; the baselines are
        # read from the example (relative to the checkout).
        ("creative-pipeline", '{"baselines": "examples/seed003-baselines.json", "mode": "honest", "rounds": 800, "sensitivity_rounds": 200, "bootstrap": 100}'),
        ("creative-pipeline", '{"baselines": "examples/seed003-baselines.csv", "budget": 50000, "mode": "reference", "rounds": 800, "sensitivity_rounds": 200, "bootstrap": 100, "days": 5}'),
    ]
    failures = 0
    with tempfile.TemporaryDirectory() as directory:
        for index, (model, text) in enumerate(model_configs):
            path = f"{directory}/model{index}.json"
            with open(path, "w") as handle:
                handle.write(text)
            configs.append(["--model", model, "--config", path])
        for index, arguments in enumerate(configs):
            debug, error = record(args.debug, arguments, f"{directory}/debug{index}.ledger", False)
            release, error2 = record(args.release, arguments, f"{directory}/release{index}.ledger", False)
            same = debug is not None and debug == release
            failures += 0 if same else 1
            print(f"{'same' if same else 'DIFFERENT'}: {' '.join(arguments)}: debug {debug} release {release} "
                  f"{error or error2 or ''}")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    sweep_parser = sub.add_parser("sweep")
    sweep_parser.add_argument("--seeds", type=int, default=50)
    sweep_parser.add_argument("--days", type=int, default=30)
    sweep_parser.add_argument("--bin", default=".build/release")
    builds_parser = sub.add_parser("builds")
    builds_parser.add_argument("--debug", default=".build/debug")
    builds_parser.add_argument("--release", default=".build/release")
    args = parser.parse_args()
    sys.exit(sweep(args) if args.mode == "sweep" else builds(args))


if __name__ == "__main__":
    main()
