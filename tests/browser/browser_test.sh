#!/usr/bin/env bash
# tests/browser/browser_test.sh [TEST_DIR] — the report pages in a real browser. On a
# throwaway cluster of its own (.devenv/browser, first port AUTOML_BROWSER_PORT, default
# 54390) with one worker: makes three tables in SQL (binary, 3-class, regression; numeric,
# text and boolean columns), trains a model on each through automl.train (the binary one
# by a random search, so that it has trials), writes each model's automl.report and one
# automl.describe_report page with scripts/report.sh as a psql user would, and checks
# them in headless Chromium (tests/browser/check_pages.py: no request leaving the page,
# no console error, no script, the charts of docs/report-documents.md drawn, not wider
# than the window, a screenshot that is not blank). tests/browser/self_test.py first
# proves on hand-made pages that each of those checks can fail. The screenshots are
# left in .devenv/browser/pages and copied to TEST_DIR/browser when TEST_DIR is given.
# Ends with "browser: N passed, N failed".
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
SUITE=browser
source "$(dirname "${BASH_SOURCE[0]}")/../suite_checks.sh"

TEST_DIR=${1:-}
BROWSER_DIR=$AUTOML_STATE_DIR/browser
HERE=$AUTOML_ROOT/tests/browser
DB=automl_browser
PYTHON=/usr/bin/python3  # Debian's, where python3-selenium and python3-pil are

browser_down() {
  worker_down "$BROWSER_DIR"
  cluster_down "$BROWSER_DIR"
}
trap browser_down EXIT

# run_checker NAME COMMAND…: runs one of the Python checkers; its "ok browser: …" and
# "not ok browser: …" lines count as this suite's checks. One more check: that it ran
# to its closing "NAME: N passed, N failed" line and exited accordingly.
run_checker() {
  local name=$1 out=$BROWSER_DIR/$1.out status=0 line ended
  shift
  "$@" >"$out" 2>"$BROWSER_DIR/$name.err" || status=$?
  while IFS= read -r line; do
    case $line in
      "ok $SUITE: "*) passed=$((passed + 1)); say "$line" ;;
      "not ok $SUITE: "*) failed=$((failed + 1)); say "$line" ;;
    esac
  done <"$out"
  ended="exit $status: $(tail -1 "$BROWSER_DIR/$name.err")"
  if grep -qE "^$name: [0-9]+ passed, 0 failed$" "$out" && [ "$status" = 0 ]; then
    ended=yes
  elif grep -qE "^$name: [0-9]+ passed, [1-9][0-9]* failed$" "$out" && [ "$status" = 1 ]; then
    ended=yes
  fi
  check "$name ran to the end" yes "$ended"
}

q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1" 2>&1; }

# The datasets. A fixed seed, so every run trains on the same rows; each row's random
# draws are made once (a MATERIALIZED CTE), then the target is computed from them.
make_tables() {
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL'
SELECT setseed(0.42) \g /dev/null
CREATE TABLE customers AS
WITH s AS MATERIALIZED (
  SELECT 18 + floor(random() * 60)::integer AS age,
         round((15000 + random() * 85000)::numeric, 2) AS income,
         (ARRAY['basic', 'plus', 'pro'])[1 + floor(random() * 3)::integer] AS plan,
         CASE WHEN random() < 0.1 THEN NULL
              ELSE (ARRAY['north', 'south', 'east', 'west'])[1 + floor(random() * 4)::integer] END AS region,
         random() < 0.4 AS support,
         random() * 1.6 - 0.8 AS noise
    FROM generate_series(1, 2000))
SELECT age, income, plan, region, support,
       0.05 * (45 - age) + CASE WHEN income < 40000 THEN 0.9 ELSE 0 END
         + CASE plan WHEN 'basic' THEN 0.7 WHEN 'pro' THEN -0.7 ELSE 0 END
         - CASE WHEN support THEN 0.8 ELSE 0 END + noise > 0 AS churned
  FROM s;
CREATE TABLE flowers AS
WITH s AS MATERIALIZED (
  SELECT random() * 3 AS petal, random() * 2.5 AS sepal,
         (ARRAY['white', 'blue', 'purple'])[1 + floor(random() * 3)::integer] AS colour,
         random() < 0.5 AS scented, random() * 0.6 - 0.3 AS noise
    FROM generate_series(1, 1500))
SELECT petal, sepal, colour, scented,
       CASE WHEN petal + 0.5 * sepal + noise < 2.2 THEN 'setosa'
            WHEN petal + 0.5 * sepal + noise < 3.6 THEN 'versicolor' ELSE 'virginica' END AS species
  FROM s;
CREATE TABLE houses AS
WITH s AS MATERIALIZED (
  SELECT 30 + random() * 170 AS area, 1 + floor(random() * 6)::integer AS rooms,
         (ARRAY['centre', 'harbour', 'suburb'])[1 + floor(random() * 3)::integer] AS district,
         random() < 0.3 AS garden, (random() - 0.5) * 40000 AS noise
    FROM generate_series(1, 1500))
SELECT area, rooms, district, garden,
       1200 * area + 8000 * rooms + CASE district WHEN 'centre' THEN 60000 WHEN 'harbour' THEN 30000 ELSE 0 END
         + CASE WHEN garden THEN 15000 ELSE 0 END + noise AS price
  FROM s;
SQL
}

# train_and_wait VAR NAME TRAIN_CALL: submits the job, waits for it (in a statement of
# its own, once the submission committed), checks that it succeeded and sets VAR to
# its model's id (empty when it did not).
train_and_wait() {
  local var=$1 name=$2 job status
  printf -v "$var" '%s' ""
  job=$(q "SELECT $3" || true)
  status=$(timeout 900 psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" \
    -c "SELECT status || coalesce(': ' || error, '') FROM automl.wait($job, '10 min')" 2>&1 || true)
  check "$name: training job $job succeeded" succeeded "$status"
  if [ "$status" = succeeded ]; then
    printf -v "$var" '%s' "$(q "SELECT id FROM automl.models WHERE job_id = $job" || true)"
  fi
}

hex() { od -An -v -tx1 | tr -d ' \n'; }

# write_page NAME CALL REPORT_ARGS…: writes $PAGES/NAME.html as a user gets it, with
# scripts/report.sh REPORT_ARGS, which runs
#   psql -X -q -At -v ON_ERROR_STOP=1 -v arg=ID -o FILE <<<"SELECT automl.report(:'arg'::bigint);"
# (or automl.describe_report(:'arg')) and drops the one newline psql prints after the
# value. Checks that the file begins and ends with the bytes CALL returns (not its
# length: a second call's generated_at may be longer or shorter).
write_page() {
  local name=$1 call=$2 file=$PAGES/$1.html want got
  shift 2
  PGDATABASE=$DB bash "$AUTOML_ROOT/scripts/report.sh" "$@" >"$file" 2>"$file.err" || true
  want=$(q "WITH p AS (SELECT convert_to($call, 'UTF8') AS b)
            SELECT encode(substring(b FOR 16), 'hex') || ' ' || encode(substring(b FROM greatest(length(b) - 15, 1)), 'hex') FROM p" || true)
  got="$(head -c 16 "$file" | hex) $(tail -c 16 "$file" | hex)$(head -c 300 "$file.err")"
  check "$name: scripts/report.sh $* writes the page as $call returns it" "$want" "$got"
  [ -s "$file" ] && [ "$want" = "$got" ]
}

# manifest_entry NAME CHART…: one page of check_pages.py's manifest (a JSON object).
manifest_entry() {
  local name=$1 charts=""
  shift
  [ $# = 0 ] || charts=$(printf '"%s", ' "$@")
  printf '{"name": "%s", "file": "%s", "charts": [%s], "screenshot": "%s"}' \
    "$name" "$PAGES/$name.html" "${charts%, }" "$PAGES/$name.png"
}

# What the checkers need (scripts/test.sh installs it), by package name.
missing_packages() {
  [ -x /usr/lib/chromium/chromium ] || printf 'chromium '
  [ -x /usr/bin/chromedriver ] || printf 'chromium-driver '
  $PYTHON -c 'import selenium' 2>/dev/null || printf 'python3-selenium '
  $PYTHON -c 'import PIL' 2>/dev/null || printf 'python3-pil '
}

check "chromium, chromium-driver, python3-selenium and python3-pil are installed" "" "$(missing_packages)"
mkdir -p "$AUTOML_STATE_DIR"
browser_down
rm -rf "$BROWSER_DIR" "$(readlink -f "$BROWSER_DIR" 2>/dev/null || true)"
cluster_up "$BROWSER_DIR" "${AUTOML_BROWSER_PORT:-54390}" "$DB"
PAGES=$BROWSER_DIR/pages
mkdir -p "$PAGES"
run_checker self_test timeout 600 "$PYTHON" "$HERE/self_test.py" "$PAGES"

check "CREATE DATABASE $DB" "" "$(psql -X -q -d postgres -c "CREATE DATABASE $DB" 2>&1)"
check "CREATE EXTENSION pg_automl" "" "$(q 'CREATE EXTENSION pg_automl')"
worker_up "$BROWSER_DIR" "$DB"
check "the tables are made" "" "$(make_tables 2>&1)"

# Submitted one after the other, each waited for: one worker runs them in turn anyway.
train_and_wait binary model_binary "automl.train('churn', 'public.customers', 'churned', algorithm => 'xgboost',
  search => 'random', search_params => '{\"n_trials\": 8, \"max_depth\": [2, 3, 4, 6], \"n_estimators\": [20, 50],
  \"learning_rate\": {\"min\": 0.05, \"max\": 0.5, \"log\": true}}')"
train_and_wait multiclass model_multiclass "automl.train('species', 'public.flowers', 'species')"
train_and_wait regression model_regression "automl.train('prices', 'public.houses', 'price', algorithm => 'xgboost',
  hyperparams => '{\"n_estimators\": 50, \"max_depth\": 4}')"

# Each page written, with the charts docs/report-documents.md names for it.
entries=()
if [ -n "$binary" ] && write_page model_binary "automl.report($binary)" "$binary"; then
  entries+=("$(manifest_entry model_binary confusion-matrix roc-curve pr-curve calibration \
    feature-importance trials column-histogram top-values)")
fi
if [ -n "$multiclass" ] && write_page model_multiclass "automl.report($multiclass)" "$multiclass"; then
  entries+=("$(manifest_entry model_multiclass confusion-matrix roc-curve pr-curve calibration \
    feature-importance column-histogram top-values)")
fi
if [ -n "$regression" ] && write_page model_regression "automl.report($regression)" "$regression"; then
  entries+=("$(manifest_entry model_regression predicted-vs-actual residual-histogram feature-importance \
    column-histogram top-values)")
fi
if write_page data_customers "automl.describe_report('public.customers')" --data public.customers; then
  entries+=("$(manifest_entry data_customers column-histogram top-values correlation-heatmap)")
fi

if [ ${#entries[@]} -gt 0 ]; then
  (IFS=,; printf '[%s]\n' "${entries[*]}") >"$PAGES/manifest.json"
  run_checker check_pages timeout 600 "$PYTHON" "$HERE/check_pages.py" "$PAGES/manifest.json"
fi
if [ -n "$TEST_DIR" ]; then
  mkdir -p "$TEST_DIR/browser"
  cp "$PAGES"/*.png "$TEST_DIR/browser/" 2>/dev/null || true
  say "screenshots: $TEST_DIR/browser/"
else
  say "screenshots: $PAGES/"
fi

suite_summary
[ "$failed" = 0 ]
