#!/usr/bin/env bash
# Runs every test suite and prints the total. Each suite prints lines of the
# form `SUITE: N passed, N failed` (", N skipped" may follow); this script
# adds them up and ends with `N passed, N failed` on a line of its own. A
# suite that exits non-zero without such a line counts as one failure, so a
# crash is never silent. Exit status: 0 only if nothing failed.
#
# Usage: tests/run-all.sh [SUITE_COMMAND...]   (default: all suites below)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

suites=()
if [[ $# -gt 0 ]]; then
    suites=("$@")
else
    for t in build/tests/unit/test_*; do
        [[ -x "$t" && "$t" != *.d ]] && suites+=("$t")
    done
    suites+=("tests/host/deps_test.sh")
    suites+=("tests/host/spec_test.sh")
    suites+=("tests/host/strip_test.sh")
    suites+=("tests/host/public_test.sh")
    suites+=("tests/fuzz/run.sh")
    suites+=("python3 tests/qemu/boot_test.py")
    suites+=("python3 tests/qemu/kernel_test.py")
    suites+=("python3 tests/qemu/ipc_test.py")
    suites+=("python3 tests/qemu/device_test.py")
    suites+=("python3 tests/qemu/supervisor_test.py")
    suites+=("python3 tests/qemu/gce_test.py")
    suites+=("python3 tests/qemu/sdk_test.py")
    suites+=("python3 tests/qemu/net_test.py")
    suites+=("python3 tests/qemu/http_api_test.py")
    suites+=("env FTL_HTTP_API_ISOLATION=wasm python3 tests/qemu/http_api_test.py")
    suites+=("python3 tests/qemu/netns_test.py")
    suites+=("python3 tests/qemu/gce_group_test.py")
    suites+=("python3 tests/qemu/tls_test.py")
    suites+=("python3 tests/qemu/control_test.py")
    suites+=("python3 tests/qemu/http_client_test.py")
    suites+=("python3 tests/qemu/reliability_test.py")
    suites+=("python3 tests/qemu/wasm_test.py")
    suites+=("python3 tests/qemu/ipc_fuzz_test.py")
    suites+=("python3 tests/qemu/faults_test.py")
    suites+=("tests/cli/cli_test.sh")
fi

rm -rf build/test-logs # only this run's failed boots are kept
total_passed=0
total_failed=0
total_skipped=0
summary_re='^[A-Za-z0-9_.-]+: ([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'

for suite in "${suites[@]}"; do
    echo "== $suite"
    started=$SECONDS
    log=$(mktemp)
    # shellcheck disable=SC2086
    $suite 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    found=0
    while IFS= read -r line; do
        if [[ "$line" =~ $summary_re ]]; then
            found=1
            total_passed=$((total_passed + BASH_REMATCH[1]))
            total_failed=$((total_failed + BASH_REMATCH[2]))
            total_skipped=$((total_skipped + ${BASH_REMATCH[4]:-0}))
        fi
    done <"$log"
    rm -f "$log"
    if [[ $found -eq 0 ]]; then
        echo "!! $suite printed no summary line (exit status $status)"
        total_failed=$((total_failed + 1))
    elif [[ $status -ne 0 ]]; then
        echo "!! $suite exited with status $status"
    fi
    echo "   ($((SECONDS - started)) s)"
done

if [[ -d build/test-logs ]] && [[ -n "$(ls -A build/test-logs)" ]]; then
    echo "console logs of failed boots: build/test-logs/"
fi
if [[ $total_skipped -gt 0 ]]; then
    echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
else
    echo "$total_passed passed, $total_failed failed"
fi
[[ $total_failed -eq 0 ]]
