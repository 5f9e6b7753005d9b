#!/usr/bin/env bash
# The whole test suite: set up, check generated code is current, build and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
python3 tools/generate_events.py --check
swift build --build-tests 2>&1 | tail -n 1
swift test 2>&1 | grep -vE "^(✔ Test .* passed|\[[0-9]+/[0-9]+\] )"
