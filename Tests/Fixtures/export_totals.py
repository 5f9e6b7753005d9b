"""Reads every table `rtb-verify export` wrote for an RTB run, with DuckDB, and reproduces the
run's totals from the rows alone; compares them with the run's results file.

usage: export_totals.py RESULTS.json CSV_DIR JSONL_DIR PARQUET_DIR

Each source is read in turn: the CSV tables, the JSON-lines tables, and Parquet files that this
script converts from the CSV tables with DuckDB's COPY (the conversion docs/export.md documents).
Prints one line per source and exits 0 when every figure matches, 1 otherwise.
"""
import glob
import json
import os
import sys

import duckdb

# Totals of the results file reproduced per scenario, each by an SQL expression over the tables
# (the fold the engine and checker apply, written from docs/event-layouts.md).
def totals_sql(t):
    """`t(kind)` names a kind's table; kinds absent from the run are empty views."""
    buyer_entry = "payer LIKE 'buyer-%'"
    return {
        "deals": f"SELECT scenario, count(*) FROM {t('deal_agreed')} GROUP BY ALL",
        "deliveries": f"SELECT scenario, count(*) FROM {t('delivery')} GROUP BY ALL",
        "open_auctions": f"SELECT scenario, count(*) FROM {t('open_auction')} GROUP BY ALL",
        "open_auctions_sold":
            f"SELECT scenario, count(*) FROM {t('open_auction')} WHERE winner > 0 GROUP BY ALL",
        "direct_offers_accepted":
            f"SELECT scenario, count(*) FROM {t('direct_offer')} WHERE accepted GROUP BY ALL",
        "ledger_entries": f"SELECT scenario, count(*) FROM {t('ledger_entry')} GROUP BY ALL",
        "impressions": f"""
            SELECT scenario, sum(n) FROM (
              SELECT scenario, sum(served) AS n FROM {t('delivery')} GROUP BY ALL
              UNION ALL SELECT scenario, count(*) FROM {t('open_auction')} WHERE winner > 0 GROUP BY ALL
              UNION ALL SELECT scenario, count(*) FROM {t('direct_offer')} WHERE accepted GROUP BY ALL)
            GROUP BY ALL""",
        "buyer_spend_micros": f"""
            SELECT scenario, sum(m) FROM (
              SELECT scenario, sum(buyer_paid_micros) AS m FROM {t('settlement')} GROUP BY ALL
              UNION ALL SELECT scenario, sum(price_cents * 10) FROM {t('open_auction')} WHERE winner > 0 GROUP BY ALL
              UNION ALL SELECT scenario, sum(cpm_cents * 10) FROM {t('direct_offer')} WHERE accepted GROUP BY ALL
              UNION ALL SELECT scenario, sum(cost_micros) FROM {t('ledger_entry')} WHERE {buyer_entry} GROUP BY ALL)
            GROUP BY ALL""",
        "seller_revenue_micros": f"""
            SELECT scenario, sum(m) FROM (
              SELECT scenario, sum(seller_received_micros) AS m FROM {t('settlement')} GROUP BY ALL
              UNION ALL SELECT scenario, sum(price_cents * 10 - fee_micros) FROM {t('open_auction')} WHERE winner > 0 GROUP BY ALL
              UNION ALL SELECT scenario, sum(cpm_cents * 10) FROM {t('direct_offer')} WHERE accepted GROUP BY ALL
              UNION ALL SELECT scenario, -sum(cost_micros) FROM {t('ledger_entry')} WHERE NOT ({buyer_entry}) GROUP BY ALL)
            GROUP BY ALL""",
        "intermediary_fees_micros": f"""
            SELECT scenario, sum(m) FROM (
              SELECT scenario, sum(fee_micros) AS m FROM {t('settlement')} GROUP BY ALL
              UNION ALL SELECT scenario, sum(fee_micros) FROM {t('open_auction')} WHERE winner > 0 GROUP BY ALL)
            GROUP BY ALL""",
    }


def check_source(name, tables, results):
    con = duckdb.connect()
    kinds = {}
    for path in tables:
        kind = os.path.basename(path).split(".")[0]
        kinds[kind] = path
        con.execute(f"CREATE VIEW {kind} AS FROM '{path}'")

    def t(kind):
        if kind in kinds:
            return kind
        # An empty table with the columns the queries name.
        return ("(SELECT NULL::VARCHAR AS scenario, 0 AS served, 0 AS winner, 0 AS price_cents, "
                "0 AS fee_micros, 0 AS cpm_cents, false AS accepted, '' AS payer, 0 AS cost_micros, "
                "0 AS buyer_paid_micros, 0 AS seller_received_micros WHERE false)")

    failures = []
    compared = 0
    expected = {s["scenario"]: s["totals"] for s in results["scenario_results"]}
    for metric, sql in totals_sql(t).items():
        got = {row[0]: int(row[1]) for row in con.execute(sql).fetchall() if row[1] is not None}
        for scenario, totals in expected.items():
            compared += 1
            if got.get(scenario, 0) != totals[metric]:
                failures.append(f"{scenario}.{metric}: tables {got.get(scenario, 0)}, results {totals[metric]}")
    # Events per scenario: the rows of every table, by scenario.
    union = " UNION ALL ".join(f"SELECT scenario FROM {kind}" for kind in kinds)
    events = dict(con.execute(f"SELECT scenario, count(*) FROM ({union}) GROUP BY ALL").fetchall())
    for scenario, totals in expected.items():
        compared += 1
        if events.get(scenario, 0) != totals["events"]:
            failures.append(f"{scenario}.events: tables {events.get(scenario, 0)}, results {totals['events']}")
    # Every event once: seq runs 0..events-1 over all tables.
    seqs = " UNION ALL ".join(f"SELECT seq FROM {kind}" for kind in kinds)
    count, distinct, low, high = con.execute(
        f"SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM ({seqs})").fetchone()
    compared += 1
    if not (count == distinct == results["events"] and low == 0 and high == results["events"] - 1):
        failures.append(f"seq: {count} rows, {distinct} distinct, {low}..{high}; results {results['events']} events")
    # Per day: deals by the numeric day column.
    for result in results["scenario_results"]:
        scenario = result["scenario"]
        days = dict(con.execute(
            f"SELECT day, count(*) FROM {t('deal_agreed')} WHERE scenario = '{scenario}' GROUP BY ALL").fetchall())
        for day in result["days"]:
            compared += 1
            if days.get(day["day"], 0) != day["deals"]:
                failures.append(f"{scenario} day {day['day']} deals: tables {days.get(day['day'], 0)}, results {day['deals']}")
    # Dollars are the micros, exactly.
    if "settlement" in kinds:
        compared += 1
        bad = con.execute("SELECT count(*) FROM settlement WHERE "
                      "CAST(buyer_paid_usd AS DECIMAL(18, 6)) * 1000000 <> buyer_paid_micros").fetchone()[0]
        if bad:
            failures.append(f"settlement: {bad} rows whose buyer_paid_usd is not buyer_paid_micros / 10^6")
    print(f"{name}: {len(kinds)} tables, {compared} figures compared, {len(failures)} differ")
    for failure in failures:
        print(f"  {failure}")
    return not failures


def main():
    results_path, csv_dir, jsonl_dir, parquet_dir = sys.argv[1:5]
    results = json.load(open(results_path))
    csv_tables = sorted(glob.glob(os.path.join(csv_dir, "*.csv")))
    os.makedirs(parquet_dir, exist_ok=True)
    for path in csv_tables:
        target = os.path.join(parquet_dir, os.path.basename(path)[:-4] + ".parquet")
        duckdb.sql(f"COPY (FROM '{path}') TO '{target}' (FORMAT parquet)")
    ok = True
    for name, tables in [("csv", csv_tables),
                         ("jsonl", sorted(glob.glob(os.path.join(jsonl_dir, "*.jsonl")))),
                         ("parquet", sorted(glob.glob(os.path.join(parquet_dir, "*.parquet"))))]:
        ok = check_source(name, tables, results) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
