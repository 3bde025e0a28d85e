#!/usr/bin/env bash
# Card data never reaches the output: after a card-heavy run (customers
# swiping bank cards and licences, scanning licence barcodes, devices
# misreading and stalling), every file of the output folder — databases,
# the journal, the run's log, metrics, results, the report — is scanned for
# a digit run shaped like a card number that passes the Luhn check (plain
# or grouped by spaces or dashes) and for track data patterns. The scan is
# first shown to find a planted number and planted tracks.
# Usage: card_data_test.sh path/to/retailsim scenarios/qa-card-readers.yaml
source "$(dirname "$0")/harness.sh" "$1"
scenario="$2"

luhn() {  # DIGITS: true if they pass the Luhn check
  local d="$1" sum=0 i n double=0
  for (( i=${#d}-1; i>=0; i-- )); do
    n=${d:i:1}
    if [ "$double" -eq 1 ]; then n=$((n * 2)); [ "$n" -gt 9 ] && n=$((n - 9)); fi
    sum=$((sum + n)); double=$((1 - double))
  done
  [ $((sum % 10)) -eq 0 ]
}

scan() {  # DIR: prints each finding (never the digits themselves)
  local f n
  while IFS= read -r -d '' f; do
    # Brand shapes: American Express 34/37 (15), Visa 4, Mastercard 51-55,
    # Discover 6011 (16); plain, or in groups of four.
    while IFS= read -r n; do
      n=${n//[ -]/}
      luhn "$n" && echo "$f: a card number passing Luhn (${n:0:6}...)"
    done < <(grep -aoP '(?<![0-9])(3[47][0-9]{13}|4[0-9]{15}|5[1-5][0-9]{14}|6011[0-9]{12}|(4[0-9]{3}|5[1-5][0-9]{2}|6011)([ -])[0-9]{4}\3[0-9]{4}\3[0-9]{4})(?![0-9])' "$f")
    grep -aqP '%B[0-9]{12,19}\^' "$f" && echo "$f: bank track 1 (%B...^)"
    grep -aqP ';[0-9]{12,19}=[0-9]{4}' "$f" && echo "$f: track 2 (;...=YYMM)"
    grep -aqP '%[A-Z]{2}[A-Z .]{1,13}\^[A-Z]' "$f" && echo "$f: licence track 1 (%STATE CITY^)"
    grep -aqP '(ANSI |AAMVA)6[0-9]{5}[0-9]{4}' "$f" && echo "$f: licence barcode header"
  done < <(find "$1" -type f -print0)
}

# The scan can fail: planted data is found.
mkdir -p "$work/canary"
printf 'x 4111 1111 1111 1111 y\n' > "$work/canary/log.txt"
printf '{"n": "378282246310005"}' > "$work/canary/results.json"
printf '%%B4000000000000002^DOE/JANE^3011101?\n;4000000000000002=30111010?\n' > "$work/canary/tracks"
printf '@\n\x1e\rANSI 636014100002DL00410155' > "$work/canary/barcode"
printf '%%CASACRAMENTO^ROE$RICHARD^1 MAIN^?' > "$work/canary/licence"
printf '4111111111111112 and 1795766540778148071' > "$work/canary/not-cards"
found=$(scan "$work/canary")
for what in "log.txt: a card number" "results.json: a card number" \
            "tracks: bank track 1" "tracks: track 2" "barcode: licence barcode" \
            "licence: licence track 1"; do
  check "the scan finds planted data: $what" grep -qF "$what" <<<"$found"
done
check "the scan leaves numbers that are not cards alone" \
  bash -c '! grep -q not-cards <<<"$0"' "$found"

# A card-heavy run, its log kept in its output folder.
out="$work/run"
"$bin" run "$scenario" --output "$out" > "$work/run.log" 2>&1; rc=$?
mv "$work/run.log" "$out/run.log"
check "the card-heavy run passes its thresholds (rc=$rc)" [ "$rc" -eq 0 ]
reads=$(grep -oP 'reads by card_swipe +\K[0-9]+' "$out/run.log")
check "cards were swiped (${reads:-0} delivered)" [ "${reads:-0}" -gt 100 ]
check "licences were scanned" grep -qP 'reads by licence_scan +[1-9]' "$out/run.log"
check "misreads happened" grep -qP 'reads by card_swipe .*[1-9][0-9]* misread' "$out/run.log"
files=$(find "$out" -type f | wc -l)
dbs=$(find "$out" -name '*.db' | wc -l)
check "the output has databases, logs, metrics, results and report ($files files, $dbs databases)" \
  bash -c '[ "$0" -ge 5 ] && [ -f "$1/metrics.prom" ] && [ -f "$1/report.html" ] && [ -f "$1/journal.tsv" ] && [ -f "$1/results.json" ]' "$dbs" "$out"
found=$(scan "$out")
check "no card number or track data in $files files: ${found:-none}" [ -z "$found" ]
# The names read did reach the customers: the check looks where data is.
names=$(sqlite3 "$out/hq.db" "SELECT COUNT(*) FROM customers WHERE json_extract(record, '$.profile.date_of_birth') IS NOT NULL")
check "licences prefilled dates of birth at HQ ($names customers)" [ "${names:-0}" -gt 0 ]

finish
