# tests/suite_checks.sh — for the shell test suites (tests/replica, tests/pooler):
# check NAME EXPECTED ACTUAL counts and reports one check; suite_summary NAME prints
# the "NAME: N passed, N failed" line scripts/test.sh adds up. Source it.
passed=0
failed=0

check() {
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1)); say "ok $SUITE: $1"
  else
    failed=$((failed + 1)); say "not ok $SUITE: $1: expected [$2], got [$3]"
  fi
}

suite_summary() { echo "$SUITE: $passed passed, $failed failed"; }
