#!/usr/bin/env bash
# make soak's report of the host fuzzers it runs in the background
# (tests/qemu/soak.sh): waits for them to end, then prints their output,
# whose summary line `fuzz: N passed, N failed` tests/run-all.sh counts.
# Usage: soak_fuzz_report.sh DIR   (DIR holds fuzz.log and, once done,
# fuzz.done)
set -u
until [[ -e "$1/fuzz.done" ]]; do
    sleep 5
done
cat "$1/fuzz.log"
