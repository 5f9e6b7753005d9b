#!/usr/bin/env bash
# Regenerates the committed fixture ledgers under traces/ (see traces/README.md). Run only when
# the ledger format, the event schema or the engine's behaviour changes on purpose, then update
# the pinned figures in Tests/RTBVerifyTests/FixtureTests.swift.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release 2>&1 | tail -n 1
bin=.build/release
"$bin/rtb-verify" record --scenario a,b,c --days 2 --seed 7 --buyers 2 --sellers 2 --campaigns-per-buyer 10 \
    --products-per-seller 3 --volume small --grace-days 0 --rot-rate 20% \
    --kill buyer-001@d2:10 --kill seller-002@d1:12 --frame-bytes 16384 --checkpoint-every 4 \
    --ledger traces/fixture-v1.ledger --overwrite
"$bin/rtb-sim" scale --agents 1000 --rounds 50 --mechanism vcg --slots 3 --seed 7 \
    --ledger traces/fixture-scale-v1.ledger --overwrite
rm -f traces/*.ledger-wal traces/*.ledger-shm
