#!/usr/bin/env python3
"""Seed 004's learning system on versus off: for each seed s, a first campaign (seed s, world
s) is recorded and its learned patterns (PatternLearned events) become the library of a second
campaign of the same advertiser in the same world (seed s + 1000, world s), recorded once with
that library and once without. Prints the second campaign's mean ROAS and wasted share of
spend per arm with seeded bootstrap 95% intervals over the seeds, and the paired difference
(with minus without). Deterministic: every run is seeded, and so is the bootstrap (--seed).

  python3 tools/atomization_learning.py --directory learning --seeds 10
"""
import argparse
import json
import os
import subprocess
import sys

from atomization_study import print_arms
from atomization_library import patterns

BASE = {"days": 3, "impressions_per_day": 300000, "users": 50000, "min_test_budget": 20,
        "min_impressions": 200, "monitor_min_impressions": 100, "fatigue_min_impressions": 5000}


def record(binary, config, path):
    config_path = path[:-len(".ledger")] + ".json"
    with open(config_path, "w") as handle:
        json.dump(config, handle, sort_keys=True)
    if os.path.exists(path):
        os.remove(path)
    done = subprocess.run(
        [os.path.join(binary, "rtb-verify"), "record", "--model", "campaign-atomization",
         "--config", config_path, "--ledger", path, "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"atomization_learning: {path}: {done.stderr.strip()}")
    metrics = json.loads(done.stdout)["metrics"]
    spend = metrics["spend_micros"]
    return metrics["roas_ppm"] / 1e6, metrics["wasted_spend_micros"] / spend if spend else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--directory", required=True)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--bin", default=".build/release")
    parser.add_argument("--draws", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    os.makedirs(options.directory, exist_ok=True)
    arms = {"without library": {}, "with library": {}}
    weighted = []
    for seed in range(1, options.seeds + 1):
        first = os.path.join(options.directory, f"first-{seed}.ledger")
        record(options.bin, dict(BASE, seed=seed, world_seed=seed), first)
        library = patterns(first, options.bin)
        weighted.append(sum(1 for item in library if item["confidence_ppm"] > 850000))
        second = dict(BASE, seed=seed + 1000, world_seed=seed)
        arms["without library"][seed] = record(
            options.bin, second, os.path.join(options.directory, f"second-{seed}.ledger"))
        arms["with library"][seed] = record(
            options.bin, dict(second, library=library),
            os.path.join(options.directory, f"learned-{seed}.ledger"))
    print(f"confident patterns per first campaign: {weighted}")
    print_arms(arms, "without library", options.draws, options.seed,
               ("second campaign", "with - without"))

if __name__ == "__main__":
    main()
