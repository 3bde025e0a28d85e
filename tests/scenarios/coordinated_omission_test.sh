#!/usr/bin/env bash
# Coordinated omission: the shipped qa-hq-stall-open-load scenario, with
# its 10-second HQ stall and without it. With the stall,
# creation p99 from the intended start shows it (> 5 s) where p99 from the
# operation's start (a closed loop's measure) does not (< 1 s); without the
# stall both are under 2 s. Two seeds.
source "$(dirname "$0")/../app/harness.sh"
scenario="$2"
p99() {  # results.json metric
  python3 -c "import json; print(json.load(open('$1'))['metrics']['$2'])"
}
for seed in 1 2; do
  "$bin" run "$scenario" --seed "$seed" --output "$work/stall-$seed" > "$work/stall-$seed.txt" 2>&1
  rc=$?
  check "seed $seed with the stall: exit 0 (thresholds hold; rc=$rc)" [ $rc -eq 0 ]
  intended=$(p99 "$work/stall-$seed/results.json" create_intended_p99)
  closed=$(p99 "$work/stall-$seed/results.json" create_p99)
  echo "seed $seed, stall:    p99 from intended start ${intended} ms, from start ${closed} ms"
  check "seed $seed: the stall shows from the intended start" \
    python3 -c "assert $intended > 5000"
  check "seed $seed: not from the operation's start" python3 -c "assert $closed < 1000"
  "$bin" run "$scenario" --seed "$seed" --set 'faults=[]' --output "$work/calm-$seed" \
    > "$work/calm-$seed.txt" 2>&1
  # Its stall thresholds fail without the stall: exit 99, the results stand.
  rc=$?
  check "seed $seed without the stall: thresholds fail as expected (rc=$rc)" [ $rc -eq 99 ]
  intended=$(p99 "$work/calm-$seed/results.json" create_intended_p99)
  closed=$(p99 "$work/calm-$seed/results.json" create_p99)
  echo "seed $seed, no stall: p99 from intended start ${intended} ms, from start ${closed} ms"
  check "seed $seed without the stall: p99 from the intended start under 2 s" \
    python3 -c "assert $intended < 2000"
done
finish
