#!/usr/bin/env bash
# `retailsim import` against what public hostile-string and email test sets
# try, as issue 14 found it: invisible names, separators, noncharacters,
# right-to-left marks, terminal escapes and huge input in errors, a line of
# fifty million commas under a 1 GiB memory limit, a folder, UTF-16, a
# read-only database, bad flags, byte counts, the help's document.
# Usage: import_hostile_test.sh path/to/retailsim
source "$(dirname "$0")/harness.sh" "$1"

import() {  # FILE [flags...]: imports into a fresh database; sets out, rc
  rm -f "$work/x.db" "$work/x.db-wal" "$work/x.db-shm"
  out=$("$bin" import "$@" --db "$work/x.db" 2>&1); rc=$?
}

# Each alone looks like a name and identifies nobody.
for name in '\u200b' '\ufeff' '\u2060' '\u00a0' '\u3164' '\u3000' \
            '\U000E0041\U000E0042' '\u0301' 'Ann\u2028Bob' 'Ann\u2029Bob' \
            'A\uffff' 'A\ufdd0' 'A\U00040000' 'A\ue000'; do
  printf 'first_name\n%b\n' "$name" > "$work/one.csv"
  import "$work/one.csv"
  check "name '$name' refused (rc=$rc): $out" [ "$rc" -eq 1 ]
  check "name '$name' wrote nothing" [ ! -e "$work/x.db" ]
done

# A byte-order mark before a data row is not stored; NBSP and U+3000 are
# trimmed alike.
printf 'first_name,last_name\n\xef\xbb\xbfAnn,\xc2\xa0Lee\xc2\xa0\nBo,\xe3\x80\x80Ray\xe3\x80\x80\n' > "$work/bom.csv"
import "$work/bom.csv"
check "BOM row loads (rc=$rc): $out" [ "$rc" -eq 0 ]
names=$(sqlite3 "$work/x.db" "SELECT group_concat(hex(display_name), ' ') FROM customers")
check "stored without BOM, NBSP or U+3000: $names" \
  [ "$names" = "$(sqlite3 :memory: "SELECT hex('Ann Lee') || ' ' || hex('Bo Ray')")" ]

# Right-to-left marks are normal in Hebrew and Arabic names.
printf 'first_name\n\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d\xe2\x80\x8f\n\xd8\xb9\xd9\x84\xd9\x8a\xd8\x9c\n' > "$work/rtl.csv"
import "$work/rtl.csv"
check "RLM and ALM names load (rc=$rc): $out" [ "$rc" -eq 0 ]
printf 'first_name\nAnn\xe2\x80\xaeexe\n' > "$work/rlo.csv"
import "$work/rlo.csv"
check "an override is still refused: $out" grep -q 'bidi_override' <<<"$out"

# Errors escape what would act on a terminal and shorten what is huge.
printf 'first_name,type\nAnn,\x1b[2Jrobot\n' > "$work/ansi.csv"
import "$work/ansi.csv"
check "no raw escape byte in the error" bash -c '! grep -q $'"'"'\x1b'"'"' <<<"$0"' "$out"
check "the escape shown as \\x1B: $out" grep -qF "'\\x1B[2Jrobot'" <<<"$out"
head -c 50000000 /dev/zero | tr '\0' x > "$work/wide.csv"
printf ',first_name\nAnn\n' >> "$work/wide.csv"
import "$work/wide.csv"
check "a 50 MB column name: exit 2 (rc=$rc)" [ "$rc" -eq 2 ]
check "a 50 MB column name: error of ${#out} bytes" [ "${#out}" -lt 1000 ]
check "a 50 MB column name: its size said" grep -qF "a header of 50000011 bytes" <<<"$out"

# Memory is bounded by a row: fifty million commas in 1 GiB (found: 1.4 GB
# and std::bad_alloc). Peak memory measured; and, where the sanitizers do
# not reserve their shadow memory, under a 1 GiB limit as well.
{ printf 'first_name\n'; head -c 50000000 /dev/zero | tr '\0' ,; printf '\nAnn\n'; } > "$work/commas.csv"
out=$(/usr/bin/time -f 'peak %M KB' "$bin" import "$work/commas.csv" --db "$work/c.db" 2>&1); rc=$?
peak=$(grep -oP 'peak \K[0-9]+' <<<"$out")
check "50 MB of commas: exit 1, not a crash (rc=$rc)" [ "$rc" -eq 1 ]
check "50 MB of commas: the row named: $out" \
  grep -qF 'row 2 (line 2): 50000000 bytes, more than a row may hold' <<<"$out"
check "50 MB of commas: peak memory ${peak:-?} KB, under 256 MB" [ "${peak:-999999999}" -lt 262144 ]
if ! ldd "$bin" | grep -q libasan; then
  out=$( (ulimit -v 1048576; "$bin" import "$work/commas.csv" --db "$work/c.db") 2>&1); rc=$?
  check "50 MB of commas under a 1 GiB limit: exit 1 (rc=$rc)" [ "$rc" -eq 1 ]
fi

# What the file is, said plainly.
mkdir "$work/folder.csv"
import "$work/folder.csv"
check "a folder: exit 2 and said (rc=$rc): $out" \
  bash -c '[ "$0" -eq 2 ] && grep -qF "is a folder, not a file" <<<"$1"' "$rc" "$out"
printf 'first_name\nAnn\n' | iconv -f UTF-8 -t UTF-16 > "$work/u16.csv"
import "$work/u16.csv"
check "UTF-16: exit 2, said (rc=$rc): $out" \
  bash -c '[ "$0" -eq 2 ] && grep -qF "not UTF-8: UTF-16" <<<"$1"' "$rc" "$out"

# Field errors count bytes from 1, as file errors do.
printf 'first_name\nA\xffB\n' > "$work/byte.csv"
import "$work/byte.csv"
check "field error at byte 2: $out" grep -qF 'at byte 2 (0xFF)' <<<"$out"

# Bad flags are refused once, as flags, before any row is read.
printf 'first_name,phone\nAnn,555\nBob,556\n' > "$work/two.csv"
import "$work/two.csv" --country XX
check "--country XX: exit 2 (rc=$rc)" [ "$rc" -eq 2 ]
check "--country XX: one line naming the flag: $out" \
  bash -c '[ "$(wc -l <<<"$0")" -eq 1 ] && grep -qF -- "--country: '"'"'XX'"'"' is not an ISO 3166-1" <<<"$0"' "$out"
printf 'first_name\nAnn\n' > "$work/ann.csv"
import "$work/ann.csv" --address-book 'bad book!'
check "--address-book refused as its column would be (rc=$rc): $out" \
  bash -c '[ "$0" -eq 2 ] && grep -qF -- "--address-book" <<<"$1"' "$rc" "$out"
check "and nothing written" [ ! -e "$work/x.db" ]

# A read-only database: refused, and no -wal or -shm left beside it.
mkdir -m 777 "$work/ro"
printf 'first_name\nAnn\n' > "$work/ro/ok.csv"
"$bin" import "$work/ro/ok.csv" --db "$work/ro/hq.db" >/dev/null
chmod 444 "$work/ro/hq.db"
chmod 755 "$work"
before=$(sha256sum < "$work/ro/hq.db")
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
out=$("${as_user[@]}" "$bin" import "$work/ro/ok.csv" --db "$work/ro/hq.db" 2>&1); rc=$?
check "read-only database: exit 2 (rc=$rc): $out" [ "$rc" -eq 2 ]
check "read-only database: said: $out" grep -qF "read-only" <<<"$out"
check "read-only database: no -wal/-shm left: $(ls "$work/ro")" \
  [ ! -e "$work/ro/hq.db-wal" -a ! -e "$work/ro/hq.db-shm" ]
check "read-only database: unchanged" [ "$before" = "$(sha256sum < "$work/ro/hq.db")" ]

out=$("$bin" import --help 2>&1)
check "import --help names docs/existing-customers.md" \
  grep -qF "docs/existing-customers.md" <<<"$out"
check "which exists" [ -f "$(dirname "$0")/../../docs/existing-customers.md" ]

finish
