# bench/tagging.sh — short-text tagging: training a CRF on the bundled 10,000 names
# (a job, end to end), its entity F1 through automl.tag on the clean unseen-brand
# split and on the noisy set (data/respirators_noisy.csv), next to a tagger of the
# version 1 features trained without augmentation, and automl.tag over 20,000 names
# in one query — serially (one core), as a parallel query, and with the rules —
# against a baseline that only splits the same names into tokens; then the training
# alternatives (hyperparams "training", "c1") beside the default L-BFGS, each a job
# on the same rows. Sourced by bench/run.sh.
say "tagging: loading the bundled respirator names"
bq -q -c "DROP TABLE IF EXISTS bench_names_train, bench_names, bench_names_clean, bench_names_noisy;
       CREATE TABLE bench_names_train (name text, tokens text[], tags text[]);
       CREATE TABLE bench_names (name text, tokens text[], tags text[]);
       CREATE TABLE bench_names_noisy (name text, tokens text[], tags text[]);"
bq -c "\\copy bench_names_train FROM '$AUTOML_ROOT/data/respirators_train.csv' WITH (FORMAT csv, HEADER)"
bq -c "\\copy bench_names FROM '$AUTOML_ROOT/data/respirators_test.csv' WITH (FORMAT csv, HEADER)"
bq -c "\\copy bench_names_noisy FROM '$AUTOML_ROOT/data/respirators_noisy.csv' WITH (FORMAT csv, HEADER)"
bq -c "CREATE TABLE bench_names_clean AS SELECT * FROM bench_names"
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
id_v1=$(bq -c "SELECT automl.train('bench_tagger_v1', 'bench_names_train', 'tags', task => 'tagging', algorithm => 'crf',
                                    hyperparams => '{\"token_features\": 1, \"augment\": 0}')")
bq -c "SELECT status FROM automl.wait($id_v1)" >/dev/null
# The alternatives: PROJECT|HYPERPARAMS|LABEL, trained one after another like the default.
ALTERNATIVES=(
  "bench_tagger_perceptron|{\"training\": \"perceptron\"}|averaged perceptron, 10 epochs"
  "bench_tagger_pa|{\"training\": \"pa\"}|passive-aggressive (PA-I, C = 1), 10 epochs"
  "bench_tagger_l1|{\"c1\": 1, \"c2\": 0}|L-BFGS L1 (OWL-QN), c1 1, c2 0"
  "bench_tagger_enet|{\"c1\": 0.1, \"c2\": 0.1}|L-BFGS elastic net (OWL-QN), c1 0.1, c2 0.1"
)
alternative_jobs=()
for alternative in "${ALTERNATIVES[@]}"; do
  IFS='|' read -r project hyperparams _ <<<"$alternative"
  job_id=$(bq -c "SELECT automl.train('$project', 'bench_names_train', 'tags', task => 'tagging', algorithm => 'crf',
                                      hyperparams => '$hyperparams')")
  bq -c "SELECT status FROM automl.wait($job_id)" >/dev/null
  alternative_jobs+=("$job_id")
done
bench_workers_down

# entity_f1 PROJECT TABLE: entity F1 over exact spans of automl.tag's own answers
# (the computation of tests/sql/tagging.sql).
entity_f1() {
  bq -c "WITH tagged AS (
    SELECT t.tags AS truth, ARRAY(SELECT jsonb_array_elements_text(automl.tag('$1', t.name)->'tags')) AS got
      FROM $2 t
  ), spans AS (
    SELECT 'truth' AS side, row_number() OVER () AS k, truth AS tags FROM tagged
    UNION ALL SELECT 'got', row_number() OVER (), got FROM tagged
  ), tokens AS (
    SELECT side, k, i, tags[i] AS tag, tags[i] IS DISTINCT FROM tags[i - 1] AS starts
      FROM spans, generate_subscripts(tags, 1) i
  ), entities AS (
    SELECT side, k, tag, min(i) AS first, max(i) AS last
      FROM (SELECT *, sum(starts::int) OVER (PARTITION BY side, k ORDER BY i) AS run FROM tokens) r
     WHERE tag <> 'O' GROUP BY side, k, tag, run
  )
  SELECT round(2.0 * (SELECT count(*) FROM entities g JOIN entities t USING (k, tag, first, last)
                        WHERE g.side = 'got' AND t.side = 'truth')
               / count(*), 4) FROM entities"
}
f1s="$(entity_f1 bench_tagger bench_names_clean)|$(entity_f1 bench_tagger bench_names_noisy)"
f1s="$f1s|$(entity_f1 bench_tagger_v1 bench_names_clean)|$(entity_f1 bench_tagger_v1 bench_names_noisy)"
job=$(bq -c "SELECT format('%s|%s|%s|%s|%s', result->'train_seconds', result->'iterations', result->'features',
                             result->'metrics'->'entity_f1', result->'train_rows') FROM automl.jobs WHERE id = $id")
# alternative_row LABEL PROJECT JOB: one line of the alternatives' table.
alternative_row() {
  local outcome
  outcome=$(bq -c "SELECT format('%s|%s|%s', result->'train_seconds', result->'iterations', result->'metrics'->'entity_f1')
                     FROM automl.jobs WHERE id = $3")
  echo "$1|$(entity_f1 "$2" bench_names_clean)|$(entity_f1 "$2" bench_names_noisy)|$outcome"
}
alternatives=$(alternative_row "L-BFGS L2, c2 0.1 (default)" bench_tagger "$id")
for k in "${!ALTERNATIVES[@]}"; do
  IFS='|' read -r project _ label <<<"${ALTERNATIVES[$k]}"
  alternatives="$alternatives"$'\n'"$(alternative_row "$label" "$project" "${alternative_jobs[$k]}")"
done

serial="SET max_parallel_workers_per_gather = 0;"
parallel="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
a=$(best_seconds "$serial SELECT sum(cardinality(string_to_array(name, ' '))) FROM bench_names")
b=$(best_seconds "$serial SELECT count(automl.tag('bench_tagger', name)) FROM bench_names")
c=$(best_seconds "$parallel SELECT count(automl.tag('bench_tagger', name)) FROM bench_names")
d=$(best_seconds "$serial SELECT count(automl.tag('no_such_tagger', name)) FROM bench_names")
e=$(best_seconds "$serial SELECT jsonb_array_length(automl.tag('bench_tagger', array_agg(name))) FROM bench_names")
g=$(best_seconds "$serial SELECT count(automl.tag('bench_tagger_v1', name)) FROM bench_names")

/usr/bin/python3 - "$names" "$a" "$b" "$c" "$d" "$e" "$t0" "$t1" "$job" "$g" "$f1s" "$alternatives" <<'PY'
import sys
names = int(sys.argv[1]); a, b, c, d, e, t0, t1 = map(float, sys.argv[2:9])
train_seconds, iterations, features, f1, train_rows = sys.argv[9].split("|")
g = float(sys.argv[10])
clean, noisy, clean_v1, noisy_v1 = map(float, sys.argv[11].split("|"))
print(f"### Training a CRF on {int(train_rows):,} names (the job's held-out quarter excluded)\n")
print("| job, INSERT to succeeded | of which fitting | L-BFGS iterations | features | held-out entity F1 |")
print("|---|---|---|---|---|")
print(f"| {t1 - t0:.2f} s | {float(train_seconds):.2f} s | {iterations} | {int(features):,} | {float(f1):.4f} |\n")
print("### Entity F1 of automl.tag (exact spans)\n")
print("| tagger | clean: 2,000 names of unseen brands | noisy: 2,000 names (data/respirators_noisy.csv) |")
print("|---|---|---|")
print(f"| default: token features 4, augment 1 | {clean:.4f} | {noisy:.4f} |")
print(f"| token features 1, augment 0 (0.2.0's tagger) | {clean_v1:.4f} | {noisy_v1:.4f} |\n")
print(f"### Tagging {names:,} names in one query (best of 3)\n")
print("| path | seconds | names/s | names/s per core |")
print("|---|---|---|---|")
for name, s, cores in [("baseline: string_to_array(name, ' ') only", a, 1),
                       ("automl.tag, CRF, serial", b, 1),
                       ("automl.tag, CRF, parallel query (2 workers, leader too)", c, 2),
                       ("automl.tag, CRF, one call with a text[] batch", e, 1),
                       ("automl.tag, CRF of token features 1, serial", g, 1),
                       ("automl.tag, rules (no model deployed)", d, 1)]:
    print(f"| {name} | {s:.3f} | {names / s:,.0f} | {names / s / cores:,.0f} |")
print("\n### Training alternatives (token features 4, augment 1, the same rows)\n")
print("| training | clean entity F1 | noisy entity F1 | held-out entity F1 | fitting | iterations or passes |")
print("|---|---|---|---|---|---|")
for line in sys.argv[12].splitlines():
    label, clean, noisy, seconds, iterations, held_out = line.split("|")
    print(f"| {label} | {float(clean):.4f} | {float(noisy):.4f} | {float(held_out):.4f} | {float(seconds):.2f} s | {iterations} |")
PY
