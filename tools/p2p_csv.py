#!/usr/bin/env python3
"""The reference's per-run CSVs of seed 002 from a p2p-electricity ledger, with the reference's
columns (docs/electricity.md, "The reference's CSVs"):

  python3 tools/p2p_csv.py LEDGER OUTDIR [--tag TAG] [--bin .build/release]

interval_metrics_TAG.csv: t, trades, traded_kwh, posted_buy_kwh, posted_sell_kwh,
unserved_kwh, curtailment_kwh (the reference's definitions: max(0, posted - traded) per side),
price_mean, price_var (unweighted mean and population variance of the trade prices, c/kWh),
W, W_bound (cents), W_hat; values with 6 decimals.

decision_metrics_TAG.csv: run_id ("cell"), t, agent_id, agent_type (Optimizer, Satisficer,
ZeroIntelligence, Learner), action_type (accept or post), price_cperkwh and qty_kwh (from the
action; blank for a post), offers_seen, solver_calls, learners_steps (blank), wall_ms and mem_mb.
One row per decision: a corrected run's posted remainder belongs to its accept's row. The
ledger keeps each agent's mean decision time (a measurement, outside every digest), not each
decision's, so wall_ms is that agent's mean over the run; memory is not measured (mem_mb blank).

The events come from `rtb-verify export` (the tables of the ledger's events); nothing is
recomputed from the model.
"""
import argparse
import csv
import os
import sqlite3
import subprocess
import sys
import tempfile

TYPES = {"optimizer-greedy": "Optimizer", "optimizer-single": "Optimizer", "band": "Satisficer",
         "k-search": "Satisficer", "k-greedy": "Satisficer", "zero-intelligence": "ZeroIntelligence",
         "learner": "Learner"}


def rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ledger")
    parser.add_argument("output")
    parser.add_argument("--tag", help="file name tag (default: the ledger's name)")
    parser.add_argument("--bin", default=".build/release")
    options = parser.parse_args()
    tag = options.tag or os.path.splitext(os.path.basename(options.ledger))[0]
    with tempfile.TemporaryDirectory() as tables:
        done = subprocess.run(
            [os.path.join(options.bin, "rtb-verify"), "export", "--trace", options.ledger, "--output", tables,
             "--overwrite"], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"p2p_csv: rtb-verify export failed: {done.stderr.strip()}")
        opened = rows(os.path.join(tables, "market_opened.csv"))
        if not opened:
            sys.exit(f"p2p_csv: {options.ledger} is not a p2p-electricity ledger")
        intervals = rows(os.path.join(tables, "interval_cleared.csv"))
        orders = rows(os.path.join(tables, "order_submitted.csv"))
        prosumers = rows(os.path.join(tables, "prosumer_drawn.csv"))
    walls = {}
    with sqlite3.connect(f"file:{options.ledger}?mode=ro", uri=True) as database:
        try:
            for name, value in database.execute(
                    "SELECT name, value FROM measurements WHERE name LIKE 'decision.wall_ns.agent.%'"):
                walls[int(name.rsplit(".", 1)[1])] = value / 1e6
        except sqlite3.OperationalError:
            pass
    os.makedirs(options.output, exist_ok=True)
    with open(os.path.join(options.output, f"interval_metrics_{tag}.csv"), "w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["t", "trades", "traded_kwh", "posted_buy_kwh", "posted_sell_kwh", "unserved_kwh",
                      "curtailment_kwh", "price_mean", "price_var", "W", "W_bound", "W_hat"])
        for row in intervals:
            trades = int(row["trades"])
            traded, buy, sell = (int(row[k]) / 1e6 for k in ("traded", "posted_buy", "posted_sell"))
            mean = int(row["price_sum"]) / trades / 1e6 if trades else 0.0
            # price_squares is in ticks (0.1 c) squared.
            var = max(0.0, int(row["price_squares"]) / trades / 100 - mean * mean) if trades else 0.0
            f = lambda value: f"{value:.6f}"
            out.writerow([row["interval"], trades, f(traded), f(buy), f(sell), f(max(0.0, buy - traded)),
                          f(max(0.0, sell - traded)), f(mean), f(var), f(int(row["welfare"]) / 1e12),
                          f(int(row["bound"]) / 1e12), f(int(row["w_hat_ppm"]) / 1e6)])
    kinds = {int(row["agent"]): TYPES[row["rule"]] for row in prosumers}
    with open(os.path.join(options.output, f"decision_metrics_{tag}.csv"), "w", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["run_id", "t", "agent_id", "agent_type", "action_type", "price_cperkwh", "qty_kwh",
                      "offers_seen", "solver_calls", "learners_steps", "wall_ms", "mem_mb"])
        for row in orders:
            if row["action"] == "remainder":
                continue
            agent = int(row["agent"])
            accept = row["action"] == "accept"
            wall = walls.get(agent)
            out.writerow(["cell", row["tick"], agent, kinds.get(agent, ""), row["action"],
                          f"{int(row['quoted']) / 1e6:.6f}" if accept else "",
                          f"{int(row['quantity']) / 1e6:.6f}" if accept else "",
                          row["offers_seen"], row["solver_calls"], "", f"{wall:.3f}" if wall is not None else "", ""])
    print(f"p2p_csv: {len(intervals)} intervals, {len(orders)} orders -> {options.output}")


if __name__ == "__main__":
    main()
