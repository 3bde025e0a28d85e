#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, tests/fuzz/) in
# build/fuzz and runs each on its seeds (tests/fuzz/corpus/TARGET/; the
# scenario reader also on scenarios/*.yaml).
#
#   scripts/fuzz.sh                       CI's short run: 15 s per target
#   scripts/fuzz.sh --seconds 600         longer
#   scripts/fuzz.sh --runs 10000000       the documented long run
#   scripts/fuzz.sh --only customer_csv   one target
#
# A grown corpus (build/fuzz/corpus/TARGET/) is first merged down to the
# inputs that add coverage: thousands of 4 KB near-duplicates slow every
# execution that follows. ASan keeps a 16 MB quarantine and 5-frame
# allocation stacks: with its defaults (256 MB, 30) the long runs spent
# their time on page faults and stack unwinding, at half the speed.
#
# A crash or a failed property stops with the input saved under
# build/fuzz/artifacts/TARGET/; once fixed, copy it into
# tests/fuzz/corpus/TARGET/ so every later run tries it first. Prints, per
# target, the executions done and the time taken; exits non-zero if any
# target failed.
set -euo pipefail
cd "$(dirname "$0")/.."

limit=(-max_total_time=15)
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) limit=(-max_total_time="$2"); shift 2 ;;
    --runs) limit=(-runs="$2"); shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "fuzz.sh: unknown argument '$1' (--seconds N, --runs N, --only TARGET)" >&2; exit 2 ;;
  esac
done

targets=(bank_card licence_stripe licence_barcode customer_csv scenario validation)
[ -n "$only" ] && targets=("$only")

dir=build/fuzz
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="-O1 -g" \
    -DRETAILSIM_FUZZ=ON -DRETAILSIM_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$dir" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:quarantine_size_mb=16:malloc_context_size=5
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=0
for t in "${targets[@]}"; do
  corpus="$dir/corpus/$t"
  artifacts="$dir/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  if [ -n "$(ls -A "$corpus")" ]; then
    rm -rf "$corpus.merged" && mkdir "$corpus.merged"
    if ! "$dir/tests/fuzz/fuzz_$t" -merge=1 -max_len=4096 -rss_limit_mb=2048 \
         "$corpus.merged" "$corpus" >"$dir/$t.merge.log" 2>&1; then
      echo "fuzz $t: FAILED merging its corpus (log $dir/$t.merge.log)"
      failed=1
      continue
    fi
    rm -rf "$corpus" && mv "$corpus.merged" "$corpus"
  fi
  seeds=(tests/fuzz/corpus/"$t")
  [ "$t" = scenario ] && seeds=(scenarios)
  log="$dir/$t.log"
  start=$(date +%s)
  if "$dir/tests/fuzz/fuzz_$t" "${limit[@]}" -seed=1 -max_len=4096 \
       -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$artifacts" "$corpus" "${seeds[@]}" >"$log" 2>&1; then
    runs=$(grep -oP 'stat::number_of_executed_units:\s*\K[0-9]+' "$log" || echo "?")
    echo "fuzz $t: ok, $runs executions in $(( $(date +%s) - start )) s"
  else
    echo "fuzz $t: FAILED (log $log, input in $artifacts):"
    grep -E 'ERROR|fuzz property failed|SUMMARY' "$log" | head -5
    failed=1
  fi
done
exit "$failed"
