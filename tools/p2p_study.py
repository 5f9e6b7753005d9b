#!/usr/bin/env python3
"""Seed 002's aggregation over a run book recorded by tools/p2p_runbook.sh: per experiment
(every OUT/exp_*/manifest.json) the reference's products, and the overlays across experiments.

  python3 tools/p2p_study.py OUT --output OUT/analysis

Per experiment, in OUTPUT/NAME/: runs.csv (one row per run: N, agent, mode, tau, K, seed,
w_hat, W = mean cents of quote welfare per interval, wall_ms, offers_seen, solver_calls), frontier.csv (one row per cell: seed means, and a percentile bootstrap 95% CI
of the mean W-hat: 1,000 resamples of the seeds drawn with Python's random.Random(0)),
frontier_pareto.csv and frontier_pareto_by_N.csv (cells no other cell beats on both
W-hat, higher, and compute, lower; compute is the measured wall ms per decision as in the
reference) and frontier_pareto_ops.csv (the same with the deterministic compute measure,
offers seen plus solver calls per decision), scaling.csv (agent, N, mean wall ms and mean
operations per decision over the cells).

Across experiments, in OUTPUT/overlay/: combined_frontier.csv (frontiers with a label),
combined_frontier_pareto_by_N.csv, combined_summary.csv, combined_runs.csv; ratios.csv (for
every satisficer cell, against the optimizer of its experiment family at the same N: R_W as
the seed mean of W-hat_sat / W-hat_opt and as the mean of W_sat / W_opt joined on (N, seed),
and R_C = ms_opt / ms_sat and ops_opt / ops_sat); regression.csv (the OLS fit of wall ms on
offers seen across cells, slope and R^2, per experiment); w_hat_table.csv (seed mean and CI of
W-hat for the core experiments at each N). Charts: `rtb-verify report --manifest` renders a
study's frontier, Pareto by N and scaling (docs/electricity.md).

Wall-clock figures are measurements (each ledger's `decision.wall_ns.mean_of_agents`, outside
every digest); every other number comes from the manifests, so two machines agree on them.
"""
import argparse
import csv
import glob
import json
import os
import random
import sqlite3
import sys

import study_stats

CORE = {"exp_opt_v4": "opt_greedy", "exp_band_v4": "band", "exp_k_v4": "k_search", "exp_kg_v4": "k_greedy"}


def wall_ms(ledger):
    """The run's mean over agents of each agent's mean decision time, in ms (a measurement)."""
    with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True) as database:
        row = database.execute(
            "SELECT value FROM measurements WHERE name = 'decision.wall_ns.mean_of_agents'").fetchone()
    return row[0] / 1e6 if row else float("nan")


def runs_of(directory):
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    runs = []
    for cell in manifest["cells"]:
        config, metrics = cell["config"], cell["metrics"]
        agent = config.get("agent", "optimizer")
        mode = config.get("mode") or (config.get("optimizer_mode", "greedy") if agent == "optimizer" else "na")
        tau = config.get("tau", "hetero" if "hetero_tau" in config else "")
        k = config.get("k", "hetero" if "hetero_k" in config else "")
        decisions = max(1, metrics["decisions"])
        runs.append({
            "N": config["agents"], "agent": agent, "mode": mode, "tau": tau, "K": k, "seed": config["seed"],
            "w_hat": metrics["w_hat_mean_ppm"] / 1e6,
            "W": metrics["welfare_microcent_kwh"] / 1e6 / metrics["intervals"],
            "wall_ms": wall_ms(os.path.join(directory, cell["ledger"])),
            "offers_seen": metrics["offers_seen_milli"] / 1000,
            "solver_calls": metrics["solver_calls_milli"] / 1000,
            "active_intervals": metrics["active_intervals"],
            "traded_kwh": metrics["traded_micro_kwh"] / 1e6,
            "decisions": decisions,
        })
    return runs


def bootstrap(values, draws=1000, seed=0):
    """Percentile 95% interval of the mean over `draws` resamples (seeded)."""
    return study_stats.bootstrap(values, draws, random.Random(seed))


def cell_key(run):
    return (run["N"], run["agent"], run["mode"], str(run["tau"]), str(run["K"]))


def frontier(runs):
    cells = {}
    for run in runs:
        cells.setdefault(cell_key(run), []).append(run)
    rows = []
    def number(text):
        try:
            return (0, float(text))
        except ValueError:
            return (1, 0.0) if text == "" else (2, 0.0)
    for key in sorted(cells, key=lambda k: (k[0], k[1], k[2], number(k[3]), number(k[4]))):
        group = cells[key]
        mean = lambda name: sum(r[name] for r in group) / len(group)
        low, high = bootstrap([r["w_hat"] for r in group])
        rows.append({
            "N": key[0], "agent": key[1], "mode": key[2], "tau": key[3], "K": key[4],
            "w_hat_mean": mean("w_hat"), "W_mean": mean("W"), "wall_ms_mean": mean("wall_ms"),
            "offers_seen_mean": mean("offers_seen"), "solver_calls_mean": mean("solver_calls"),
            "ops_mean": mean("offers_seen") + mean("solver_calls"),
            "seeds": len({r["seed"] for r in group}), "w_hat_lo": low, "w_hat_hi": high,
        })
    return rows


def pareto(rows, cost):
    """Rows no other row beats: W-hat at least as high and cost at most as low, one strictly."""
    kept = []
    for row in rows:
        dominated = any(
            other["w_hat_mean"] >= row["w_hat_mean"] and other[cost] <= row[cost]
            and (other["w_hat_mean"] > row["w_hat_mean"] or other[cost] < row[cost])
            for other in rows if other is not row)
        if not dominated:
            kept.append(row)
    return kept


def by_n(rows, cost):
    kept = []
    for n in sorted({row["N"] for row in rows}):
        kept += pareto([row for row in rows if row["N"] == n], cost)
    return kept


def scaling(rows):
    groups = {}
    for row in rows:
        groups.setdefault((row["agent"], row["mode"], row["N"]), []).append(row)
    return [{"agent": a, "mode": m, "N": n,
             "wall_ms_mean": sum(r["wall_ms_mean"] for r in g) / len(g),
             "ops_mean": sum(r["ops_mean"] for r in g) / len(g)}
            for (a, m, n), g in sorted(groups.items())]


def regression(rows):
    """OLS of wall ms on offers seen plus solver calls across cells: slope, intercept, R^2."""
    xs = [row["ops_mean"] for row in rows]
    ys = [row["wall_ms_mean"] for row in rows]
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    slope = sxy / sxx
    return {"cells": n, "slope_ns_per_offer": slope * 1e6, "intercept_us": (my - slope * mx) * 1e3,
            "r2": sxy * sxy / (sxx * syy)}


def write(path, rows, columns=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    columns = columns or (list(rows[0].keys()) if rows else [])
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:.6f}" if isinstance(v, float) else v) for k, v in row.items()})


def family(name):
    """The optimizer experiment a satisficer experiment is compared with."""
    for part in ("ticker", "call_cap", "call", "sigma1"):
        if part in name:
            return "exp_opt_call_v4" if part == "call_cap" else f"exp_opt_{part}_v4"
    return "exp_opt_v4"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--output", required=True)
    options = parser.parse_args()
    experiments = {}
    for manifest in sorted(glob.glob(os.path.join(options.directory, "exp_*", "manifest.json"))):
        name = os.path.basename(os.path.dirname(manifest))
        experiments[name] = runs_of(os.path.dirname(manifest))
    if not experiments:
        sys.exit(f"p2p_study: no exp_*/manifest.json under {options.directory}")
    frontiers, combined_runs, combined_pareto, regressions = {}, [], [], []
    for name, runs in experiments.items():
        out = os.path.join(options.output, name)
        rows = frontier(runs)
        frontiers[name] = rows
        write(os.path.join(out, "runs.csv"), runs)
        write(os.path.join(out, "frontier.csv"), rows)
        write(os.path.join(out, "frontier_pareto.csv"), pareto(rows, "wall_ms_mean"), list(rows[0]))
        write(os.path.join(out, "frontier_pareto_by_N.csv"), by_n(rows, "wall_ms_mean"), list(rows[0]))
        write(os.path.join(out, "frontier_pareto_ops.csv"), by_n(rows, "ops_mean"), list(rows[0]))
        write(os.path.join(out, "scaling.csv"), scaling(rows))
        fit = regression(rows)
        if fit:
            regressions.append({"experiment": name, **fit})
        label = CORE.get(name, name.replace("exp_", "").replace("_v4", ""))
        combined_runs += [{**run, "label": label} for run in runs]
        combined_pareto += [{**row, "label": label} for row in by_n(rows, "wall_ms_mean")]
    overlay = os.path.join(options.output, "overlay")
    everything = [{**row, "label": name} for name, rows in frontiers.items() for row in rows]
    write(os.path.join(overlay, "combined_frontier.csv"), everything)
    write(os.path.join(overlay, "combined_frontier_pareto_by_N.csv"), combined_pareto)
    write(os.path.join(overlay, "combined_runs.csv"), combined_runs)
    summary = {}
    for run in combined_runs:
        summary.setdefault((run["label"], run["agent"], run["mode"], run["N"]), []).append(run)
    write(os.path.join(overlay, "combined_summary.csv"), [
        {"label": l, "agent": a, "mode": m, "N": n, "runs": len(g),
         "w_hat_mean": sum(r["w_hat"] for r in g) / len(g), "W_mean": sum(r["W"] for r in g) / len(g),
         "wall_ms_mean": sum(r["wall_ms"] for r in g) / len(g),
         "ops_mean": sum(r["offers_seen"] + r["solver_calls"] for r in g) / len(g)}
        for (l, a, m, n), g in sorted(summary.items(), key=lambda item: tuple(map(str, item[0])))])
    ratios = []
    for name, runs in experiments.items():
        base = experiments.get(family(name))
        if name.startswith("exp_opt") or base is None:
            continue
        optimal = {(r["N"], r["seed"]): r for r in base}
        for row in frontiers[name]:
            cell = [r for r in runs if cell_key(r) == (row["N"], row["agent"], row["mode"], row["tau"], row["K"])]
            pairs = [(r, optimal[(r["N"], r["seed"])]) for r in cell if (r["N"], r["seed"]) in optimal]
            if not pairs:
                continue
            opt_rows = [f for f in frontiers[family(name)] if f["N"] == row["N"]]
            ms_opt = sum(f["wall_ms_mean"] for f in opt_rows) / len(opt_rows)
            ops_opt = sum(f["ops_mean"] for f in opt_rows) / len(opt_rows)
            ratios.append({
                "experiment": name, "N": row["N"], "mode": row["mode"], "tau": row["tau"], "K": row["K"],
                "R_W_hat": sum(s["w_hat"] / o["w_hat"] for s, o in pairs if o["w_hat"]) / len(pairs),
                "R_W_abs": sum(s["W"] / o["W"] for s, o in pairs if o["W"]) / len(pairs),
                "R_C_ms": ms_opt / row["wall_ms_mean"] if row["wall_ms_mean"] else float("nan"),
                "R_C_ops": ops_opt / row["ops_mean"] if row["ops_mean"] else float("inf"),
            })
    write(os.path.join(overlay, "ratios.csv"), ratios)
    write(os.path.join(overlay, "regression.csv"), regressions)
    table = []
    for name in CORE:
        for row in frontiers.get(name, []):
            table.append({"experiment": name, **{k: row[k] for k in ("N", "mode", "tau", "K", "w_hat_mean", "w_hat_lo", "w_hat_hi", "seeds")}})
    write(os.path.join(overlay, "w_hat_table.csv"), table)
    print(f"p2p study: {sum(len(r) for r in experiments.values())} runs of {len(experiments)} experiments "
          f"aggregated into {options.output}")


if __name__ == "__main__":
    main()
