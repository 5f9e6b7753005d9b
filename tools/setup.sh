#!/usr/bin/env bash
# Installs what building needs on a fresh Debian/Ubuntu machine with the Swift toolchain: the
# SQLite and zstd development packages, pkg-config, and the Python zstandard package used by
# tools/ledger_reader.py. With --test, also what only the tests need: Chromium (the report tests
# render the HTML report in it, headless), the Python DuckDB package (the export tests read the
# exported tables with it) and Ray (the sweep test runs shards as Ray tasks on a local cluster).
# Installs only what is missing.
set -euo pipefail

packages=(libsqlite3-dev libzstd-dev pkg-config)
modules=(zstandard)
if [[ "${1:-}" == "--test" ]]; then
    packages+=(chromium)
    modules+=(duckdb ray)
fi
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}" >&2
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for module in "${modules[@]}"; do
    if ! python3 -c "import $module" >/dev/null 2>&1; then
        echo "setup: installing the Python $module package" >&2
        python3 -m pip install --quiet --disable-pip-version-check "$module" 2>/dev/null \
            || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$module"
    fi
done
