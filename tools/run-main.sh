#!/usr/bin/env bash
# The main job: set up, build in release, record the default market run (scenarios a, b, c;
# 30 days; seed 42) into traces/default.ledger, verify the ledger and print the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
swift build -c release 2>&1 | tail -n 1
bin=.build/release
"$bin/rtb-verify" record --scenario a,b,c --days 30 --seed 42 --ledger traces/default.ledger --overwrite --summary
echo
"$bin/rtb-verify" verify --trace traces/default.ledger
