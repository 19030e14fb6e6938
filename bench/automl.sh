# bench/automl.sh — search => 'auto' against python3-xgboost and scikit-learn's
# HistGradientBoosting (defaults) on three generated datasets of different shapes,
# every system trained on the same rows and scored on the same held-out rows. (The
# cost of serving trees against linear models is in bench/serving.sh.)
# Sourced by bench/run.sh.
BUDGET=${BENCH_AUTOML_BUDGET:-20}
AUTOML_PACKAGES=(python3-pandas python3-psycopg2 python3-sklearn python3-xgboost)  # the peers' stack
ensure_packages

say "automl: generating datasets"
bq -c "DROP TABLE IF EXISTS bench_rings, bench_tabular, bench_friedman;
  CREATE TABLE bench_rings AS
  SELECT r * cos(a) AS x, r * sin(a) AS y, CASE WHEN i % 2 = 0 THEN 'inner' ELSE 'outer' END AS label, i % 4 = 0 AS is_test
    FROM (SELECT i, CASE WHEN i % 2 = 0 THEN 1.0 ELSE 1.6 END + (random() - 0.5) * 0.5 AS r, random() * 2 * pi() AS a
            FROM generate_series(1, 20000) i) s;
  CREATE TABLE bench_tabular AS
  SELECT f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20,
         CASE WHEN sin(f1 * 3) + f2 * f3 + (f4 > 0.5)::int * f5 - f6 * f6 + 0.3 * (random() - 0.5) > 0.2
              THEN 'yes' ELSE 'no' END AS label, i % 4 = 0 AS is_test
    FROM (SELECT i, random() f1, random() f2, random() f3, random() f4, random() f5, random() f6, random() f7,
                 random() f8, random() f9, random() f10, random() f11, random() f12, random() f13, random() f14,
                 random() f15, random() f16, random() f17, random() f18, random() f19, random() f20
            FROM generate_series(1, 50000) i) s;
  CREATE TABLE bench_friedman AS
  SELECT x1, x2, x3, x4, x5, x6, x7, x8, x9, x10,
         10 * sin(pi() * x1 * x2) + 20 * (x3 - 0.5) ^ 2 + 10 * x4 + 5 * x5 + (random() - 0.5) AS y, i % 4 = 0 AS is_test
    FROM (SELECT i, random() x1, random() x2, random() x3, random() x4, random() x5, random() x6, random() x7,
                 random() x8, random() x9, random() x10 FROM generate_series(1, 30000) i) s;"

bench_worker_up bench-automl
ROWS=()
for spec in "bench_rings label classification accuracy" "bench_tabular label classification accuracy" \
            "bench_friedman y regression r2"; do
  set -- $spec
  table=$1 target=$2 task=$3 metric=$4
  say "automl: $table (pg_automl, $BUDGET s budget)"
  job=$(bq -c "SELECT automl.train('$table', 'SELECT * FROM $table WHERE NOT is_test', '$target',
                 search => 'auto', time_budget => '$BUDGET seconds', preprocess => '{\"exclude\": [\"is_test\"]}')")
  ours=$(bq -F '|' -c "SELECT extract(epoch FROM finished_at - started_at), result->>'algorithm',
                              result->'search'->>'trials', status, coalesce(error, '') FROM automl.wait($job, '10 minutes')")
  IFS='|' read -r seconds algorithm trials status error <<<"$ours"
  [ "$status" = succeeded ] || { say "pg_automl failed on $table: $error"; exit 1; }
  if [ "$task" = classification ]; then
    score=$(bq -c "SELECT avg((automl.predict_label('$table', t) = t.$target)::int) FROM $table t WHERE is_test")
  else
    score=$(bq -c "SELECT 1 - sum((automl.predict('$table', t) - t.$target) ^ 2) / sum((t.$target - m) ^ 2)
                     FROM $table t, (SELECT avg($target) m FROM $table WHERE is_test) a WHERE is_test")
  fi
  n=$(bq -c "SELECT count(*) FILTER (WHERE NOT is_test) || ' × ' || (SELECT count(*) - 2 FROM information_schema.columns WHERE table_name = '$table') FROM $table")
  ROWS+=("$(printf '| %s (%s) | pg_automl search auto (%s, %s trials) | %.4f | %.1f |' "$table" "$n" "$algorithm" "$trials" "$score" "$seconds")")
  while read -r line; do
    ROWS+=("$(/usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("| %s | %s | %.4f | %.1f |" % (sys.argv[2], r["system"], r["score"], r["seconds"]))' "$line" "$table ($n)")")
  done < <(/usr/bin/python3 "$AUTOML_ROOT/bench/automl_peer.py" "$table" "$target" "$task")
done
bench_workers_down

echo "### AutoML: held-out metric (accuracy or r2 on the same 25 % of rows) and training seconds"
echo
echo "| dataset (train rows × features) | system | held-out metric | seconds |"
echo "|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "pg_automl's seconds are started_at → finished_at of the job (reading included), budget $BUDGET s."

