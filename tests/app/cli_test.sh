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

mkdir -p "$work/foreign" && touch "$work/foreign/keep.txt"
out=$("$bin" run --output "$work/foreign" --force 2>&1); rc=$?
if [ "$rc" -ne 2 ] || [ ! -e "$work/foreign/keep.txt" ]; then
  echo "FAIL: --force on a foreign folder: rc=$rc $out"; failed=$((failed + 1))
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
   || ! grep -q '"store_service_s": *"lognormal:0.05,0.5"' "$work/a/summary.json"; then
  echo "FAIL: deterministic run: rc=$rc_a/$rc_b '$fa' vs '$fb'"; echo "$a"
  failed=$((failed + 1))
else
  pass=$((pass + 1))
fi

finish
