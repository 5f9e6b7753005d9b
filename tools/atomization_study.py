#!/usr/bin/env python3
"""Seed 004's agents on versus off: reads the manifest of a `rtb-sim sweep` of the
campaign-atomization model whose only axis is `agents` (studies/atomization-agents.json) and
prints, per arm, the mean ROAS and the share of spend wasted (spent by cells that were never
credited a conversion) over the seeds, each with a seeded bootstrap 95% interval, and each arm's
paired difference from the arm with every agent off (resampling seeds, the same seeds in every
arm). Deterministic: the bootstrap's generator is seeded (--seed, default 1).

  rtb-sim sweep studies/atomization-agents.json --directory study --jobs 2
  python3 tools/atomization_study.py study/manifest.json
"""
import argparse
import json
import random
import sys

from study_stats import bootstrap


def arm_name(agents):
    names = ("monitor", "reallocation", "lifecycle", "fatigue", "synthesizer", "discovery", "merge")
    on = [name for name in names if agents.get(name, True)]
    if not on:
        return "all off"
    if len(on) == len(names):
        return "all on"
    return " + ".join(on) + " only"


def print_arms(arms, base_name, draws, seed, titles):
    """A markdown table: per arm, mean ROAS and wasted share with bootstrap 95% intervals over
    the seeds, and each one's paired difference from the arm `base_name`."""
    base = arms[base_name]
    first, versus = titles
    print(f"| {first} | seeds | ROAS (95% bootstrap) | {versus} | wasted share of spend | {versus} |")
    print("|---|---|---|---|---|---|")
    for name, runs in arms.items():
        seeds = sorted(runs)
        rng = random.Random(seed)
        row = [name, str(len(seeds))]
        for measure in (0, 1):
            values = [runs[s][measure] for s in seeds]
            low, high = bootstrap(values, draws, rng)
            row.append(f"{sum(values) / len(values):.3f} [{low:.3f}, {high:.3f}]")
            paired = [runs[s][measure] - base[s][measure] for s in seeds if s in base]
            if name == base_name or not paired:
                row.append("-")
            else:
                low, high = bootstrap(paired, draws, rng)
                row.append(f"{sum(paired) / len(paired):+.3f} [{low:+.3f}, {high:+.3f}]")
        print("| " + " | ".join(row) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("manifest")
    parser.add_argument("--draws", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    try:
        with open(options.manifest, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as error:
        sys.exit(f"atomization_study: {options.manifest}: {error}")
    if manifest.get("model") != "campaign-atomization":
        sys.exit(f"atomization_study: {options.manifest}: not a campaign-atomization study")
    arms = {}
    for cell in manifest["cells"]:
        config, metrics = cell["config"], cell["metrics"]
        name = arm_name(config.get("agents", {}))
        spend = metrics["spend_micros"]
        arms.setdefault(name, {})[config["seed"]] = (
            metrics["roas_ppm"] / 1e6, metrics["wasted_spend_micros"] / spend if spend else 0.0)
    if "all off" not in arms:
        sys.exit("atomization_study: the study has no arm with every agent off")
    print_arms(arms, "all off", options.draws, options.seed,
               ("arm", "vs all off"))


if __name__ == "__main__":
    main()
