#!/usr/bin/env bash
# The command line as a user meets it: bad flags are named, exit 2 and write
# nothing; a run exits 0 with its invariants holding; the same seed twice
# prints the same fingerprint. Usage: cli_test.sh path/to/retailsim
source "$(dirname "$0")/harness.sh" "$1"

expect_refusal() {  # expected-text flags...
  local text="$1"; shift
  local out rc
  out=$("$bin" run --output "$work/refused" "$@" 2>&1); rc=$?
  if [ "$rc" -ne 2 ] || ! grep -qF -- "$text" <<<"$out" || [ -e "$work/refused" ]; then
    echo "FAIL: '$*' gave rc=$rc, output: $out"; failed=$((failed + 1))
  else
    pass=$((pass + 1))
  fi
}

expect_refusal "--stores" --stores 0
expect_refusal "store 9" --stores 5 --async-stores 9
expect_refusal "must end after it starts" --offline 3/2@3h-2h
expect_refusal "unknown distribution 'lognorm'" --hq-service lognorm:1
expect_refusal "--store-service" --store-service exp:-1
expect_refusal "unit 'q' unknown" --pjob-every 15q
expect_refusal "unknown feature 'telepathy'" --features telepathy
expect_refusal "not a store number" --async-stores 1,x
# Values that overflowed or silently did nothing: refused, naming the flag,
# the value and the range allowed, and nothing is left behind.
expect_refusal "--rts-latency: 'constant:1e+10' is out of range: seconds from 0 to 86400" --rts-latency constant:1e10
expect_refusal "--hq-service: 'constant:1e+12' is out of range" --hq-service constant:1e12
expect_refusal "--session-gap: 'constant:1e+12' is out of range" --session-gap constant:1e12
expect_refusal "--population: '99999999999' is out of range: from 0 to 5000000" --population 99999999999
expect_refusal "--offline: the window 18000 s to 21600 s is out of range: it must end within the day (3600 s)" --hours 1 --offline 1@5h-6h
expect_refusal "--rts-fault: the window" --hours 1 --rts-fault 1@50m-2h
expect_refusal "--seed: expected a whole number from 0 up, found '-1'" --seed -1
expect_refusal "--stores: expected a whole number from 0 up, found '-1'" --stores -1
expect_refusal "--threads: '100' is out of range: from 1 to 64" --threads 100
expect_refusal "--hours: '1e-300' is out of range: from 1/3600 (1 s) to 8784 (a year)" --hours 1e-300
expect_refusal "--pjob-every: '1e-06 s' is out of range: 0 (off), or from 1 s to a year" --pjob-every 0.000001s
expect_refusal "--async-sync-every: '15': '15' has no unit" --async-sync-every 15
printf 'not a database at all' >"$work/garbage.db"
expect_refusal "--customers-from: storage_failure: $work/garbage.db: cannot read it as an HQ database" --customers-from "$work/garbage.db"

mkdir -p "$work/foreign" && touch "$work/foreign/keep.txt"
out=$("$bin" run --output "$work/foreign" --force 2>&1); rc=$?
if [ "$rc" -ne 2 ] || [ ! -e "$work/foreign/keep.txt" ]; then
  echo "FAIL: --force on a foreign folder: rc=$rc $out"; failed=$((failed + 1))
else
  pass=$((pass + 1))
fi

# A Sync call whose answer comes after the store stops waiting (a 10 s
# link): the store falls back, HQ commits nothing late, every customer at
# HQ is one a cashier was told about.
out=$("$bin" run --stores 2 --terminals 1 --hours 1 --rts-latency constant:10 \
  --output "$work/slow" 2>&1); rc=$?
if [ "$rc" -ne 0 ] || ! grep -q '^invariants: ok' <<<"$out" \
   || ! grep -q 'fell back to Async .*(rts_timeout' <<<"$out"; then
  echo "FAIL: a 10 s link: rc=$rc"; echo "$out"; failed=$((failed + 1))
else
  pass=$((pass + 1))
fi

run() {  # dir
  "$bin" run --stores 3 --terminals 2 --hours 2 --seed 11 --async-stores 2 \
    --offline 3/1@30m-1h --output "$1"
}
a=$(run "$work/a"); rc_a=$?
b=$(run "$work/b"); rc_b=$?
fa=$(grep '^fingerprint' <<<"$a")
fb=$(grep '^fingerprint' <<<"$b")
if [ "$rc_a" -ne 0 ] || [ "$rc_b" -ne 0 ] || [ -z "$fa" ] || [ "$fa" != "$fb" ] \
   || ! grep -q '^invariants: ok' <<<"$a" || [ ! -s "$work/a/summary.json" ] \
   || ! grep -q '"service_time": *"lognormal:0.05,0.5"' "$work/a/summary.json"; then
  echo "FAIL: deterministic run: rc=$rc_a/$rc_b '$fa' vs '$fb'"; echo "$a"
  failed=$((failed + 1))
else
  pass=$((pass + 1))
fi

finish
