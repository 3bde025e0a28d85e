#!/usr/bin/env bash
# The overload sweep: more load than HQ can take, slow links and reruns,
# each run checked by the end-of-run invariant check (every acknowledged
# customer and sale at HQ and at its store exactly once, channel copies
# equal HQ's, nothing pending). Exits 1 if any run breaks a promise or
# ends in an unexpected error.
#
#   tests/overload/sweep.sh RETAILSIM [all|corner] [OUTPUT_DIR]
#
# all (the default): HQ workers 1 | 8 x HQ service lognormal:0.12,0.5 |
# lognormal:5,0.5 x RTS latency lognormal:0.03,0.4 | constant:0.51 with a
# slow fault | constant:10 x seeds 1 2 3, on 20 stores x 4 terminals x 4 h;
# then --duplicates merge, and a run started from the previous run's HQ.
# corner (what CI runs): one worker and the slow service, each latency,
# seed 1, plus the merge run and the rerun.
set -u
bin="$1"
mode="${2:-all}"
out="${3:-$(mktemp -d)}"
mkdir -p "$out"
failed=0
runs=0

one() {  # name flags...
  local name="$1"; shift
  local text rc
  text=$("$bin" run --stores 20 --terminals 4 --hours 4 --output "$out/$name" \
    --force "$@" 2>&1); rc=$?
  runs=$((runs + 1))
  local ok=yes
  grep -q '^invariants: ok' <<<"$text" || ok=no
  local unexpected
  unexpected=$(grep -E '^  unexpected errors' <<<"$text" | awk '{print $3}')
  local created
  created=$(sed -n '/^customers created/,/^sync creation attempts/p' <<<"$text" \
    | grep -E '^  (sync|async|offline) ' | awk '{printf "%s %s  ", $1, $2}')
  local fallbacks
  fallbacks=$(grep -E '^  fell back to Async' <<<"$text" | grep -oE '\(n=[0-9]+\)' | tr -d '(n=)')
  printf '%-58s rc=%s invariants=%-3s unexpected=%-3s %s fallbacks=%s\n' \
    "$name" "$rc" "$ok" "${unexpected:-?}" "$created" "${fallbacks:-0}"
  if [ "$rc" -ne 0 ] || [ "$ok" != yes ] || [ "${unexpected:-1}" != 0 ]; then
    failed=$((failed + 1))
    grep -E '^  - ' <<<"$text" | head -5
  fi
}

latency_flags() {  # which
  case "$1" in
    normal) echo "--rts-latency lognormal:0.03,0.4" ;;
    slow-fault) echo "--rts-latency constant:0.51 --rts-fault 1@30m-2h:slow --rts-fault 7@1h-3h:slow" ;;
    ten-seconds) echo "--rts-latency constant:10" ;;
  esac
}

if [ "$mode" = corner ]; then
  workers=(1); services=("lognormal:5,0.5"); seeds=(1)
else
  workers=(1 8); services=("lognormal:0.12,0.5" "lognormal:5,0.5"); seeds=(1 2 3)
fi
for w in "${workers[@]}"; do
  for s in "${services[@]}"; do
    for l in normal slow-fault ten-seconds; do
      for seed in "${seeds[@]}"; do
        # shellcheck disable=SC2046
        one "w$w-${s/:/-}-$l-s$seed" --hq-workers "$w" --hq-service "$s" \
          $(latency_flags "$l") --seed "$seed"
      done
    done
  done
done
one "merge-duplicates" --duplicates merge --async-stores 1-10 --seed 4
cp "$out/merge-duplicates/hq.db" "$out/yesterday.db"
one "from-yesterdays-hq" --customers-from "$out/yesterday.db" --seed 4 \
  --async-stores 1-10 --duplicates merge
echo "$runs runs, $failed failed (output in $out)"
[ "$failed" -eq 0 ]
