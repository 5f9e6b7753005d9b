#!/usr/bin/env bash
# Seed 002's v4 run book (../shared/seeds/002_*.txt): every experiment of the seed, the
# heterogeneous and the "dated config" ones included (525 runs of 288 five-minute intervals, up
# to N = 500), each a sweep spec in studies/p2p-v4/, every run recorded in its own ledger; then
# the aggregation (frontiers, Pareto sets, scaling, overlays, R_W and R_C, as CSV, and as SVG
# charts in one HTML report per experiment and one for the core overlay) into
# OUT/analysis. Usage: tools/p2p_runbook.sh OUT [JOBS] [reference|corrected|JSON]
# (docs/electricity.md, "The study"); corrected adds "semantics": "corrected" to every base, a
# JSON object (e.g. '{"accept_price": "quote"}') adds its keys.
set -euo pipefail
out=${1:?usage: tools/p2p_runbook.sh OUT [JOBS] [reference|corrected|JSON]}
jobs=${2:-2}
semantics=${3:-reference}
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${RTB_BIN:-$here/.build/release}"
mkdir -p "$out"
start=$(date +%s.%N)  # timing-ok: the run book's wall time is reported, never used
mkdir -p "$out/specs"
# RTB_EXPERIMENTS (names, space-separated) runs a subset, e.g. "exp_opt_v4 exp_band_v4".
experiments=${RTB_EXPERIMENTS:-$(cd "$here/studies/p2p-v4" && ls exp_*.json | sed 's/\.json$//')}
for name in $experiments; do
    spec="$here/studies/p2p-v4/$name.json"
    python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); extra = sys.argv[2]
if extra == "corrected": s["base"]["semantics"] = "corrected"
elif extra != "reference": s["base"].update(json.loads(extra))
json.dump(s, open(sys.argv[3], "w"), indent=1)' "$spec" "$semantics" "$out/specs/$name.json"
    "$bin/rtb-sim" sweep "$out/specs/$name.json" --directory "$out/$name" --jobs "$jobs" >/dev/null
done
end=$(date +%s.%N)  # timing-ok: as above
echo "run book: $(ls "$out"/exp_*/cells/*.result.json | wc -l) runs recorded in $(python3 -c "print(round($end - $start, 1))") s"
python3 "$here/tools/p2p_study.py" "$out" --output "$out/analysis"
# Charts (SVG inside one HTML page each) through the report code: every experiment's cells,
# frontiers, Pareto cells by N and scaling, two at a time; then the core experiments overlaid.
ls -d "$out"/exp_* | xargs -P 2 -I {} sh -c \
    '"$0/rtb-verify" report --manifest "{}/manifest.json" --output "$1/analysis/$(basename "{}")/report.html" >/dev/null' \
    "$bin" "$out"
traces=()
for name in exp_opt_v4 exp_band_v4 exp_k_v4 exp_kg_v4; do
    [ -d "$out/$name" ] || continue
    for ledger in "$out/$name"/cells/*.ledger; do traces+=(--trace "$ledger"); done
done
mkdir -p "$out/analysis/overlay"
"$bin/rtb-verify" report "${traces[@]}" --output "$out/analysis/overlay/report.html" >/dev/null
echo "reports: $out/analysis/*/report.html"
