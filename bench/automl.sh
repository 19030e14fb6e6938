# bench/automl.sh — search => 'auto' on real public datasets (bench/datasets.py:
# python3-sklearn's bundled sets and R's MASS package) against scikit-learn's
# HistGradientBoosting and python3-xgboost with their defaults, and against
# python3-optuna (TPE) tuning xgboost with 3-fold CV for the same wall-clock budget.
# Every system trains on the same rows and is scored on the same held-out 25 %.
# Budgets: BENCH_AUTOML_BUDGETS (default "5 20 60" seconds); datasets:
# BENCH_AUTOML_DATASETS (default all); BENCH_AUTOML_SPLITS (default 1): repeat every
# dataset on that many seeded 25 % splits (seeds 0, 1, ...; 0 is the single run's
# split) and add a table of each system's mean over the splits and the mean Δ.
# Sourced by bench/run.sh.
BUDGETS=(${BENCH_AUTOML_BUDGETS:-5 20 60})
SPLITS=${BENCH_AUTOML_SPLITS:-1}
AUTOML_PACKAGES=(python3-pandas python3-psycopg2 python3-sklearn python3-xgboost python3-optuna
                 r-base-core r-cran-mass)
ensure_packages

# One JSON line per system, dataset, budget and split, for the table of means.
RECORDS=$BENCH_DIR/automl_records.jsonl
: >"$RECORDS"

# held_out_score TABLE TARGET TASK PROJECT: the served model's accuracy or r2 on is_test.
held_out_score() {
  if [ "$3" = classification ]; then
    bq -c "SELECT avg((automl.predict_label('$4', t) = t.\"$2\"::text)::int) FROM $1 t WHERE is_test"
  else
    bq -c "SELECT 1 - sum((automl.predict('$4', t) - t.\"$2\") ^ 2) / sum((t.\"$2\" - m) ^ 2)
             FROM $1 t, (SELECT avg(\"$2\") m FROM $1 WHERE is_test) a WHERE is_test"
  fi
}

# bench_dataset SPLIT NAME TARGET TASK METRIC: pg_automl at every budget, then the peers,
# on the split loaded now; rows go to ROWS, records to RECORDS.
bench_dataset() {
  local split=$1 name=$2 target=$3 task=$4 metric=$5 table=ds_$2 shape label budget project
  local job seconds algorithm trials eval status error score tests line
  shape=$(bq -c "SELECT count(*) FILTER (WHERE NOT is_test) || ' × ' || (SELECT count(*) - 2
                   FROM information_schema.columns WHERE table_name = '$table') FROM $table")
  tests=$(bq -c "SELECT count(*) FROM $table WHERE is_test")
  label="$name ($shape)"
  [ "$SPLITS" -eq 1 ] || label="$label, split $split"
  for budget in "${BUDGETS[@]}"; do
    say "automl: $name, pg_automl, $budget s (split $split)"
    # A project per split: deploy => 'if_better' must never keep another split's model.
    project="${name}_$budget"
    [ "$split" -eq 0 ] || project="${project}_s$split"
    job=$(bq -c "SELECT automl.train('$project', 'SELECT * FROM $table WHERE NOT is_test', '$target',
                   task => '$task', metric => '$metric', search => 'auto', time_budget => '$budget seconds',
                   preprocess => '{\"exclude\": [\"is_test\"]}')")
    IFS='|' read -r seconds algorithm trials eval status error <<<"$(bq -F '|' -c "
      SELECT extract(epoch FROM finished_at - started_at), result->>'algorithm', result->'search'->>'trials',
             coalesce(result->'search'->>'eval', ''), status, coalesce(error, '') FROM automl.wait($job, '10 minutes')")"
    [ "$status" = succeeded ] || { say "pg_automl failed on $name: $error"; exit 1; }
    score=$(held_out_score "$table" "$target" "$task" "$project")
    ROWS+=("$(printf '| %s | %s s | pg_automl auto (%s, %s, %s trials) | %.4f | %.2f |' \
      "$label" "$budget" "$algorithm" "$eval" "$trials" "$score" "$seconds")")
    printf '{"split": %s, "dataset": "%s", "task": "%s", "tests": %s, "budget": %s, "system": "pg_automl", "score": %s, "served": "%s"}\n' \
      "$split" "$name" "$task" "$tests" "$budget" "$score" "$algorithm" >>"$RECORDS"
  done
  say "automl: $name, peers (split $split)"
  while read -r line; do
    ROWS+=("$(/usr/bin/python3 -c 'import json, sys; r = json.loads(sys.argv[1])
b = "defaults" if r["budget"] is None else "%g s" % r["budget"]
print("| %s | %s | %s | %.4f | %.2f |" % (sys.argv[2], b, r["system"], r["score"], r["seconds"]))
r.update(split=int(sys.argv[3]), dataset=sys.argv[4], task=sys.argv[5], tests=int(sys.argv[6]))
with open(sys.argv[7], "a") as f: f.write(json.dumps(r) + "\n")' \
      "$line" "$label" "$split" "$name" "$task" "$tests" "$RECORDS")")
  done < <(/usr/bin/python3 "$AUTOML_ROOT/bench/automl_peer.py" "$table" "$target" "$task" "$(IFS=,; echo "${BUDGETS[*]}")")
}

bench_worker_up bench-automl
ROWS=()
for ((split = 0; split < SPLITS; split++)); do
  say "automl: loading the datasets (split $split)"
  DATASETS=()
  while read -r line; do DATASETS+=("$line"); done \
    < <(/usr/bin/python3 "$AUTOML_ROOT/bench/datasets.py" "$BENCH_DIR/datasets" "$split")
  for entry in "${DATASETS[@]}"; do
    read -r name target task metric about <<<"$entry"
    [ -z "${BENCH_AUTOML_DATASETS:-}" ] || [[ " $BENCH_AUTOML_DATASETS " == *" $name "* ]] || continue
    bench_dataset "$split" "$name" "$target" "$task" "$metric"
  done
done
bench_workers_down

echo "### AutoML on real data: held-out accuracy (classification) or r2 (regression) on the same 25 % of rows"
echo
echo "| dataset (train rows × features) | budget | system | held-out | seconds |"
echo "|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "Datasets: $(for e in "${DATASETS[@]}"; do set -- $e; printf '%s = %s; ' "$1" "${5//_/ }"; done)"
echo "pg_automl's seconds are started_at → finished_at of the job (reading, refit and storing"
echo "included); the peers' are fit time on data already in memory (Optuna's: search and refit)."
if [ "$SPLITS" -gt 1 ]; then
  echo
  /usr/bin/python3 "$AUTOML_ROOT/bench/automl_splits.py" "$RECORDS"
fi
