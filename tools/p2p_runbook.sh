#!/usr/bin/env bash
# Seed 002's v4 run book (../shared/seeds/002_*.txt): every experiment of the seed, the
# heterogeneous and the "dated config" ones included (525 runs of 288 five-minute intervals, up
# to N = 500), each a sweep spec in studies/p2p-v4/, every run recorded in its own ledger; then
# the aggregation (frontiers, Pareto sets, scaling, overlays, R_W and R_C, CSV and SVG) into
# OUT/analysis. Usage: tools/p2p_runbook.sh OUT [JOBS]   (docs/electricity.md, "The study")
set -euo pipefail
out=${1:?usage: tools/p2p_runbook.sh OUT [JOBS]}
jobs=${2:-2}
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${RTB_BIN:-$here/.build/release}"
mkdir -p "$out"
start=$(date +%s.%N)  # timing-ok: the run book's wall time is reported, never used
for spec in "$here"/studies/p2p-v4/exp_*.json; do
    name=$(basename "$spec" .json)
    "$bin/rtb-sim" sweep "$spec" --directory "$out/$name" --jobs "$jobs" >/dev/null
done
end=$(date +%s.%N)  # timing-ok: as above
echo "run book: $(ls "$out"/exp_*/cells/*.result.json | wc -l) runs recorded in $(echo "$end - $start" | bc) s"
python3 "$here/tools/p2p_study.py" "$out" --output "$out/analysis"
