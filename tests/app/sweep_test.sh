#!/usr/bin/env bash
# `retailsim sweep`: a cross product of 2 x 3 cells x 3 seeds completes, its
# CSV has each cell's mean and 95% interval; --until stops at the first
# cell that breaks the condition and runs nothing after it; bad parameters
# are refused before anything runs.
# Usage: sweep_test.sh path/to/retailsim
source "$(dirname "$0")/harness.sh" "$1"

cat >"$work/small.yaml" <<'YAML'
question: how do Sync latency and creations change with HQ's service time?
duration: 30m
topology: {stores: 3, terminals: 2}
load: {session_gap: exp:30}
thresholds:
  lost: == 0
YAML

out=$("$bin" sweep "$work/small.yaml" --param hq.workers=1,4 \
  --param 'hq.service_time=[constant:0.1, "lognormal:0.3,0.5", constant:1]' \
  --seeds 3 --jobs 2 --output "$work/grid" 2>&1); rc=$?
check "the 2 x 3 x 3 sweep completes (rc=$rc): $out" [ "$rc" -eq 0 ]
csv="$work/grid/sweep.csv"
check "sweep.csv: a header and 6 cells" [ "$(wc -l <"$csv")" -eq 7 ]
check "sweep.csv: each parameter and a mean and interval per metric" \
  grep -q '^cell,hq.workers,hq.service_time,runs,sync_p50_mean,sync_p50_ci95_low,sync_p50_ci95_high' "$csv"
check "sweep.csv: a value with a comma is quoted" \
  grep -q '^2,1,"lognormal:0.3,0.5",3,' "$csv"
check "3 runs per cell" \
  bash -c '[ "$(cut -d, -f4 <<<"$(sed 1d "$1" | sed "s/\"[^\"]*\"/x/")" | sort -u)" = 3 ]' _ "$csv"
# Every interval holds its mean; the seeds differ, so some interval is wide.
check "low <= mean <= high in every cell, some spread" python3 - "$csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 6
wide = 0
for r in rows:
    for k in r:
        if k.endswith("_mean"):
            m = k[:-5]
            lo, mean, hi = float(r[m + "_ci95_low"]), float(r[k]), float(r[m + "_ci95_high"])
            assert lo <= mean + 1e-9 <= hi + 2e-9, (k, lo, mean, hi)
            wide += hi > lo
assert wide > 0
# Slower HQ, slower Sync creation.
p50 = {(r["hq.workers"], r["hq.service_time"]): float(r["sync_p50_mean"]) for r in rows}
assert p50[("1", "constant:0.1")] < p50[("1", "constant:1")], p50
PY
check "sweep.json has the samples of each cell" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert len(j["cells"]) == 6
assert all(len(c["metrics"]["sync_p99"]["samples"]) == 3 for c in j["cells"])
assert j["units"]["sync_p99"] == "ms"
' "$work/grid/sweep.json"
check "each run kept its summary, not its databases" \
  bash -c '[ -s "$1/runs/cell-006-seed-3/summary.json" ] && [ ! -e "$1/runs/cell-006-seed-3/hq.db" ]' _ "$work/grid"

# --until: the first cell whose mean breaks the condition, and no further.
out=$("$bin" sweep "$work/small.yaml" --seeds 2 --output "$work/knee" \
  --param hq.service_time=constant:0.1,constant:0.5,constant:1,constant:2,constant:4 \
  --until 'sync_p50 > 900ms' 2>&1); rc=$?
check "--until stops at the knee (rc=$rc): $out" \
  grep -q 'stopped at cell 3 (hq.service_time=constant:1): the first where mean sync_p50 > 900ms' <<<"$out"
check "--until runs nothing after it" \
  bash -c '[ -e "$1/runs/cell-003-seed-2/summary.json" ] && [ ! -e "$1/runs/cell-004-seed-1.log" ]' _ "$work/knee"
check "sweep.json says where it broke" \
  grep -q '"broke_at": 3' "$work/knee/sweep.json"

# Bad input: exit 2 with the place, nothing run or written.
expect_refusal() {  # description text args...
  local what="$1" text="$2"; shift 2
  local out rc
  out=$("$bin" sweep "$work/small.yaml" --output "$work/bad" "$@" 2>&1); rc=$?
  check "$what (rc=$rc): $out" \
    bash -c '[ "$0" -eq 2 ] && grep -qF -- "$1" <<<"$2" && [ ! -e "$3" ]' \
    "$rc" "$text" "$out" "$work/bad"
}
expect_refusal "a parameter without values" "--param: expected KEY=V1,V2" \
  --param hq.workers
expect_refusal "a misspelt key" "--param hq.worker: unknown key (expected one of: workers," \
  --param hq.worker=1,2
expect_refusal "a bad value names the cell" "--param hq.workers: expected a whole number from 0 up, found 'two'" \
  --param hq.workers=1,two
expect_refusal "a cell that breaks a check of the whole" \
  "cell topology.stores=1: --set: topology.async_stores" \
  --set 'topology.async_stores=[3]' --param topology.stores=3,1
expect_refusal "--until on an unknown metric" "--until: expected 'METRIC > VALUE'" \
  --param hq.workers=1,2 --until 'speed > 3'
expect_refusal "--until without a unit" "sync_p99 is a duration" \
  --param hq.workers=1,2 --until 'sync_p99 > 3'
finish
