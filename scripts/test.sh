#!/usr/bin/env bash
# scripts/test.sh — installs what is missing, builds, installs, and runs every test
# suite (scripts/suite.sh names them: unit, regression, integration, replica, pooler,
# docs, browser, hostile, format, packages). Ends with one line "N passed, N failed" over all suites; exits
# non-zero on any failure.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# packages last: it installs the .deb packages over the developer install, then puts it back.
SUITES=(unit regression integration replica pooler docs browser hostile format packages)
passed=0
failed=0
trap 'bash "$AUTOML_ROOT/scripts/suite.sh" teardown' EXIT

mkdir -p "$AUTOML_STATE_DIR"
AUTOML_PACKAGES+=(pgbouncer clang-format)  # the pooler and format suites
AUTOML_PACKAGES+=(prometheus)  # promtool checks the worker's /metrics (integration)
AUTOML_PACKAGES+=(chromium chromium-driver python3-selenium python3-pil)  # the browser suite
ensure_packages
build_and_install

for suite in "${SUITES[@]}"; do
  say "== $suite"
  line=$(bash "$AUTOML_ROOT/scripts/suite.sh" "$suite" | tail -1 || true)
  say "$line"
  p=$(sed -n -E "s/^$suite: ([0-9]+) passed, ([0-9]+) failed$/\1/p" <<<"$line")
  f=$(sed -n -E "s/^$suite: ([0-9]+) passed, ([0-9]+) failed$/\2/p" <<<"$line")
  if [ -z "$p" ]; then f=1; fi  # the suite broke before counting
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
