#!/usr/bin/env bash
# metrics.prom after a virtual run, and the live endpoint of a realtime run,
# both pass `promtool check metrics` (Debian's prometheus package); the
# figures in them are the run's; the other results files are written.
source "$(dirname "$0")/harness.sh"
promtool=$(command -v promtool || echo /usr/bin/promtool)

# -- a virtual run leaves metrics.prom, results.json, series.csv ------------------
out="$work/virtual"
"$bin" run --stores 3 --terminals 2 --hours 1 --seed 5 --output "$out" > "$work/v.txt" 2>&1
check "the virtual run succeeds" [ $? -eq 0 ]
for f in metrics.prom results.json series.csv journal.tsv summary.json; do
  check "the run wrote $f" [ -s "$out/$f" ]
done
check "promtool accepts metrics.prom" "$promtool" check metrics < "$out/metrics.prom"
created=$(python3 -c "import json,sys; j=json.load(open('$out/summary.json')); print(sum(j['created'][m] for m in ('sync','async','offline')))")
prom_created=$(awk '/^retailsim_customers_created_total/ {s += $2} END {printf "%d", s}' "$out/metrics.prom")
check "metrics.prom counts the customers the summary counts ($created)" [ "$created" = "$prom_created" ]
check "metrics.prom has no customer data in labels" \
  bash -c "! grep -E '@|[0-9a-f]{8}-[0-9a-f]{4}-' '$out/metrics.prom' | grep -v '^retailsim_run_info'"
rows=$(($(wc -l < "$out/series.csv") - 1))
check "series.csv has one row per interval (120 of 30 s in the hour, got $rows)" [ "$rows" -ge 120 ] && [ "$rows" -le 122 ]
check "results.json holds the series" \
  python3 -c "import json; j=json.load(open('$out/results.json')); assert len(j['series']['rows']) == $rows"

# -- a realtime run serves its metrics while it runs -------------------------------
port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
"$bin" run --stores 2 --terminals 2 --hours 0.5 --set runtime=realtime --set time_scale=300 \
  --metrics-listen "$port" --output "$work/rt" > "$work/rt.txt" 2>&1 &
pid=$!
scraped=""
for _ in $(seq 1 50); do
  sleep 0.1
  if curl -sf "http://127.0.0.1:$port/metrics" -o "$work/live.prom"; then scraped=yes; break; fi
done
check "the live endpoint answers during the run" [ "$scraped" = yes ]
check "promtool accepts the live endpoint" "$promtool" check metrics < "$work/live.prom"
check "the live endpoint names the run" grep -q '^retailsim_run_info{.*runtime="realtime"' "$work/live.prom"
wait $pid
check "the realtime run succeeds" [ $? -eq 0 ]
check "the endpoint is gone after the run" bash -c "! curl -sf http://127.0.0.1:$port/metrics -o /dev/null"
check "the endpoint listened on 127.0.0.1 only" grep -q "metrics: http://127.0.0.1:$port/metrics" "$work/rt.txt"

# -- a port in use is a clear error that changes nothing ---------------------------
python3 -c "
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)
open('$work/busy.tmp', 'w').write(str(s.getsockname()[1]))
import os; os.rename('$work/busy.tmp', '$work/busy'); time.sleep(20)" &
holder=$!
for _ in $(seq 1 50); do [ -e "$work/busy" ] && break; sleep 0.1; done
port=$(cat "$work/busy")
"$bin" run --stores 1 --terminals 1 --hours 0.1 --metrics-listen "$port" --output "$work/busy-run" > "$work/busy.txt" 2>&1
rc=$?
kill $holder 2>/dev/null
check "a port in use exits 2 (got $rc)" [ $rc -eq 2 ]
check "and says which address" grep -q -- "--metrics-listen: cannot listen on '127.0.0.1:$port'" "$work/busy.txt"
check "and leaves no output folder" [ ! -e "$work/busy-run" ]

finish
