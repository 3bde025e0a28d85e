#!/usr/bin/env bash
# SIGINT and SIGTERM stop a run cleanly: the day ends where it is and
# closes as at its end, results are written with the invariants checked,
# and the exit code is 130 / 143. Usage: stop_test.sh retailsim SCENARIO
source "$(dirname "$0")/harness.sh" "$1"
scenario="$2"

# Starts a run in the background, waits until it is under way (its live
# metrics count a created customer: the signals are caught from before the
# endpoint opens), sends SIGNAL and waits. Sets rc and out.
stop_run() {  # SIGNAL DIR run-flags...
  local signal="$1" dir="$2"; shift 2
  "$bin" run "$scenario" --output "$dir" --no-progress --metrics-listen 0 \
    "$@" >"$dir.out" 2>&1 &
  local pid=$! port=""
  for _ in $(seq 600); do
    port=$(grep -oP "^metrics: http://127.0.0.1:\K[0-9]+" "$dir.out")
    [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/metrics" \
      | grep -q '^retailsim_customers_created_total{.*} [1-9]' && break
    sleep 0.1
  done
  kill -s "$signal" "$pid"
  wait "$pid"; rc=$?
  out=$(cat "$dir.out")
}

json() {  # FILE EXPR
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# Virtual time: a day far longer than the test waits.
stop_run INT "$work/virtual" --hours 8000
check "SIGINT exits 130 (rc=$rc): $(tail -3 <<<"$out")" [ "$rc" -eq 130 ]
check "the summary says so" grep -q "stopped early .*by SIGINT" <<<"$out"
check "the invariants were checked and held" grep -q "^invariants: ok" <<<"$out"
check "results written" test -s "$work/virtual/summary.json" -a -s "$work/virtual/report.html" -a -s "$work/virtual/metrics.prom"
check "summary.json names the signal" [ "$(json "$work/virtual/summary.json" 'd["stopped_by"]')" = SIGINT ]
hours=$(json "$work/virtual/summary.json" 'd["simulated_hours"]')
check "the day reached is where it stopped ($hours h)" python3 -c "import sys; sys.exit(not 0 <= $hours < 8000)"
check "nothing pending at HQ or in channels" [ "$(json "$work/virtual/summary.json" 'int(d["metrics"]["pending_at_end"])')" = 0 ]

# Realtime: a day of 8 h at 100x lasts almost 5 wall minutes.
stop_run TERM "$work/realtime" --runtime realtime --time-scale 100 --hours 8
check "SIGTERM exits 143 (rc=$rc): $(tail -3 <<<"$out")" [ "$rc" -eq 143 ]
check "the summary says so" grep -q "stopped early .*by SIGTERM" <<<"$out"
check "the invariants held" grep -q "^invariants: ok" <<<"$out"
check "summary.json names the signal" [ "$(json "$work/realtime/summary.json" 'd["stopped_by"]')" = SIGTERM ]
hours=$(json "$work/realtime/summary.json" 'd["simulated_hours"]')
check "the day reached is simulated time, short of 8 h ($hours h)" python3 -c "import sys; sys.exit(not 0 < $hours < 8)"
check "creations were acknowledged before the stop" [ "$(grep -c '^customer' "$work/realtime/journal.tsv")" -gt 0 ]

# A sweep: the signal reaches it alone (its runs are process groups of
# their own); it passes the stop on to the run in progress (however far it
# got: a run starts with the signals blocked until it catches them),
# starts no other, and writes the results of the runs done.
"$bin" sweep "$scenario" --param duration=8h,8000h --seeds 1 --output "$work/sweep" \
  >"$work/sweep.out" 2>&1 &
pid=$!
for _ in $(seq 600); do
  [ -f "$work/sweep/runs/cell-002-seed-7.log" ] && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"; rc=$?
out=$(cat "$work/sweep.out")
check "a stopped sweep exits 130 (rc=$rc): $(tail -3 <<<"$out")" [ "$rc" -eq 130 ]
check "it says how many runs were done" grep -q "stopped early by a signal: 1 of 2 runs done" <<<"$out"
check "sweep.json holds the cell done, not the stopped one" \
  [ "$(json "$work/sweep/sweep.json" '[len(c["exit_codes"]) for c in d["cells"]]')" = "[1]" ]
check "the stopped run closed its day and wrote its results" \
  [ "$(json "$work/sweep/runs/cell-002-seed-7/summary.json" 'd["stopped_by"]')" = SIGINT ]

# A run that is not stopped says nothing of it.
"$bin" run "$scenario" --output "$work/whole" --no-progress --hours 8 >"$work/whole.out" 2>&1; rc=$?
check "an unstopped run exits 0 (rc=$rc)" [ "$rc" -eq 0 ]
check "and names no signal" [ "$(json "$work/whole/summary.json" 'd["stopped_by"]')" = None ]
check "its day is whole (8 h)" [ "$(json "$work/whole/summary.json" 'd["simulated_hours"]')" = 8.0 ]
finish
