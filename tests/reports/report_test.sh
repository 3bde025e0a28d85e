#!/usr/bin/env bash
# report.html of a run, of two runs side by side and of a sweep, rendered in
# headless Chromium (Debian's chromium): no script errors, and every chart
# area drew its data (the page's own check counts coloured pixels in each
# plot area); a PNG of each page. The pages load nothing from a network.
source "$(dirname "$0")/../app/harness.sh"
chromium=$(command -v chromium || echo /usr/bin/chromium)

# The page's #selfcheck element after loading: "charts drawn errors done".
render() {  # html png
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --virtual-time-budget=10000 --window-size=1280,4200 --dump-dom "file://$1" \
    2> "$work/chromium.log" \
    | grep -o '<div id="selfcheck"[^>]*>' \
    | sed -E 's/.*data-done="([0-9]+)" data-charts="([0-9]+)" data-drawn="([0-9]+)" data-errors="([0-9]+)".*/\2 \3 \4 \1/'
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --virtual-time-budget=10000 --window-size=1280,4200 --screenshot="$2" "file://$1" \
    > /dev/null 2>&1
}

expect_drawn() {  # what html png min_charts
  local what="$1" html="$2" png="$3" min="$4"
  check "$what: the report exists" [ -s "$html" ]
  check "$what: loads nothing from a network" \
    bash -c "! grep -Eq '<(script|link|img)[^>]+(src|href)=' '$html'"
  read -r charts drawn errors done <<< "$(render "$html" "$png")"
  echo "$what: ${charts:-?} charts, ${drawn:-?} drew, ${errors:-?} script errors"
  check "$what: the page's script ran to its end" [ "${done:-0}" = 1 ]
  check "$what: no script errors" [ "${errors:-1}" = 0 ]
  check "$what: at least $min charts" [ "${charts:-0}" -ge "$min" ]
  check "$what: every chart drew its data ($drawn of $charts)" [ "${drawn:-0}" = "${charts:-x}" ]
  check "$what: a PNG of the page" [ "$(stat -c %s "$png" 2>/dev/null || echo 0)" -gt 20000 ]
}

# -- one run: `run` writes report.html beside its results --------------------------
"$bin" run --stores 4 --terminals 2 --hours 2 --seed 3 --async-stores 1-2 \
  --offline 1/1@30m-50m --output "$work/a" > /dev/null 2>&1
check "run a succeeds" [ $? -eq 0 ]
expect_drawn "one run" "$work/a/report.html" "$work/a.png" 5

# -- pages broken on purpose are caught: the checks can fail --------------------------
sed 's/Chart.defaults.animation = false;/&  undefined_function();/' \
  "$work/a/report.html" > "$work/broken.html"
read -r charts drawn errors done <<< "$(render "$work/broken.html" "$work/broken.png")"
check "a script error is counted (got ${errors:-?})" [ "${errors:-0}" -ge 1 ]
sed 's/charts.push(new Chart(canvas, cfg));/charts.push(new Chart(canvas, cfg);/' \
  "$work/a/report.html" > "$work/syntax.html"
read -r charts drawn errors done <<< "$(render "$work/syntax.html" "$work/syntax.png")"
check "a page whose script cannot run is not done (got ${done:-?})" [ "${done:-0}" = 0 ]
sed 's/borderColor: palette\[i % palette.length\],/borderColor: "rgba(0,0,0,0)",/' \
  "$work/a/report.html" > "$work/blank.html"
read -r charts drawn errors done <<< "$(render "$work/blank.html" "$work/blank.png")"
check "charts that draw nothing are told apart ($drawn of $charts drew)" [ "${drawn:-0}" -lt "${charts:-0}" ]

# -- two runs side by side ----------------------------------------------------------
"$bin" run --stores 4 --terminals 2 --hours 2 --seed 4 --async-stores 1-2 \
  --output "$work/b" > /dev/null 2>&1
"$bin" report "$work/a" "$work/b" --output "$work/compare.html" > "$work/report.txt" 2>&1
check "report of two runs exits 0" [ $? -eq 0 ]
check "and says where" grep -q "report: $work/compare.html" "$work/report.txt"
expect_drawn "two runs" "$work/compare.html" "$work/compare.png" 5

# -- a sweep --------------------------------------------------------------------------
cat > "$work/small.yaml" <<'YAML'
scenario: report-sweep
duration: 30m
topology: {stores: 3, terminals: 2}
load: {session_gap: exp:20}
YAML
"$bin" sweep "$work/small.yaml" --param 'hq.service_time=[constant:0.1, constant:0.5, constant:2]' \
  --seeds 2 --jobs 2 --output "$work/sweep" > /dev/null 2>&1
check "the sweep runs" [ -s "$work/sweep/sweep.json" ]
"$bin" report "$work/sweep" > /dev/null 2>&1
check "report of the sweep exits 0" [ $? -eq 0 ]
expect_drawn "sweep" "$work/sweep/report.html" "$work/sweep.png" 2

# -- what is not a run is refused, and nothing written --------------------------------
mkdir -p "$work/empty"
"$bin" report "$work/empty" > /dev/null 2> "$work/err.txt"
rc=$?
check "a folder without results.json exits 2 (got $rc)" [ $rc -eq 2 ]
check "and names the file" grep -q "empty/results.json" "$work/err.txt"
check "and writes no report" [ ! -e "$work/empty/report.html" ]
echo '{"cells": 3' > "$work/empty/sweep.json"
"$bin" report "$work/empty" > /dev/null 2> "$work/err2.txt"
check "a broken sweep.json exits 2" [ $? -eq 2 ]
check "and names it" grep -q "sweep.json" "$work/err2.txt"

finish
