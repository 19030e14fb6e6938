#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] — the hostile-input suite for core/: builds core/ with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer, runs the unit tests under them, then
# runs each libFuzzer harness in core/fuzz for SECONDS (default 20) starting from the
# seeds in tests/fuzz/<harness>/. Seeds are replayed every run, so every crash found
# and saved there stays a regression test. Ends with "fuzz: N passed, N failed".
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SECONDS_EACH=${1:-20}
FUZZ_BUILD=$AUTOML_STATE_DIR/fuzz-build
AUTOML_PACKAGES+=(clang)  # libFuzzer and the sanitizers come with clang-14
ensure_packages

sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cmake -S "$AUTOML_ROOT" -B "$FUZZ_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS="$sanitizers -fsanitize=fuzzer-no-link" -DCMAKE_EXE_LINKER_FLAGS="$sanitizers" \
  -DAUTOML_FUZZ=ON -DAUTOML_WERROR=OFF -DAUTOML_BUILD_EXTENSION=OFF -DAUTOML_BUILD_DAEMON=OFF >&2
fuzzers=$(cd "$AUTOML_ROOT/core/fuzz" && ls fuzz_*.cpp | sed 's/\.cpp$//')
# shellcheck disable=SC2086
cmake --build "$FUZZ_BUILD" --target core_tests $fuzzers >&2

passed=0
failed=0
say "== unit tests under ASan + UBSan"
export ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1
OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} "$FUZZ_BUILD/core/core_tests" --gtest_brief=1 >"$AUTOML_STATE_DIR/sanitized_unit.log" 2>&1 || true
p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$AUTOML_STATE_DIR/sanitized_unit.log" | tail -1)
f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$AUTOML_STATE_DIR/sanitized_unit.log" | tail -1)
# --gtest_brief=1 prints no "N tests, listed below" line: count the failed tests' own.
if [ -z "$f" ]; then
  f=$(grep -cE '^\[  FAILED  \] [[:alnum:]_/]+\.[[:alnum:]_/]+ \(' "$AUTOML_STATE_DIR/sanitized_unit.log" || true)
  [ "$f" = 0 ] && f=""
fi
if [ -z "$p" ] && [ -z "$f" ]; then f=1; tail -30 "$AUTOML_STATE_DIR/sanitized_unit.log" >&2; fi
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
say "sanitized unit tests: ${p:-0} passed, ${f:-0} failed"

mkdir -p "$AUTOML_STATE_DIR/fuzz-artifacts"
for fuzzer in $fuzzers; do
  work=$AUTOML_STATE_DIR/fuzz-corpus/$fuzzer
  mkdir -p "$work"
  log=$AUTOML_STATE_DIR/fuzz-$fuzzer.log
  if "$FUZZ_BUILD/core/$fuzzer" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="$AUTOML_STATE_DIR/fuzz-artifacts/$fuzzer-" \
       "$work" "$AUTOML_ROOT/tests/fuzz/$fuzzer" >"$log" 2>&1; then
    passed=$((passed + 1))
    say "$fuzzer: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1), no crash"
  else
    failed=$((failed + 1))
    say "$fuzzer: FAILED — the input is in $AUTOML_STATE_DIR/fuzz-artifacts/; copy it into tests/fuzz/$fuzzer/ once fixed"
    grep -A 30 "ERROR: \|runtime error" "$log" | head -40 >&2
  fi
done
echo "fuzz: $passed passed, $failed failed"
