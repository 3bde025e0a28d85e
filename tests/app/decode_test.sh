#!/usr/bin/env bash
# `retailsim decode` as a user meets it: raw data from a card reader or a
# barcode scanner on standard input, its format detected (or --format),
# its fields as JSON with the card number masked; malformed input exits 2
# naming the byte, never echoing the data. Usage: decode_test.sh retailsim
source "$(dirname "$0")/harness.sh" "$1"

decode() {  # INPUT [flags...]: sets out, err, rc
  out=$(printf '%b' "$1" | "$bin" decode "${@:2}" 2>"$work/err"); rc=$?
  err=$(cat "$work/err")
}

decode '%B4111111111111111^SMITH/JOHN A.MR^2512101123456789?\n;4111111111111111=25121011234567890?\n'
check "bank card decodes (rc=$rc): $err" [ "$rc" -eq 0 ]
check "valid JSON naming its format" \
  [ "$(sqlite3 :memory: "SELECT json_extract('${out//\'/\'\'}', '\$.format')")" = bank_card ]
check "the number masked to first 6 / last 4: $out" grep -qF '"card_number": "411111******1111"' <<<"$out"
check "the whole number nowhere" bash -c '! grep -q 4111111111111111 <<<"$0"' "$out"
check "the cardholder's name" grep -qF '"family_name": "Smith"' <<<"$out"

decode '%FLDELRAY BEACH^DOE$JOHN$^4818 S FEDERAL BLVD^           ?\n;6360100462172082009=2101198209090=?\n'
check "licence stripe decodes (rc=$rc): $err" [ "$rc" -eq 0 ]
check "licence stripe: format, name, date of birth: $out" \
  bash -c 'grep -qF "\"format\": \"licence_stripe\"" <<<"$0" && grep -qF "\"date_of_birth\": \"1982-09-09\"" <<<"$0"' "$out"
check "the licence number is not printed" bash -c '! grep -q 0462172082009 <<<"$0"' "$out"

decode '@\n\x1e\rANSI 636014100002DL00410155ZC01960008DLDAQ1234567\nDCSROE\nDDEN\nDACRICHARD\nDDFN\nDADM\nDDGN\nDBA12012030\nDBB01011980\nDBC1\nDAG1 CAPITOL MALL\nDAISACRAMENTO\nDAJCA\nDAK958140000  \nDCGUSA\rZCZCA01\r'
check "licence barcode decodes (rc=$rc): $err" [ "$rc" -eq 0 ]
check "barcode: version and address: $out" \
  bash -c 'grep -qF "\"aamva_version\": \"10\"" <<<"$0" && grep -qF "\"postal_code\": \"95814\"" <<<"$0" && grep -qF "\"city\": \"Sacramento\"" <<<"$0"' "$out"

# Malformed: exit 2, the byte named, the number not echoed.
decode '%B4111111111111111^SMITH/JOHN A.MR^2512101123456789?X'
check "bad LRC: exit 2 (rc=$rc)" [ "$rc" -eq 2 ]
check "bad LRC: byte named: $err" grep -qF "track 1: byte 53: LRC check failed" <<<"$err"
check "bad LRC: nothing on stdout" [ -z "$out" ]
check "bad LRC: no card number in the error" bash -c '! grep -q 411111 <<<"$0"' "$err"
decode '%B4111111111111111^SMITH/JOHN'
check "partial swipe: exit 2: $err" \
  bash -c '[ "$0" -eq 2 ] && grep -qF "no end sentinel" <<<"$1"' "$rc" "$err"
decode 'hello'
check "not device data: exit 2: $err" \
  bash -c '[ "$0" -eq 2 ] && grep -qF "byte 1: neither a card swipe" <<<"$1"' "$rc" "$err"
decode '%FLDELRAY BEACH^DOE$JOHN$^X^?\n;6360100462172082009=2101198209090=?\n' --format bank_card
check "--format bank_card on a licence: exit 2: $err" \
  bash -c '[ "$0" -eq 2 ] && grep -qF "format code is not" <<<"$1"' "$rc" "$err"
decode 'x' --format floppy
check "--format unknown: exit 2: $err" \
  bash -c '[ "$0" -eq 2 ] && grep -qF -- "--format: '"'"'floppy'"'"' is not" <<<"$1"' "$rc" "$err"
out=$(head -c 100000 /dev/zero | "$bin" decode 2>&1); rc=$?
check "100 KB of input: exit 2, said (rc=$rc): $out" \
  bash -c '[ "$0" -eq 2 ] && grep -qF "not data from a card reader" <<<"$1"' "$rc" "$out"

finish
