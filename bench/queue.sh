# bench/queue.sh — the job queue: pickup latency (INSERT → started_at) and noop
# throughput, with 1 and 3 workers, on an empty table and with a million finished
# jobs in it. Sourced by bench/run.sh, which provides the cluster, bq and workers.
LATENCY_JOBS=${BENCH_LATENCY_JOBS:-400}
THROUGHPUT_JOBS=${BENCH_THROUGHPUT_JOBS:-4000}
HISTORY_ROWS=${BENCH_HISTORY_ROWS:-1000000}

wait_until() {  # wait_until SQL: polls until the query returns t (at most 10 minutes)
  for _ in $(seq 1 6000); do
    [ "$(bq -c "$1")" = t ] && return 0
    sleep 0.1
  done
  say "timed out waiting for: $1"
  return 1
}

start_workers() {  # start_workers COUNT CONCURRENCY
  local i
  for i in $(seq 1 "$1"); do bench_worker_up "bench-$i" --concurrency "$2"; done
  wait_until "SELECT count(*) = $1 FROM automl.workers"
}

# One job at a time, 10–30 ms apart, so every pickup is a wake-up of an idle worker.
latency_row() {  # latency_row LABEL
  local first
  first=$(bq -c "SELECT coalesce(max(id), 0) FROM automl.jobs")
  # One autocommit statement per job: created_at is now(), the start of the INSERT's
  # own transaction (a DO loop with COMMIT would date every job before its sleep).
  for _ in $(seq 1 "$LATENCY_JOBS"); do
    echo "INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{}');"
    echo "SELECT pg_sleep(0.01 + random() * 0.02);"
  done | bq >/dev/null
  wait_until "SELECT count(*) FILTER (WHERE status <> 'succeeded') = 0 FROM automl.jobs WHERE id > $first"
  bq -F ' | ' -c "
    SELECT '$1', count(*),
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1),
           round(percentile_cont(0.9) WITHIN GROUP (ORDER BY ms)::numeric, 1),
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1),
           round(max(ms)::numeric, 1)
      FROM (SELECT extract(epoch FROM started_at - created_at) * 1000 AS ms
              FROM automl.jobs WHERE id > $first) s" | sed 's/^/| /; s/$/ |/'
}

# A backlog inserted at once, drained by already-running workers.
throughput_row() {  # throughput_row LABEL
  local first
  first=$(bq -c "SELECT coalesce(max(id), 0) FROM automl.jobs")
  bq -c "INSERT INTO automl.jobs (kind, spec) SELECT 'noop', '{}' FROM generate_series(1, $THROUGHPUT_JOBS)"
  wait_until "SELECT count(*) FILTER (WHERE status <> 'succeeded') = 0 FROM automl.jobs WHERE id > $first"
  bq -F ' | ' -c "
    SELECT '$1', count(*), round(extract(epoch FROM max(finished_at) - min(created_at))::numeric, 2),
           round((count(*) / extract(epoch FROM max(finished_at) - min(created_at)))::numeric, 0),
           count(DISTINCT worker), count(*) FILTER (WHERE attempts <> 1)
      FROM automl.jobs WHERE id > $first" | sed 's/^/| /; s/$/ |/'
}

# The same backlog measured again with HISTORY_ROWS finished jobs in the table: the
# partial index on queued jobs keeps claiming independent of the history.
add_history() {
  bq -c "SET session_replication_role = replica;  -- no triggers: the rows are history, not work
         INSERT INTO automl.jobs (kind, spec, status, attempts, created_by, created_at, started_at, finished_at)
         SELECT 'noop', '{}', 'succeeded', 1, current_user, t, t, t
           FROM (SELECT now() - interval '30 days' + i * interval '1 s' AS t
                   FROM generate_series(1, $HISTORY_ROWS) i) s;
         ANALYZE automl.jobs;"
}

LATENCY=()
THROUGHPUT=()
for config in "1 1" "1 4" "3 4"; do
  set -- $config
  label="$1 × $2"
  say "queue: $label workers × concurrency"
  start_workers "$1" "$2"
  LATENCY+=("$(latency_row "$label")")
  THROUGHPUT+=("$(throughput_row "$label")")
  bench_workers_down
  wait_until "SELECT count(*) = 0 FROM automl.workers"
done

say "queue: adding $HISTORY_ROWS finished jobs"
add_history
start_workers 3 4
LATENCY+=("$(latency_row "3 × 4, $HISTORY_ROWS finished rows")")
THROUGHPUT+=("$(throughput_row "3 × 4, $HISTORY_ROWS finished rows")")
PLAN=$(bq -c "EXPLAIN SELECT q.id FROM automl.jobs q WHERE q.status = 'queued' AND q.run_after <= now()
               ORDER BY q.priority, q.id LIMIT 1 FOR UPDATE SKIP LOCKED" | grep -o 'Index Scan using [a-z_]*' | head -1)
bench_workers_down

echo
echo "### Pickup latency: INSERT → started_at (noop jobs, one at a time)"
echo
echo "| workers × concurrency | jobs | p50 ms | p90 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${LATENCY[@]}"
echo
echo "Target: p50 ≤ 20 ms, p99 ≤ 100 ms."
echo
echo "### Throughput: a backlog of $THROUGHPUT_JOBS noop jobs inserted at once"
echo
echo "| workers × concurrency | jobs | seconds | jobs/s | workers used | jobs with attempts ≠ 1 |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${THROUGHPUT[@]}"
echo
echo "Target: ≥ 200 jobs/s. Claim plan with $HISTORY_ROWS finished rows: ${PLAN:-no index scan}."
