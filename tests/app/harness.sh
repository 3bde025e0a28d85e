# Shared by the command-line tests: `source` it with the retailsim binary as
# $1. Gives $bin, a scratch folder $work removed on exit, the counters, and
# check/finish.
set -u
bin="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
pass=0

check() {  # description condition...
  local what="$1"; shift
  if "$@"; then pass=$((pass + 1)); else echo "FAIL: $what"; failed=$((failed + 1)); fi
}

finish() {  # prints the tally; the script's exit status is this one's
  echo "$pass passed, $failed failed"
  [ "$failed" -eq 0 ]
}
