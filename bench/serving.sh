# bench/serving.sh — the cost of predicting inside the backend: 200,000 rows in one
# query for a builtin baseline, a linear model, 100 boosted trees, an A/B split with
# and without a shadow, prediction logging, a parallel query, and the seeds' architecture (Flask + gunicorn + scikit-learn called
# over HTTP per row and batched). Sourced by bench/run.sh.
ROWS=${BENCH_SERVING_ROWS:-200000}
BENCH_REPEAT=5  # sub-second queries on a shared 2-core machine: best of 5
AUTOML_PACKAGES=(python3-flask gunicorn python3-psycopg2 python3-sklearn)  # the peer's stack
ensure_packages

say "serving: $ROWS rows"
bq -c "DROP TABLE IF EXISTS bench_points;
       CREATE TABLE bench_points AS SELECT f1, f2, f3, (f1 + 2 * f2 - f3 + (random() - 0.5) > 1) AS label
         FROM (SELECT random() f1, random() f2, random() f3 FROM generate_series(1, $ROWS)) s;
       ALTER TABLE bench_points SET (parallel_workers = 2);"
bq -c "VACUUM ANALYZE bench_points"
bench_worker_up bench-serving
for job in \
  "'serve_lin', 'SELECT f1, f2, f3, label FROM bench_points LIMIT 20000', 'label', algorithm => 'logistic'" \
  "'serve_xgb', 'SELECT f1, f2, f3, label FROM bench_points LIMIT 20000', 'label', algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 100, \"early_stopping_rounds\": 0}'" \
  "'serve_split', 'SELECT f1, f2, f3, label FROM bench_points LIMIT 20000', 'label', algorithm => 'logistic'" \
  "'serve_split', 'SELECT f1, f2, f3, label FROM bench_points LIMIT 20000', 'label', algorithm => 'logistic', hyperparams => '{\"C\": 0.01}', deploy => 'never'" \
  "'serve_shadow', 'SELECT f1, f2, f3, label FROM bench_points LIMIT 20000', 'label', algorithm => 'logistic'" \
  "'serve_shadow', 'SELECT f1, f2, f3, label FROM bench_points LIMIT 20000', 'label', algorithm => 'logistic', hyperparams => '{\"C\": 0.01}', deploy => 'never'" \
  "'serve_shadow', 'SELECT f1, f2, f3, label FROM bench_points LIMIT 20000', 'label', algorithm => 'logistic', hyperparams => '{\"C\": 0.1}', deploy => 'never'" \
  "'serve_log', 'SELECT f1, f2, f3, label FROM bench_points LIMIT 20000', 'label', algorithm => 'logistic'"; do
  id=$(bq -c "SELECT automl.train($job)")
  bq -c "SELECT status FROM automl.wait($id)" >/dev/null
done
bench_workers_down
bq -c "SELECT automl.deploy_split('serve_split', (SELECT array_agg(id ORDER BY id) FROM automl.models WHERE project = 'serve_split'), ARRAY[0.5, 0.5])" >/dev/null
bq -c "SELECT automl.deploy_split('serve_shadow', (SELECT (array_agg(id ORDER BY id))[1:2] FROM automl.models WHERE project = 'serve_shadow'), ARRAY[0.5, 0.5]);
       SELECT automl.deploy_shadow('serve_shadow', (SELECT max(id) FROM automl.models WHERE project = 'serve_shadow'));
       SELECT automl.set_logging('serve_log', 0.01);" >/dev/null 2>&1

serial="SET max_parallel_workers_per_gather = 0;"
parallel="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
a=$(best_seconds "$serial SELECT sum(array_length(ARRAY[f1, f2, f3], 1)) FROM bench_points")
b=$(best_seconds "$serial SELECT sum(automl.predict('serve_lin', ARRAY[f1, f2, f3])) FROM bench_points")
c=$(best_seconds "$serial SELECT sum(automl.predict('serve_xgb', ARRAY[f1, f2, f3])) FROM bench_points")
d=$(best_seconds "$serial SELECT sum(automl.predict('serve_split', ARRAY[f1, f2, f3])) FROM bench_points")
ds=$(best_seconds "$serial SELECT sum(automl.predict('serve_shadow', ARRAY[f1, f2, f3])) FROM bench_points")
e=$(best_seconds "$serial SELECT sum(automl.predict('serve_log', ARRAY[f1, f2, f3])) FROM bench_points")
bq -c "SELECT automl.set_logging('serve_log', 1)" >/dev/null
e100=$(best_seconds "$serial SELECT sum(automl.predict('serve_log', ARRAY[f1, f2, f3])) FROM bench_points")
logged=$(bq -c "SELECT pg_sleep(2); SELECT format('%s written, %s dropped', written, dropped) FROM automl.prediction_log_status()" | tail -1)
j=$(best_seconds "$serial SELECT sum(automl.predict('serve_lin', jsonb_build_object('f1', f1, 'f2', f2, 'f3', f3))) FROM bench_points")
r=$(best_seconds "$serial SELECT sum(automl.predict('serve_lin', p)) FROM bench_points p")
f=$(best_seconds "$parallel SELECT sum(automl.predict('serve_lin', ARRAY[f1, f2, f3])) FROM bench_points")
ft=$(best_seconds "$parallel SELECT sum(automl.predict('serve_xgb', ARRAY[f1, f2, f3])) FROM bench_points")
plan=$(bq -c "$parallel EXPLAIN SELECT sum(automl.predict('serve_lin', ARRAY[f1, f2, f3])) FROM bench_points" | grep -o "Workers Planned: [0-9]*" | head -1)
say "serving: Flask + gunicorn + scikit-learn"
peer=$(/usr/bin/python3 "$AUTOML_ROOT/bench/serving_peer.py" bench_points "$(free_port 18080)")

/usr/bin/python3 - "$ROWS" "$a" "$b" "$c" "$d" "$j" "$r" "$f" "$ft" "$ds" "$e" "$e100" "$plan" "$peer" "$logged" <<'PY'
import json, sys
rows = int(sys.argv[1]); a, b, c, d, j, r, f, ft, ds, e, e100 = map(float, sys.argv[2:13])
plan = sys.argv[13]; peer = json.loads(sys.argv[14]); logged = sys.argv[15]
print(f"### Serving {rows:,} rows in one query (best of 5, 2 cores)\n")
print("| path | seconds | rows/s | × baseline |")
print("|---|---|---|---|")
for name, s in [("(a) baseline: sum(array_length(ARRAY[f1, f2, f3], 1))", a),
                ("(b) automl.predict, logistic, float8[]", b),
                ("(b') automl.predict, logistic, jsonb built per row", j),
                ("(b'') automl.predict, logistic, table row", r),
                ("(c) automl.predict, xgboost 100 trees", c),
                ("(d) automl.predict, A/B split of two models", d),
                ("(d') the split with a shadow model beside it", ds),
                ("(e) automl.predict, logistic, logging 1 % of calls", e),
                ("(e') the same, logging every call", e100),
                (f"(f) (b) as a parallel query ({plan or 'no parallel plan'})", f),
                ("(f') (c) as a parallel query", ft),
                ("(g) Flask + gunicorn + scikit-learn, one HTTP call per row", peer["per_row"] * rows),
                ("(g') the same, batches of 10,000 rows", peer["batched"] * rows)]:
    print(f"| {name} | {s:.3f} | {rows / s:,.0f} | {s / a:.2f} |")
print(f"\n(b) costs {b / a:.2f}× the baseline; (g) per row is {peer['per_row'] * rows / b:,.0f}× slower than (b); "
      f"parallel speed-up {b / f:.2f}× (linear), {c / ft:.2f}× (trees). (g) per row measured on {peer['sampled_calls']} calls. "
      f"Prediction log after the run: {logged}.")
PY
unset BENCH_REPEAT
