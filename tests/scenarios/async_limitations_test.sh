#!/usr/bin/env bash
# scenarios/qa-async-limitations.yaml under each of the sixteen combinations
# of HQ's feature flags, as one sweep: every run keeps every promise, and
# each limitation's refusals are there exactly when no flag that lifts it
# is on (the table in model/rules.hpp).
# Usage: async_limitations_test.sh path/to/retailsim scenario.yaml
source "$(dirname "$0")/../app/harness.sh" "$1"
file="$2"

combinations=$(python3 -c '
import itertools
flags = ["multiple_contacts", "async_addresses", "enhanced_async", "edit_async"]
print("[" + ", ".join("[" + ", ".join(c) + "]"
      for n in range(5) for c in itertools.combinations(flags, n)) + "]")')
out=$("$bin" sweep "$file" --seeds 1 --jobs 2 --output "$work/flags" \
  --param "topology.features=$combinations" \
  --metric refused.edit_profile --metric refused.add_address \
  --metric refused.full_wizard --metric refused.join_club \
  --metric refused.add_affiliation --metric refused.add_secondary_contact \
  --metric lost --metric duplicated 2>&1); rc=$?
check "the sweep over the 16 combinations completes, invariants ok (rc=$rc): $out" \
  [ "$rc" -eq 0 ]
check "each limitation is refused exactly when no flag lifts it" python3 - "$work/flags/sweep.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 16, len(rows)
# When each operation's refusals are gone, by the flags that are on.
lifted = {
    "edit_profile": lambda on: "edit_async" in on,
    "add_address": lambda on: bool(on & {"async_addresses", "edit_async"}),
    # The wizard's customers have an address.
    "full_wizard": lambda on: "async_addresses" in on,
    # Club memberships are a profile edit.
    "join_club": lambda on: "edit_async" in on,
    "add_affiliation": lambda on: "enhanced_async" in on,
    # Needs the feature at any store; on an Async customer, enhanced too.
    "add_secondary_contact": lambda on: {"multiple_contacts", "enhanced_async"} <= on,
}
for r in rows:
    on = set(f.strip() for f in r["topology.features"].strip("[]").split(",") if f.strip())
    for op, is_lifted in lifted.items():
        refused = float(r["refused." + op + "_mean"])
        assert (refused == 0) == is_lifted(on), (sorted(on), op, refused)
    assert float(r["lost_mean"]) == 0 and float(r["duplicated_mean"]) == 0, r
print("16 combinations as the table says")
PY
finish
