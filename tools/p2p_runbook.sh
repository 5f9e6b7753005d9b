#!/usr/bin/env bash
# Seed 002's v4 run book (../shared/seeds/002_*.txt): every experiment of the seed, the
# heterogeneous and the "dated config" ones included (525 runs of 288 five-minute intervals, up
# to N = 500), each a sweep spec in studies/p2p-v4/, every run recorded in its own ledger; then
# the aggregation (frontiers, Pareto sets, scaling, overlays, R_W and R_C, as CSV) into
# OUT/analysis. Usage: tools/p2p_runbook.sh OUT [JOBS] [reference|corrected]
# (docs/electricity.md, "The study"); corrected adds "semantics": "corrected" to every base.
set -euo pipefail
out=${1:?usage: tools/p2p_runbook.sh OUT [JOBS]}
jobs=${2:-2}
semantics=${3:-reference}
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${RTB_BIN:-$here/.build/release}"
mkdir -p "$out"
start=$(date +%s.%N)  # timing-ok: the run book's wall time is reported, never used
mkdir -p "$out/specs"
for spec in "$here"/studies/p2p-v4/exp_*.json; do
    name=$(basename "$spec" .json)
    python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))
if sys.argv[2] == "corrected": s["base"]["semantics"] = "corrected"
json.dump(s, open(sys.argv[3], "w"), indent=1)' "$spec" "$semantics" "$out/specs/$name.json"
    "$bin/rtb-sim" sweep "$out/specs/$name.json" --directory "$out/$name" --jobs "$jobs" >/dev/null
done
end=$(date +%s.%N)  # timing-ok: as above
echo "run book: $(ls "$out"/exp_*/cells/*.result.json | wc -l) runs recorded in $(python3 -c "print(round($end - $start, 1))") s"
python3 "$here/tools/p2p_study.py" "$out" --output "$out/analysis"
