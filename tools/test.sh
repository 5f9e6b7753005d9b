#!/usr/bin/env bash
# The whole test suite: set up, check generated code is current, build and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh --test
python3 tools/generate_events.py --check
swift build --build-tests 2>&1 | tail -n 1
swift test 2>&1 | grep -vE "^(✔ Test [^ ]+\(|◇ |\[[0-9]+/[0-9]+\] )"
# Determinism across builds and processes: debug and release binaries must record identical
# digests, and 50 seeds x 3 scenarios run twice in separate processes must agree.
swift build -c release 2>&1 | tail -n 1
python3 tools/determinism_check.py builds
python3 tools/determinism_check.py sweep --seeds 50
# Recovery acceptance at full scale: scenario C recovers 100 of 100 kill points, for 3 seeds.
for seed in 1 2 3; do
    .build/release/rtb-sim test-recovery --agent buyer-002 --scenario c --kill-points 100 --seed "$seed" | grep -E "^recovery (rate|time):"
done
# Every golden run, the 10-million-event enterprise profile included, with the release build.
.build/release/rtb-verify golden check
# Every benchmark measurement runs (tiny sizes, one run each); figures are in BENCHMARKS.md.
# It runs as a user would, through PATH from another directory (it finds rtb-verify beside it).
release=$(pwd)/.build/release
(cd "$(mktemp -d)" && PATH="$release:$PATH" rtb-bench --smoke > /dev/null)
