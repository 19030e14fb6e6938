#!/usr/bin/env bash
# bench/run.sh [SUITE...] — benchmarks on a throwaway cluster of their own, printed
# as markdown tables. Every number is measured in the same run as the baseline or peer
# it is compared with; nothing here asserts a time. Without arguments, every suite.
#
#   queue     pickup latency and throughput of the job queue
#   train     end-to-end training of a 1M-row mixed table vs psycopg2 + pandas + scikit-learn
#   automl    search => 'auto' on real datasets vs HistGradientBoosting, xgboost and Optuna
#   budget    whether search => 'auto' keeps its time budget from 50 to 10⁷ rows
#   serving   predict inside the backend vs a Flask + gunicorn + scikit-learn microservice
#   tagging   CRF training on 10k names and automl.tag throughput per core
#   import    automl.import_csv vs psql \copy and pandas read_csv + to_sql, same file
#   report    automl.report of a 1M-row model vs a 1,000-row one; describe_report vs describe
#   analysis  pareto_front on 1M rows (2 and 3 objectives), a 6-factor design job, linear_analysis vs statsmodels
#   drift     automl.drift on 1M rows vs one scan of the columns, and vs numpy + scipy in memory
#
# The cluster lives in .devenv/bench and is stopped when the run ends.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_DIR=$AUTOML_STATE_DIR/bench
BENCH_DB=automl_bench
ALL_SUITES=(queue train automl budget serving serving_speed tagging import report analysis drift)
SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=("${ALL_SUITES[@]}")
for suite in "${SUITES[@]}"; do
  if [ ! -f "$AUTOML_ROOT/bench/$suite.sh" ]; then
    say "unknown benchmark '$suite'; known: ${ALL_SUITES[*]}"
    say "usage: bench/run.sh [${ALL_SUITES[*]}]..."
    exit 2
  fi
done

# Workers started by a suite; all stopped when the run ends, however it ends.
BENCH_WORKER_PIDS=()
bench_worker_up() {  # bench_worker_up NAME [worker options...]
  local name=$1
  shift
  "$AUTOML_WORKER_BIN" --dsn "host=$PGHOST port=$PGPORT dbname=$BENCH_DB user=$PGUSER" --name "$name" "$@" \
    >>"$BENCH_DIR/workers.log" 2>&1 </dev/null &
  BENCH_WORKER_PIDS+=($!)
}
bench_workers_down() {
  local pid
  for pid in "${BENCH_WORKER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${BENCH_WORKER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  BENCH_WORKER_PIDS=()
}
cleanup() {
  bench_workers_down
  cluster_down "$BENCH_DIR"
}
trap cleanup EXIT

# OpenMP threads (XGBoost's, in the worker and in the Python peers) sleep instead
# of spinning while they wait, so no system loses to another's spinning threads.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
mkdir -p "$AUTOML_STATE_DIR"
ensure_packages
build_and_install
cluster_down "$BENCH_DIR"
cluster_up "$BENCH_DIR" 54340 "$BENCH_DB"
psql -d postgres -qc "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" >/dev/null  # FORCE: the prediction logger is connected
ensure_database "$BENCH_DB"
export PGDATABASE=$BENCH_DB

bq() { psql -X -qAt -v ON_ERROR_STOP=1 "$@"; }

# best_seconds SQL: the best of $BENCH_REPEAT (default 3) runs of SQL, as psql's \timing
# measures each statement (send to last row received), all runs in one session: the
# time of starting psql and connecting (40-80 ms on a small VM) stays out of it. It had
# been in it, which pulled the ratio of a 0.1 s query towards 1.
best_seconds() {
  local i input="\\timing on"
  for ((i = 0; i < ${BENCH_REPEAT:-3}; i++)); do input+=$'\n'"$1;"$'\n\\echo @@'; done
  printf '%s\n' "$input" | bq | /usr/bin/python3 -c '
import re, sys
runs = sys.stdin.read().split("@@")[:-1]
print(min(sum(float(ms) for ms in re.findall(r"^Time: ([0-9.]+) ms", run, re.M)) for run in runs) / 1000)'
}

say "machine: $(nproc) cores, $(uname -m), PostgreSQL $(bq -c 'SHOW server_version')"
for suite in "${SUITES[@]}"; do
  echo "## $suite"
  # shellcheck source=/dev/null
  source "$AUTOML_ROOT/bench/$suite.sh"
  echo
done
