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
echo "results: build/bench/results.json"
