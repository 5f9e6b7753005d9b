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
"$bin/rtb-verify" record --scenario b --days 1 --seed 7 --buyers 2 --sellers 2 --campaigns-per-buyer 3 \
    --products-per-seller 2 --policy rule-based-service --frame-bytes 4096 --checkpoint-every 2 \
    --ledger traces/fixture-decisions-v1.ledger --overwrite
# The llm policy against the loopback server of the tests (every call a ModelCall event, batches
# of 4, its third request answered invalidly so that one answer falls back to the rules).
port_file=$(mktemp)
python3 Tests/Fixtures/llm_server.py --fault invalid@3 > "$port_file" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.1; done
RTB_LLM_API_KEY=fixture RTB_LLM_BASE_URL="http://127.0.0.1:$(head -n 1 "$port_file")" RTB_LLM_BATCH=4 \
    RTB_LLM_CONCURRENCY=1 "$bin/rtb-verify" record --scenario a,b --days 1 --seed 7 --buyers 2 --sellers 2 \
    --campaigns-per-buyer 3 --products-per-seller 2 --policy llm --frame-bytes 4096 --checkpoint-every 2 \
    --ledger traces/fixture-llm-v1.ledger --overwrite
rm -f traces/fixture-llm-v1.ledger.head.json
kill $server
rm -f "$port_file"
# Format 2: the test model (Tests/BankModel), amounts from its oracle (recorded decisions).
config=$(mktemp)
echo '{"seed": 11, "accounts": 4, "steps": 300, "opening_balance": 500, "oracle": true}' > "$config"
swift build --product rtb-test-model 2>&1 | tail -n 1
.build/debug/rtb-test-model record --model test-bank --config "$config" --frame-bytes 1024 \
    --checkpoint-every 2 --ledger traces/fixture-bank-v2.ledger --overwrite
rm -f "$config" traces/*.ledger-wal traces/*.ledger-shm
