#!/usr/bin/env bash
# scripts/suite.sh NAME — runs one test suite against the build as installed and ends
# with one line "NAME: N passed, N failed" (exit status 1 when any failed).
# scripts/test.sh builds, installs and runs every suite in this order; CTest registers
# each one too (ctest --test-dir build, after cmake --install build).
#   unit         core/ GoogleTest (including parity with python3-sklearn) and daemon/tests
#   regression   pg_regress over tests/schedule, a fresh cluster with a running worker
#   integration  GoogleTest driving real automl-worker processes (tests/integration)
#   replica      a hot standby of the test cluster (tests/replica)
#   pooler       pgbouncer in transaction pooling in front of it (tests/pooler)
#   hostile      unit tests under ASan + UBSan and the libFuzzer harnesses (scripts/fuzz.sh)
#   docs         the README's SQL tour and every docs page's SQL examples, run as written
#   browser      automl.report and describe_report pages in headless Chromium (tests/browser)
#   format       every C++ file as .clang-format has it, and within the size rules
#                (scripts/sizes.py: files up to 450 lines, functions up to 80)
#   packages     the .deb packages (cpack) installed with dpkg, the systemd unit's
#                command as systemd runs it, the docker/ images; restores the
#                developer install afterwards (tests/packages)
#   teardown     stops the test cluster and its worker (not a suite: prints nothing)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TEST_DIR=$AUTOML_STATE_DIR/test
SUITE=${1:?usage: scripts/suite.sh NAME}
mkdir -p "$AUTOML_STATE_DIR"
log=$AUTOML_STATE_DIR/$SUITE.log

# Prints "NAME: P passed, F failed" from a GoogleTest log; a run that crashed before
# reporting, or a suite whose SetUpTestSuite threw, counts as a failure.
gtest_summary() {
  local p f s t
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  # --gtest_brief=1 prints no "N tests, listed below" line: count the failed tests' own.
  if [ -z "$f" ]; then
    f=$(grep -cE '^\[  FAILED  \] [[:alnum:]_/]+\.[[:alnum:]_/]+ \(' "$log" || true)
    [ "$f" = 0 ] && f=""
  fi
  if [ -z "$p" ] && [ -z "$f" ]; then f=1; fi
  s=$(sed -n 's/^ *\([0-9]*\) FAILED TEST SUITE.*/\1/p' "$log" | tail -1)
  # Nor, under --gtest_brief=1, a "N FAILED TEST SUITE" line: count the suites that threw.
  t=$(grep -cE 'thrown in (SetUp|TearDown)TestSuite\(\)' "$log" || true)
  [ "$t" -gt "${s:-0}" ] && s=$t
  echo "$SUITE: ${p:-0} passed, $(( ${f:-0} + ${s:-0} )) failed"
}

# A script that prints its own "NAME: N passed, N failed" (NAME: $1, default the
# suite's): passes the counts on, or counts one failure when it printed none.
own_summary() {
  local name=${1:-$SUITE} counts
  counts=$(sed -n -E "s/^$name: ([0-9]+ passed, [0-9]+ failed)$/\1/p" "$log" | tail -1)
  echo "$SUITE: ${counts:-0 passed, 1 failed}"
}

unit() {
  local p=0 f=0 program counts
  for program in core/core_tests daemon/tests/daemon_tests; do
    # As automl-worker does for itself (daemon/main.cpp): XGBoost's threads sleep
    # instead of spinning while they wait, so a busy machine does not stall them.
    OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} "$AUTOML_BUILD_DIR/$program" --gtest_brief=1 2>&1 |
      tee "$log" >&2 || true
    counts=$(gtest_summary)
    p=$((p + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$counts")))
    f=$((f + $(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$counts")))
  done
  echo "$SUITE: $p passed, $f failed"
}

regression() {
  local out=$AUTOML_STATE_DIR/regress p f t
  worker_down "$TEST_DIR"
  cluster_down "$TEST_DIR"
  rm -rf "$TEST_DIR" "$(readlink -f "$TEST_DIR" 2>/dev/null || true)"
  cluster_up "$TEST_DIR" 54330 automl_it  # the integration tests log predictions
  ensure_database automl_regress
  # pg_cron's scheduler gives up when its database (cron.database_name) does not exist
  # yet at start: a restart lets it find the one just created.
  eval "$(cluster_restart_command "$TEST_DIR")"
  worker_up "$TEST_DIR" automl_regress
  rm -rf "$out" && mkdir -p "$out"
  # From the checkout's root: tests load bundled data with \copy 'data/…'.
  (cd "$AUTOML_ROOT" && "$(pg_config --pkglibdir)/pgxs/src/test/regress/pg_regress" \
    --inputdir="$AUTOML_ROOT/tests" --outputdir="$out" --use-existing \
    --schedule="$AUTOML_ROOT/tests/schedule" \
    --host="$PGHOST" --port="$PGPORT" --user="$PGUSER" --dbname=automl_regress 2>&1) | tee "$log" >&2 || true
  worker_down "$TEST_DIR"
  p=$(grep -cE '^(ok|test) .* \.\.\. ok|^ok ' "$log" || true)
  f=$(grep -cE '\.\.\. FAILED|^not ok ' "$log" || true)
  # A test file the schedule does not name would never run: each counts as a failure.
  for t in "$AUTOML_ROOT"/tests/sql/*.sql; do
    t=$(basename "$t" .sql)
    grep -qx "test: $t" "$AUTOML_ROOT/tests/schedule" || { say "not in tests/schedule: $t"; f=$((f + 1)); }
  done
  if [ "$p" = 0 ] && [ "$f" = 0 ]; then f=1; fi
  if [ "$f" != 0 ] && [ -f "$out/regression.diffs" ]; then cat "$out/regression.diffs" >&2; fi
  echo "$SUITE: $p passed, $f failed"
}

integration() {
  cluster_up "$TEST_DIR" 54330 automl_it
  AUTOML_RESTART_POSTGRES=$(cluster_restart_command "$TEST_DIR") \
  AUTOML_WORKER=$AUTOML_WORKER_BIN PGDATABASE=postgres \
    "$AUTOML_BUILD_DIR/tests/integration/integration_tests" --gtest_brief=1 2>&1 | tee "$log" >&2 || true
  gtest_summary
}

# Two checks: every C++ file git knows is as clang-format (.clang-format) writes it,
# naming the ones that differ; and the size rules (scripts/sizes.py).
format() {
  local f p=0 bad=0 unformatted=0
  for f in $(cd "$AUTOML_ROOT" && git ls-files -- '*.cpp' '*.hpp' '*.h'); do
    if ! clang-format --style=file "$AUTOML_ROOT/$f" | cmp -s - "$AUTOML_ROOT/$f"; then
      unformatted=$((unformatted + 1)); say "not formatted: $f (clang-format -i $f)"
    fi
  done
  if [ "$unformatted" = 0 ]; then p=$((p + 1)); else bad=$((bad + 1)); fi
  # No file over 450 lines, no function over 80, unless it says why.
  if python3 "$AUTOML_ROOT/scripts/sizes.py" "$AUTOML_ROOT" | grep -q ' 0 failed$'; then
    p=$((p + 1))
  else
    bad=$((bad + 1))
  fi
  echo "$SUITE: $p passed, $bad failed"
}

case $SUITE in
  unit)  # core/ and the daemon's pure helpers, no database
    summary=$(unit) ;;
  regression) summary=$(regression) ;;
  integration) summary=$(integration) ;;
  replica | pooler | docs | browser | packages)
    case $SUITE in
      replica) script=$AUTOML_ROOT/tests/replica/replica_test.sh ;;
      pooler) script=$AUTOML_ROOT/tests/pooler/pgbouncer_test.sh ;;
      docs) script=$AUTOML_ROOT/tests/docs/docs_test.sh ;;
      browser) script=$AUTOML_ROOT/tests/browser/browser_test.sh ;;
      packages) script=$AUTOML_ROOT/tests/packages/package_test.sh ;;
    esac
    bash "$script" "$TEST_DIR" 2>&1 | tee "$log" >&2 || true
    summary=$(own_summary) ;;
  hostile)
    bash "$AUTOML_ROOT/scripts/fuzz.sh" "${AUTOML_FUZZ_SECONDS:-15}" >"$log" || true
    summary=$(own_summary fuzz) ;;
  format) summary=$(format) ;;
  teardown)
    worker_down "$TEST_DIR"
    cluster_down "$TEST_DIR"
    exit 0 ;;
  *) say "unknown suite: $SUITE"; exit 2 ;;
esac
echo "$summary"
case $summary in *" 0 failed") exit 0 ;; *) exit 1 ;; esac
