#!/usr/bin/env bash
# `retailsim import` as a user meets it: a file with hostile rows is refused
# whole, each bad row named with row, line, column and reason, and nothing is
# written; --skip-bad loads exactly the good rows; a run started from the
# imported HQ distributes them to its stores and keeps its invariants; a
# synthetic population does the same. Usage: import_test.sh path/to/retailsim
source "$(dirname "$0")/harness.sh" "$1"

printf '%s\n' \
  'first_name,last_name,email,phone,loyalty_card,loyalty_points' \
  'Ann,Smith,ann@example.com,(707) 320-2478,L-1001,250' \
  ',,,,,' \
  "$(printf 'A%.0s' $(seq 101)),Long,,,," \
  "$(printf 'Eve\a'),Ctrl,,,," \
  "$(printf 'Mallory,\xe2\x80\xaeevil,,,,')" \
  "Bob,Tables,\"x'); DROP TABLE customers;--@example.com\",,," \
  'Bad,Email,not-an-email,,,' \
  'Bad,Phone,,12,,' \
  "\"Robert'); DROP TABLE customers;--\",Tables,bobby@example.com,,," \
  > "$work/base.csv"
printf 'Inv\xffalid,Utf,,,,\n' >> "$work/base.csv"

out=$("$bin" import "$work/base.csv" --db "$work/hq.db" 2>&1); rc=$?
check "hostile file refused with exit 1 (rc=$rc)" [ "$rc" -eq 1 ]
check "nothing written without --skip-bad" [ ! -e "$work/hq.db" ]
for line in \
  'row 3 (line 3): no_identifying_field' \
  'row 4 (line 4), column first_name: field_too_long: first_name: 101 characters, at most 100' \
  'row 5 (line 5), column first_name: control_character' \
  'row 6 (line 6), column last_name: bidi_override' \
  'row 7 (line 7), column email: email_invalid_local_part' \
  'row 8 (line 8), column email: email_missing_at' \
  'row 9 (line 9), column phone: phone_invalid_number' \
  'row 11 (line 11), column first_name: invalid_utf8' \
  'nothing loaded: 8 of 10 rows are bad'; do
  check "output names '$line'" grep -qF -- "$line" <<<"$out"
done

out=$("$bin" import "$work/base.csv" --db "$work/hq.db" --skip-bad 2>&1); rc=$?
check "--skip-bad loads (rc=$rc): $out" [ "$rc" -eq 0 ]
names=$(sqlite3 "$work/hq.db" "SELECT group_concat(display_name, '|') FROM (SELECT display_name FROM customers ORDER BY account_number)")
check "exactly the good rows loaded: $names" \
  [ "$names" = "Ann Smith|Robert'); DROP TABLE customers;-- Tables" ]
check "loyalty points kept" \
  [ "$(sqlite3 "$work/hq.db" "SELECT json_extract(record, '$.loyalty.points') FROM customers WHERE account_number = 'C000000001'")" = 250 ]

# A bad file never touches an existing database.
printf 'first_name,shoe_size\nAnn,9\n' > "$work/shoes.csv"
before=$(sha256sum < "$work/hq.db")
out=$("$bin" import "$work/shoes.csv" --db "$work/hq.db" 2>&1); rc=$?
check "unknown column: exit 2 and named (rc=$rc): $out" \
  bash -c '[ "$0" -eq 2 ] && grep -qF "unknown column '"'"'shoe_size'"'"'" <<<"$1"' "$rc" "$out"
check "database unchanged by a refused file" [ "$before" = "$(sha256sum < "$work/hq.db")" ]

out=$("$bin" run --customers-from "$work/hq.db" --stores 3 --terminals 1 \
  --hours 1 --output "$work/run" 2>&1); rc=$?
check "run from the imported base (rc=$rc)" [ "$rc" -eq 0 ]
check "summary shows the existing base" grep -qE 'existing base at HQ .* 2$' <<<"$out"
for s in 1 2 3; do
  n=$(sqlite3 "$work/run/stores/S000$s.db" "SELECT COUNT(*) FROM customers WHERE account_number IN ('C000000001', 'C000000002')")
  check "store $s received the imported customers ($n)" [ "$n" -eq 2 ]
done

out=$("$bin" run --population 3000 --stores 3 --terminals 2 --hours 2 \
  --output "$work/pop" 2>&1); rc=$?
check "run with a synthetic population (rc=$rc)" [ "$rc" -eq 0 ]
check "population at HQ before the day" grep -qE 'existing base at HQ .* 3000$' <<<"$out"
check "population reached the stores" \
  [ "$(sqlite3 "$work/pop/stores/S0003.db" "SELECT COUNT(*) FROM customers")" -ge 3000 ]

# A base inside the output folder would be replaced before it is read.
out=$("$bin" run --customers-from "$work/run/hq.db" --output "$work/run" \
  --force 2>&1); rc=$?
check "a base inside --output is refused (rc=$rc): $out" \
  bash -c '[ "$0" -eq 2 ] && grep -qF "is inside the output folder" <<<"$1"' "$rc" "$out"
check "and left alone" [ -s "$work/run/hq.db" ]

# A file that is not an HQ database is refused before the day, naming it,
# and leaves no HQ behind.
"$bin" run --stores 2 --terminals 1 --hours 1 --output "$work/chan" >/dev/null
cp "$work/chan/stores/S0001.db" "$work/base.db"
out=$("$bin" run --customers-from "$work/base.db" --stores 2 \
  --terminals 1 --hours 1 --output "$work/wrong" 2>&1); rc=$?
check "a channel database as base: exit 2 and named (rc=$rc): $out" \
  bash -c '[ "$0" -eq 2 ] && grep -qF -- "--customers-from: wrong_database_kind: $2: not an HQ database" <<<"$1"' "$rc" "$out" "$work/base.db"
check "nothing left behind, not even the folder" [ ! -e "$work/wrong" ]

finish
