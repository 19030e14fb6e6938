# bench/tagging.sh — short-text tagging: training a CRF on the bundled 10,000 names
# (a job, end to end), and automl.tag over 20,000 names in one query — serially (one
# core), as a parallel query, and with the rules — against a baseline that only
# splits the same names into tokens. Sourced by bench/run.sh.
say "tagging: loading the bundled respirator names"
bq -q -c "DROP TABLE IF EXISTS bench_names_train, bench_names;
       CREATE TABLE bench_names_train (name text, tokens text[], tags text[]);
       CREATE TABLE bench_names (name text, tokens text[], tags text[]);"
bq -c "\\copy bench_names_train FROM '$AUTOML_ROOT/data/respirators_train.csv' WITH (FORMAT csv, HEADER)"
bq -c "\\copy bench_names FROM '$AUTOML_ROOT/data/respirators_test.csv' WITH (FORMAT csv, HEADER)"
# 20,000 names: the held-out 2,000 ten times over.
bq -c "INSERT INTO bench_names SELECT n.* FROM bench_names n, generate_series(1, 9);
       ALTER TABLE bench_names SET (parallel_workers = 2);"
bq -c "VACUUM ANALYZE bench_names"
names=$(bq -c "SELECT count(*) FROM bench_names")
bench_worker_up bench-tagging
t0=$(date +%s.%N)
id=$(bq -c "SELECT automl.train('bench_tagger', 'bench_names_train', 'tags', task => 'tagging', algorithm => 'crf')")
bq -c "SELECT status FROM automl.wait($id)" >/dev/null
t1=$(date +%s.%N)
bench_workers_down
job=$(bq -c "SELECT format('%s|%s|%s|%s|%s', result->'train_seconds', result->'iterations', result->'features',
                             result->'metrics'->'entity_f1', result->'train_rows') FROM automl.jobs WHERE id = $id")

serial="SET max_parallel_workers_per_gather = 0;"
parallel="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
a=$(best_seconds "$serial SELECT sum(cardinality(string_to_array(name, ' '))) FROM bench_names")
b=$(best_seconds "$serial SELECT count(automl.tag('bench_tagger', name)) FROM bench_names")
c=$(best_seconds "$parallel SELECT count(automl.tag('bench_tagger', name)) FROM bench_names")
d=$(best_seconds "$serial SELECT count(automl.tag('no_such_tagger', name)) FROM bench_names")
e=$(best_seconds "$serial SELECT jsonb_array_length(automl.tag('bench_tagger', array_agg(name))) FROM bench_names")

/usr/bin/python3 - "$names" "$a" "$b" "$c" "$d" "$e" "$t0" "$t1" "$job" <<'PY'
import sys
names = int(sys.argv[1]); a, b, c, d, e, t0, t1 = map(float, sys.argv[2:9])
train_seconds, iterations, features, f1, train_rows = sys.argv[9].split("|")
print(f"### Training a CRF on {int(train_rows):,} names (the job's held-out quarter excluded)\n")
print("| job, INSERT to succeeded | of which fitting | L-BFGS iterations | features | held-out entity F1 |")
print("|---|---|---|---|---|")
print(f"| {t1 - t0:.2f} s | {float(train_seconds):.2f} s | {iterations} | {int(features):,} | {float(f1):.4f} |\n")
print(f"### Tagging {names:,} names in one query (best of 3)\n")
print("| path | seconds | names/s | names/s per core |")
print("|---|---|---|---|")
for name, s, cores in [("baseline: string_to_array(name, ' ') only", a, 1),
                       ("automl.tag, CRF, serial", b, 1),
                       ("automl.tag, CRF, parallel query (2 workers, leader too)", c, 2),
                       ("automl.tag, CRF, one call with a text[] batch", e, 1),
                       ("automl.tag, rules (no model deployed)", d, 1)]:
    print(f"| {name} | {s:.3f} | {names / s:,.0f} | {names / s / cores:,.0f} |")
PY
