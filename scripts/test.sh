#!/usr/bin/env bash
# scripts/test.sh — installs what is missing, builds, and runs every test suite:
#   unit         core/ GoogleTest, including parity with python3-sklearn
#   regression   pg_regress over tests/sql against a fresh cluster with a running worker
#   integration  GoogleTest driving real automl-worker processes (tests/integration)
#   replica      a hot standby of the test cluster (tests/replica)
#   pooler       pgbouncer in transaction pooling in front of it (tests/pooler)
#   hostile      unit tests under ASan + UBSan and the libFuzzer harnesses (scripts/fuzz.sh)
# Ends with one line "N passed, N failed" over all suites; exits non-zero on any failure.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TEST_DIR=$AUTOML_STATE_DIR/test
passed=0
failed=0

count_gtest() {  # adds a GoogleTest log's totals
  local log=$1 p f s
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  if [ -z "$p" ] && [ -z "$f" ]; then f=1; fi  # crashed before reporting
  # A suite whose SetUpTestSuite threw skips its tests: count the suite as a failure.
  s=$(sed -n 's/^ *\([0-9]*\) FAILED TEST SUITE.*/\1/p' "$log" | tail -1)
  f=$(( ${f:-0} + ${s:-0} ))
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
}

# A shell suite (tests/replica, tests/pooler) against the test cluster: adds its
# "NAME: N passed, N failed" line; a suite that printed none counts as one failure.
run_shell_suite() {
  local name=$1 script=$2 p f
  bash "$script" "$TEST_DIR" 2>&1 | tee "$AUTOML_STATE_DIR/$name.out" >&2 || true
  p=$(sed -n "s/^$name: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p" "$AUTOML_STATE_DIR/$name.out")
  f=$(sed -n "s/^$name: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p" "$AUTOML_STATE_DIR/$name.out")
  if [ -z "$p" ]; then f=1; fi
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
}

cleanup() {
  worker_down "$TEST_DIR"
  cluster_down "$TEST_DIR"
}
trap cleanup EXIT

mkdir -p "$AUTOML_STATE_DIR"
AUTOML_PACKAGES+=(pgbouncer)  # the pooler suite
ensure_packages
build_and_install

say "== unit tests (core)"
"$AUTOML_BUILD_DIR/core/core_tests" --gtest_brief=1 2>&1 | tee "$AUTOML_STATE_DIR/unit.log" >&2 || true
count_gtest "$AUTOML_STATE_DIR/unit.log"

say "== unit tests (daemon)"
"$AUTOML_BUILD_DIR/daemon/tests/daemon_tests" --gtest_brief=1 2>&1 | tee "$AUTOML_STATE_DIR/daemon_unit.log" >&2 || true
count_gtest "$AUTOML_STATE_DIR/daemon_unit.log"

say "== SQL regression tests"
cleanup
rm -rf "$TEST_DIR" "$(readlink -f "$TEST_DIR" 2>/dev/null || true)"
cluster_up "$TEST_DIR" 54330 automl_it  # the integration tests log predictions
ensure_database automl_regress
worker_up "$TEST_DIR" automl_regress
regress_out=$AUTOML_STATE_DIR/regress
rm -rf "$regress_out" && mkdir -p "$regress_out"
tests=$(cd "$AUTOML_ROOT/tests/sql" && ls -- *.sql | sed 's/\.sql$//' | sort)
# From the checkout's root: tests load bundled data with \copy 'data/…'.
# shellcheck disable=SC2086
(cd "$AUTOML_ROOT" && "$(pg_config --pkglibdir)/pgxs/src/test/regress/pg_regress" \
  --inputdir="$AUTOML_ROOT/tests" --outputdir="$regress_out" --use-existing \
  --host="$PGHOST" --port="$PGPORT" --user="$PGUSER" --dbname=automl_regress $tests \
  2>&1) | tee "$AUTOML_STATE_DIR/regress.log" >&2 || true
p=$(grep -cE '^(ok|test) .* \.\.\. ok|^ok ' "$AUTOML_STATE_DIR/regress.log" || true)
f=$(grep -cE '\.\.\. FAILED|^not ok ' "$AUTOML_STATE_DIR/regress.log" || true)
passed=$((passed + p))
failed=$((failed + f))
if [ "$f" != 0 ] && [ -f "$regress_out/regression.diffs" ]; then cat "$regress_out/regression.diffs" >&2; fi
worker_down "$TEST_DIR"

say "== integration tests (real workers)"
AUTOML_RESTART_POSTGRES=$(cluster_restart_command "$TEST_DIR") \
AUTOML_WORKER=$AUTOML_WORKER_BIN PGDATABASE=postgres \
  "$AUTOML_BUILD_DIR/tests/integration/integration_tests" --gtest_brief=1 2>&1 |
  tee "$AUTOML_STATE_DIR/integration.log" >&2 || true
count_gtest "$AUTOML_STATE_DIR/integration.log"

say "== replica: a hot standby of the test cluster"
run_shell_suite replica "$AUTOML_ROOT/tests/replica/replica_test.sh"

say "== pooler: pgbouncer in transaction pooling"
run_shell_suite pooler "$AUTOML_ROOT/tests/pooler/pgbouncer_test.sh"

say "== hostile input: unit tests under ASan + UBSan, libFuzzer harnesses (${AUTOML_FUZZ_SECONDS:-15} s each)"
bash "$AUTOML_ROOT/scripts/fuzz.sh" "${AUTOML_FUZZ_SECONDS:-15}" >"$AUTOML_STATE_DIR/fuzz.out" || true
p=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$AUTOML_STATE_DIR/fuzz.out")
f=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$AUTOML_STATE_DIR/fuzz.out")
if [ -z "$p" ]; then f=1; fi  # the build or the script broke
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
