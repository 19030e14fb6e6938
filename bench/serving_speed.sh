# bench/serving_speed.sh — issue 22's goals, each against its baseline in one run:
# 200,000 rows × 8 features through float8[], a table row and jsonb; 100 trees of
# depth 6 one row at a time and in predict_batch; the first predict of a 300-tree
# model in a new connection (parsed, then loaded from the shared cache); pgbench, one
# prediction per query, against a builtin query and a Flask + gunicorn + scikit-learn
# service. Sourced by bench/run.sh.
ROWS=${BENCH_SERVING_ROWS:-200000}
BENCH_REPEAT=5
AUTOML_PACKAGES=(python3-flask gunicorn python3-psycopg2 python3-sklearn)
ensure_packages
F="f1, f2, f3, f4, f5, f6, f7, f8"
ARR="ARRAY[$F]"
OBJ="jsonb_build_object('f1', f1, 'f2', f2, 'f3', f3, 'f4', f4, 'f5', f5, 'f6', f6, 'f7', f7, 'f8', f8)"

say "serving_speed: $ROWS rows × 8 features"
bq -c "DROP TABLE IF EXISTS bench_wide, bench_arrays, bench_batches;
       CREATE TABLE bench_wide AS
         SELECT $F, (f1 + 2 * f2 - f3 + f4 * f5 - f6 + (random() - 0.5) > 1)::int AS label
           FROM (SELECT random() f1, random() f2, random() f3, random() f4, random() f5,
                        random() f6, random() f7, random() f8 FROM generate_series(1, $ROWS)) s;
       -- The same rows as stored arrays, one per call or 200 batches of 1,000 (a client
       -- sending many rows at once).
       CREATE TABLE bench_arrays AS SELECT $ARR AS features FROM bench_wide;
       CREATE TABLE bench_batches AS
         SELECT array_agg(features) AS rows
           FROM (SELECT features, row_number() OVER () AS n FROM bench_arrays) s GROUP BY n / 1000;"
for t in bench_wide bench_arrays bench_batches; do bq -c "VACUUM ANALYZE $t"; done
bench_worker_up bench-serving-speed
TRAIN="'SELECT $F, label FROM bench_wide LIMIT 20000', 'label'"
for job in \
  "'speed_lin', $TRAIN, algorithm => 'logistic'" \
  "'speed_xgb', $TRAIN, algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 100, \"max_depth\": 6, \"early_stopping_rounds\": 0}'" \
  "'speed_big', $TRAIN, algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 300, \"max_depth\": 8, \"early_stopping_rounds\": 0}'"; do
  id=$(bq -c "SELECT automl.train($job)")
  bq -c "SELECT status FROM automl.wait($id)" >/dev/null
done
bench_workers_down

serial="SET max_parallel_workers_per_gather = 0;"
a=$(best_seconds "$serial SELECT sum(array_length($ARR, 1)) FROM bench_wide")
b=$(best_seconds "$serial SELECT sum(automl.predict('speed_lin', $ARR)) FROM bench_wide")
c=$(best_seconds "$serial SELECT sum(automl.predict('speed_xgb', $ARR)) FROM bench_wide")
r=$(best_seconds "$serial SELECT sum(automl.predict('speed_lin', w)) FROM bench_wide w")
jb=$(best_seconds "$serial SELECT count($OBJ) FROM bench_wide")
j=$(best_seconds "$serial SELECT sum(automl.predict('speed_lin', $OBJ)) FROM bench_wide")
singles=$(best_seconds "$serial SELECT sum(automl.predict('speed_xgb', features)) FROM bench_arrays")
batched=$(best_seconds "$serial SELECT sum(array_length(automl.predict_batch('speed_xgb', rows), 1)) FROM bench_batches")

# The first call in a new connection, less the second: what the first costs more.
# The first connection after training parses the model file and looks the deployment
# up; later ones find the model's image and the deployment in shared memory. A builtin
# function's first call is the floor any first call pays (its expression's planning).
first_ms() {  # first_ms EXPRESSION
  bq -c "DO \$\$ DECLARE t0 timestamptz; t1 timestamptz; v float8; BEGIN
           t0 := clock_timestamp(); v := $1;
           t1 := clock_timestamp(); v := $1;
           RAISE NOTICE '%', 1000 * extract(epoch FROM (t1 - t0) - (clock_timestamp() - t1)); END \$\$" 2>&1 |
    sed -n 's/.*NOTICE: *//p'
}
median_first_ms() { for _ in 1 2 3 4 5; do first_ms "$1"; done | sort -g | sed -n 3p; }
POINT="ARRAY[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]"
parsed_ms=$(first_ms "automl.predict('speed_big', $POINT)")
shared_ms=$(median_first_ms "automl.predict('speed_big', $POINT)")
linear_ms=$(median_first_ms "automl.predict('speed_lin', $POINT)")
builtin_ms=$(median_first_ms "array_length($POINT::float8[], 1)")
cache=$(bq -c "SELECT format('%s models, %s bytes, %s parses, %s image loads; %s deployments, %s read from it, %s stored', models, bytes, parses, image_loads, deployments, deployment_hits, deployment_stores) FROM automl.shared_model_cache_status()")
model_bytes=$(bq -c "SELECT octet_length(model) FROM automl.models WHERE project = 'speed_big'")

# pgbench: one prediction per query against the same query without it, prepared.
script_dir=$(mktemp -d)
vars='\set a random(1, 1000)
\set b random(1, 1000)'
printf '%s\nSELECT array_length(ARRAY[:a / 1000.0, :b / 1000.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]::float8[], 1);\n' "$vars" >"$script_dir/builtin.sql"
printf '%s\nSELECT automl.predict('"'"'speed_lin'"'"', ARRAY[:a / 1000.0, :b / 1000.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]::float8[]);\n' "$vars" >"$script_dir/predict.sql"
tps() {  # tps SCRIPT CLIENTS SECONDS
  pgbench -n -M prepared -T "$3" -c "$2" -j "$2" -f "$1" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
# Three pairs, builtin then predict, each pair's ratio measured side by side: on a
# shared 2-core VM the throughput of either drifts by 10-30 % between seconds, more
# than predict's own cost; the median of the pairs' ratios is what is reported.
tps_pairs=""
for _ in 1 2 3; do
  tps_pairs+="$(tps "$script_dir/builtin.sql" 2 5):$(tps "$script_dir/predict.sql" 2 5) "
done
tps_predict_1=$(tps "$script_dir/predict.sql" 1 8)
rm -rf "$script_dir"
say "serving_speed: Flask + gunicorn + scikit-learn"
peer=$(/usr/bin/python3 "$AUTOML_ROOT/bench/serving_peer.py" bench_wide "$(free_port 18080)" "f1,f2,f3,f4,f5,f6,f7,f8")

/usr/bin/python3 - "$ROWS" "$a" "$b" "$c" "$r" "$jb" "$j" "$singles" "$batched" "$parsed_ms" "$shared_ms" \
  "$tps_pairs" "$tps_predict_1" "$peer" "$cache" "$model_bytes" "$linear_ms" "$builtin_ms" <<'PY'
import json, statistics, sys
rows = int(sys.argv[1])
a, b, c, r, jb, j, singles, batched, parsed_ms, shared_ms = map(float, sys.argv[2:12])
pairs = [tuple(map(float, pair.split(":"))) for pair in sys.argv[12].split()]
ratios = [with_predict / builtin for builtin, with_predict in pairs]
tps_b = statistics.median(builtin for builtin, _ in pairs)
tps_p = statistics.median(with_predict for _, with_predict in pairs)
tps_p1 = float(sys.argv[13])
peer = json.loads(sys.argv[14]); cache = sys.argv[15]; model_bytes = int(sys.argv[16]); linear_ms = float(sys.argv[17])
builtin_ms = float(sys.argv[18])
flask_rps = 1 / peer["per_row"]
print(f"### Serving speed: {rows:,} rows × 8 features (best of 5, 2 cores)\n")
print("| path | seconds | × its baseline | goal |")
print("|---|---|---|---|")
for name, s, base, goal in [
        ("(a) baseline: sum(array_length(ARRAY[f1..f8], 1))", a, a, ""),
        ("(b) predict, logistic, float8[]", b, a, "≤ 1.3"),
        ("(c) predict, xgboost 100 trees of depth 6, float8[]", c, a, "≤ 5"),
        ("(d) predict, logistic, table row", r, a, "≤ 1.6"),
        ("(e) baseline: count(jsonb_build_object(…))", jb, jb, ""),
        ("(f) predict, logistic, jsonb built per row", j, jb, "≤ 1.5"),
        ("(g) predict, 100 trees, one call per stored float8[] row", singles, singles, ""),
        ("(h) predict_batch, 100 trees, 200 calls of 1,000 rows", batched, singles, "≤ 0.5")]:
    print(f"| {name} | {s:.3f} | {s / base:.2f} | {goal} |")
print(f"\nPer row: (c) {c / rows * 1e6:.2f} µs, (g) {singles / rows * 1e6:.2f} µs, "
      f"(h) {batched / rows * 1e6:.2f} µs: predict_batch is {singles / batched:.2f}× faster per row (goal ≥ 2).\n")
print("| first predict in a new connection, 300 trees of depth 8 | ms | goal |")
print("|---|---|---|")
print(f"| the first backend: reads and parses the {model_bytes / 1e6:.1f} MB model file | {parsed_ms:.2f} | |")
print(f"| any later backend: the deployment, model row and image from shared memory (median of 5) | {shared_ms:.2f} | ≤ 1 |")
print(f"| for scale: a logistic model's first predict in a later backend | {linear_ms:.2f} | |")
print(f"| for scale: a builtin function's first call (array_length), less its second | {max(builtin_ms, 0):.2f} | |")
print(f"\nThe model's own share of a later backend's first predict: about {max(shared_ms - linear_ms, 0):.2f} ms.")
print(f"\nShared cache after the run: {cache}.\n")
print("| pgbench, one query per transaction, prepared | tps | ratio | goal |")
print("|---|---|---|---|")
print(f"| builtin query, 2 clients | {tps_b:,.0f} | 1.00 | |")
flask_2 = peer["two_clients_per_second"]
ratio = statistics.median(ratios)
print(f"| automl.predict (logistic, 8 features), 2 clients | {tps_p:,.0f} | {ratio:.2f} of builtin; {tps_p / flask_2:.0f}× Flask | ≥ 0.9; ≥ 15 |")
print(f"| Flask + gunicorn (2 workers) + scikit-learn, 2 clients, one HTTP call per row | {flask_2:,.0f} | 1.00 | |")
print(f"| automl.predict, 1 client | {tps_p1:,.0f} | {tps_p1 / flask_rps:.1f}× Flask | |")
print(f"| Flask + gunicorn + scikit-learn, 1 client | {flask_rps:,.0f} | 1.00 | |")
print(f"\nTwo clients: the median of three pairs of 5 s runs, builtin then predict; the pairs' ratios were {', '.join(f'{x:.2f}' for x in ratios)}.")
print("\nOne pgbench client on this VM waits on each round trip's wake-up (about 80 µs); two keep the cores busy.")
PY
unset BENCH_REPEAT
