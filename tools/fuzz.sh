#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (decoders past the hash check) and runs each for RUNS
# inputs (default 1,000,000), starting from the committed seed corpus in Fuzz/Corpus/. New
# interesting inputs go to .build-fuzz/corpus-NAME (not committed). A crash, trap, leak or
# timeout stops the run with libFuzzer's report and a reproducer .build-fuzz/crash-* (or
# timeout-*, oom-*); rerun one input with: .build-fuzz/release/fuzz-NAME FILE
#   bash tools/fuzz.sh [RUNS] [TARGET...]      targets: events frame checkpoint config
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no  # libFuzzer reports the crash; the backtracer would stall it
runs=${1:-1000000}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(events frame checkpoint config)
swift build --package-path Fuzz -c release --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 | tail -n 1
bin=$(swift build --package-path Fuzz -c release --scratch-path .build-fuzz --show-bin-path)
for target in "${targets[@]}"; do
    work=.build-fuzz/corpus-$target
    mkdir -p "$work"
    echo "fuzz-$target: $runs runs" >&2
    status=0
    "$bin/fuzz-$target" -runs="$runs" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix=.build-fuzz/ "$work" "Fuzz/Corpus/$target" >".build-fuzz/$target.log" 2>&1 \
        || status=$?
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done|==|SUMMARY|.*ERROR)" \
        ".build-fuzz/$target.log" >&2 || true
    if ((status != 0)); then
        echo "fuzz-$target failed (exit $status); full log: .build-fuzz/$target.log" >&2
        exit 1
    fi
done
