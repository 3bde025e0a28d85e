#!/usr/bin/env bash
# Scenario files on the command line: `validate` and `run` refuse a broken
# file with exit 2, its file, line and column, and write nothing; flags and
# --set override a file's keys and say so when they break it; what
# --print-config prints runs back to the same configuration; thresholds
# decide the exit code.
# Usage: scenario_test.sh path/to/retailsim path/to/scenarios/quickstart.yaml
source "$(dirname "$0")/harness.sh" "$1"
quickstart="$2"

expect() {  # description expected-rc expected-text command...
  local what="$1" want_rc="$2" text="$3"; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$want_rc" ] || ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL: $what: rc=$rc (wanted $want_rc), output: $out"
    failed=$((failed + 1))
  else
    pass=$((pass + 1))
  fi
}

# Broken files: exit 2, the place and the problem, nothing written.
printf 'topology:\n  store: 3\n' >"$work/misspelt.yaml"
printf 'topology:\n\tstores: 3\n' >"$work/tabs.yaml"
printf 'hq: {workers: [\n' >"$work/invalid.yaml"
: >"$work/empty.yaml"
mkdir "$work/folder.yaml"
expect "misspelt key" 2 "misspelt.yaml:2:3: topology.store: unknown key" \
  "$bin" validate "$work/misspelt.yaml"
expect "tabs" 2 "tabs.yaml:2:1: a tab in the indentation" \
  "$bin" validate "$work/tabs.yaml"
expect "invalid YAML" 2 "invalid.yaml:2:1: not valid YAML" \
  "$bin" validate "$work/invalid.yaml"
expect "empty file" 2 "empty.yaml: empty: expected a mapping of keys" \
  "$bin" validate "$work/empty.yaml"
expect "missing file" 2 "nope.yaml: no such file" \
  "$bin" validate "$work/nope.yaml"
expect "directory" 2 "folder.yaml: a directory, not a scenario file" \
  "$bin" validate "$work/folder.yaml"
# Every file is checked; one bad file fails the lot.
expect "good and bad" 2 "quickstart.yaml: ok" \
  "$bin" validate "$quickstart" "$work/empty.yaml"
expect "run refuses it too" 2 "misspelt.yaml:2:3: topology.store" \
  "$bin" run "$work/misspelt.yaml" --output "$work/refused"
check "a refused run writes nothing" [ ! -e "$work/refused" ]

# Flags and --set go on top of the file; a flag that breaks the file's
# settings is named, as is the file's line it breaks.
expect "a flag against the file" 2 \
  "quickstart.yaml:23:17: topology.async_stores: store 3 does not exist (there are 2)" \
  "$bin" run "$quickstart" --stores 2 --output "$work/refused"
expect "a flag's own value" 2 "--hq-workers: expected a whole number from 0 up, found 'x'" \
  "$bin" run "$quickstart" --hq-workers x --output "$work/refused"
expect "--set" 2 "--set: hq.wrokers: unknown key" \
  "$bin" run "$quickstart" --set hq.wrokers=2 --output "$work/refused"
check "refused runs write nothing" [ ! -e "$work/refused" ]
config=$("$bin" run "$quickstart" --seed 3 --hq-workers 5 --set rts.timeout=6s --print-config)
check "--print-config shows the overrides" \
  grep -q '^  workers: 5$' <<<"$config"
check "--print-config shows --set" grep -q '^  timeout: 6s$' <<<"$config"
check "--print-config shows the seed" grep -q '^seed: 3$' <<<"$config"

# What it prints runs back to the same configuration (and hash).
printf '%s\n' "$config" >"$work/printed.yaml"
again=$("$bin" run "$work/printed.yaml" --print-config)
check "the printed configuration reads back the same" \
  [ "$(tail -n +2 <<<"$config")" = "$(tail -n +2 <<<"$again")" ]
check "and hashes the same" \
  [ "$(head -1 <<<"$config")" = "$(head -1 <<<"$again")" ]

# The same day from the file and from flags: the same hash and fingerprint.
from_file=$("$bin" run "$quickstart" --output "$work/file" 2>&1)
from_flags=$("$bin" run --stores 20 --terminals 4 --hours 8 --seed 7 \
  --async-stores 3,7,12-14 --offline 2/1@2h-3h --offline 5@4h-4h30m \
  --rts-fault 9@1h-1h20m --output "$work/flags" 2>&1)
hash_file=$(grep -o 'hash [0-9a-f]*' <<<"$from_file")
hash_flags=$(grep -o 'hash [0-9a-f]*' <<<"$from_flags")
print_file=$(grep '^fingerprint' <<<"$from_file")
print_flags=$(grep '^fingerprint' <<<"$from_flags")
check "file and flags: same configuration hash" \
  [ -n "$hash_file" -a "$hash_file" = "$hash_flags" ]
check "file and flags: same fingerprint" \
  [ -n "$print_file" -a "$print_file" = "$print_flags" ]
check "the summary names the scenario" \
  grep -q '(scenario quickstart, seed 7, virtual)' <<<"$from_file"
check "summary.json names the scenario, hash and build" \
  grep -q '"config_hash"' "$work/file/summary.json"

# Thresholds decide the exit code: 0 when all hold, 99 when one fails (k6's
# code), and the summary and summary.json say which.
cat >"$work/thresholds.yaml" <<'YAML'
duration: 1h
topology: {stores: 2, terminals: 1}
thresholds:
  lost: == 0
  created: "> 0"
YAML
expect "thresholds that hold: exit 0" 0 "thresholds: ok (2 of 2 hold)" \
  "$bin" run "$work/thresholds.yaml" --output "$work/th"
expect "a threshold that fails: exit 99" 99 \
  "FAILED  created < 1" \
  "$bin" run "$work/thresholds.yaml" --output "$work/th" --force \
  --set 'thresholds.created=< 1'
check "summary.json lists the failed threshold" \
  grep -q '"condition": "< 1"' "$work/th/summary.json"
expect "a threshold on an unknown metric: exit 2" 2 \
  "--set: thresholds.sync_p100: unknown metric" \
  "$bin" run "$work/thresholds.yaml" --output "$work/th2" \
  --set 'thresholds.sync_p100=< 1s'
check "and nothing written" [ ! -e "$work/th2" ]
finish
