#!/usr/bin/env bash
# Runs every benchmark, shows its output, and collects the
# `bench: NAME VALUE UNIT` lines into build/bench/results.json. Benchmarks
# report figures; none of them passes or fails on a time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p build/bench
lines=build/bench/lines.txt
: >"$lines"

for bench in bench/*_bench.py; do
    echo "== $bench"
    python3 "$bench" | tee -a "$lines"
done

python3 - "$lines" >build/bench/results.json <<'PY'
import json, re, sys
results = {}
for line in open(sys.argv[1]):
    m = re.match(r"^bench: (\S+) (\S+) (\S+)$", line.strip())
    if m:
        results[m.group(1)] = {"value": float(m.group(2)), "unit": m.group(3)}
json.dump(results, sys.stdout, indent=2, sort_keys=True)
print()
PY

# Ratios against the Linux guest measured in this run (and of the SDK's
# loop against raw IPC), with the goals of the issues that set them (lower
# is better for all of these).
python3 - build/bench/results.json <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
RATIOS = [
    ("syscall.null.user", "linux.syscall.null.user", 1 / 2),
    ("syscall.null.kernel", "linux.syscall.null.user", 1 / 20),
    ("process.create_exit_us.user", "linux.process.create_exit_us", None),
    ("process.create_exit_us.kernel", "linux.process.create_exit_us", None),
    ("ipc.call.user_user", "linux.ipc.call.user_user", 1 / 6),
    ("ipc.call.kernel_kernel", "linux.ipc.call.user_user", 1 / 30),
    ("loop.call.user_user", "ipc.call.user_user", 1.2),
]
for ours, linux, goal in RATIOS:
    if ours in results and linux in results and results[linux]["value"]:
        ratio = results[ours]["value"] / results[linux]["value"]
        target = " (goal <= %.3f)" % goal if goal else ""
        print("ratio: %s / %s = %.3f%s" % (ours, linux, ratio, target))
PY
echo "results: build/bench/results.json"
