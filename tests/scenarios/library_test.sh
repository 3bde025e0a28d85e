#!/usr/bin/env bash
# The shipped scenario library as a user meets it: every file validates, runs
# in virtual time with exit 0, and prints the same fingerprint when run twice
# with its seed (a realtime one runs five seconds and keeps every promise).
# Usage: library_test.sh path/to/retailsim scenarios-folder
# [PREFIX | !PREFIX]: only the files whose names start with PREFIX, or all
# but those (so that two tests together run every file, side by side).
source "$(dirname "$0")/../app/harness.sh" "$1"
library="$2"
only="${3:-}"

shopt -s nullglob
files=()
for file in "$library"/*.yaml; do
  name=$(basename "$file")
  case "$only" in
    "") files+=("$file") ;;
    !*) [[ "$name" == "${only#!}"* ]] || files+=("$file") ;;
    *) [[ "$name" == "$only"* ]] && files+=("$file") ;;
  esac
done
check "the library has scenarios" [ "${#files[@]}" -gt 0 ]
for file in "${files[@]}"; do
  name=$(basename "$file" .yaml)
  out=$("$bin" validate "$file" 2>&1); rc=$?
  check "$name validates: $out" [ "$rc" -eq 0 ]
  if grep -q '^runtime: realtime' "$file"; then
    # Realtime: no fingerprint to repeat, and its day is wall time; a few
    # seconds of it must keep every promise.
    a=$("$bin" run "$file" --set duration=5s --output "$work/$name" 2>&1); rc=$?
    check "$name runs 5 s in realtime, exit 0 (rc=$rc)" [ "$rc" -eq 0 ]
    check "$name keeps every promise" grep -q '^invariants: ok' <<<"$a"
    continue
  fi
  a=$("$bin" run "$file" --output "$work/$name-a" 2>&1); rc_a=$?
  b=$("$bin" run "$file" --output "$work/$name-b" 2>&1); rc_b=$?
  fa=$(grep '^fingerprint' <<<"$a")
  fb=$(grep '^fingerprint' <<<"$b")
  if [ "$rc_a" -ne 0 ] || [ "$rc_b" -ne 0 ] || [ -z "$fa" ] || [ "$fa" != "$fb" ]; then
    echo "FAIL: $name: rc=$rc_a/$rc_b '$fa' vs '$fb'"; echo "$a" | tail -20
    failed=$((failed + 1))
  else
    echo "$name: $fa"
    pass=$((pass + 1))
  fi
done
finish
