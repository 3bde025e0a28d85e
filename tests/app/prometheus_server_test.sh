#!/usr/bin/env bash
# A real Prometheus server (Debian's prometheus) on 127.0.0.1 scrapes a
# 60-second realtime run every second through --metrics-listen; after the
# run, the series are read back through Prometheus's HTTP API and agree
# with the run's own summary.
source "$(dirname "$0")/harness.sh"
prometheus=$(command -v prometheus || echo /usr/bin/prometheus)
free_port() {
  python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"
}
run_port=$(free_port)
prom_port=$(free_port)
cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: retailsim
    static_configs: [{targets: ['127.0.0.1:$run_port']}]
YAML
"$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" > "$work/prometheus.log" 2>&1 &
prom_pid=$!
trap 'kill $prom_pid 2>/dev/null; wait $prom_pid 2>/dev/null; rm -rf "$work"' EXIT
ready=""
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$prom_port/-/ready" > /dev/null; then ready=yes; break; fi
  sleep 0.2
done
check "Prometheus is ready on 127.0.0.1:$prom_port" [ "$ready" = yes ]

# One simulated hour at 60 simulated seconds per wall second: 60 s of wall time.
start=$(date +%s)
"$bin" run --stores 3 --terminals 2 --hours 1 --seed 2 --async-stores 3 \
  --set runtime=realtime --set time_scale=60 --metrics-listen "$run_port" \
  --output "$work/run" > "$work/run.txt" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
check "the realtime run succeeds (rc=$rc)" [ $rc -eq 0 ]
check "and takes about a minute (${took} s)" [ "$took" -ge 55 ] && [ "$took" -le 120 ]

query() {  # PromQL -> the first result's value, or empty
  curl -sf "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" \
    | python3 -c "import json,sys; r=json.load(sys.stdin)['data']['result']; print(r[0]['value'][1] if r else '')"
}
scrapes=$(query 'count_over_time(up{job="retailsim"}[5m])')
echo "scrapes: $scrapes"
check "Prometheus scraped the run through the minute (${scrapes:-0} scrapes)" \
  [ "${scrapes:-0}" -ge 40 ]
created=$(query 'sum(max_over_time(retailsim_customers_created_total{job="retailsim"}[5m]))')
summary=$(python3 -c "import json; j=json.load(open('$work/run/summary.json')); print(sum(j['created'][m] for m in ('sync','async','offline')))")
echo "created: Prometheus ${created:-none}, summary $summary"
check "the created series reads back through the HTTP API" [ -n "$created" ]
check "with a count of the run's, at most its final one" \
  python3 -c "c=float('${created:-0}'); s=$summary; assert 0 < c <= s, (c, s)"
p99=$(query 'histogram_quantile(0.99, sum by (le) (max_over_time(retailsim_creation_seconds_bucket{job="retailsim",mode="sync"}[5m])))')
echo "sync p99 from Prometheus: ${p99:-none} s"
check "a histogram quantile reads back too" \
  python3 -c "assert float('${p99:-nan}') > 0"
run_id=$(python3 -c "import json; print(json.load(open('$work/run/summary.json'))['run_id'])")
info=$(query "count(max_over_time(retailsim_run_info{job=\"retailsim\",runtime=\"realtime\",run_id=\"$run_id\"}[5m]))")
check "the run is named by retailsim_run_info (run $run_id)" [ "${info:-0}" = 1 ]

finish
