# bench/budget.sh — does search => 'auto' keep its time_budget at every data size?
# One generated classification table per size (10 numeric features, a label from a
# noisy rule), from 50 rows to BENCH_BUDGET_MAX_ROWS (default 10⁷); one job each with
# a budget of BENCH_BUDGET_SECONDS (default 10). The job's seconds run from started_at
# (the claim) to finished_at: reading, search, final fit, refit and storing included.
# The goal is at most 5 % over the budget. Sourced by bench/run.sh.
BUDGET_SECONDS=${BENCH_BUDGET_SECONDS:-10}
MAX_ROWS=${BENCH_BUDGET_MAX_ROWS:-10000000}

bench_worker_up bench-budget
BUDGET_ROWS=()
for rows in 50 1000 100000 1000000 10000000; do
  [ "$rows" -le "$MAX_ROWS" ] || continue
  table=bench_budget_$rows
  say "budget: generating $rows rows"
  bq -c "DROP TABLE IF EXISTS $table;
    CREATE UNLOGGED TABLE $table AS
    SELECT f1, f2, f3, f4, f5, f6, f7, f8, f9, f10,
           CASE WHEN sin(f1 * 3) + f2 * f3 - f4 * f4 + 0.3 * (random() - 0.5) > 0.3 THEN 'yes' ELSE 'no' END AS label
      FROM (SELECT random() f1, random() f2, random() f3, random() f4, random() f5, random() f6,
                   random() f7, random() f8, random() f9, random() f10 FROM generate_series(1, $rows)) s;
    ANALYZE $table;"
  say "budget: $rows rows, $BUDGET_SECONDS s"
  job=$(bq -c "SELECT automl.train('$table', '$table', 'label', search => 'auto',
                 time_budget => '$BUDGET_SECONDS seconds')")
  IFS='|' read -r status seconds read_rows read_seconds trials stopped refit phases error <<<"$(bq -F '|' -c "
    SELECT status, extract(epoch FROM finished_at - started_at), result->'rows', result->'read_seconds',
           result->'search'->'trials', coalesce(result->'search'->>'stopped', ''),
           CASE WHEN result->'refit' = 'false' THEN 'skipped' ELSE 'yes' END,
           coalesce((SELECT string_agg(format('%s %ss', key, round(value::numeric, 2)), ', ')
                       FROM jsonb_each_text(result->'phase_seconds')), ''), coalesce(error, '')
      FROM automl.wait($job, '10 minutes')")"
  [ "$status" = succeeded ] || { say "budget: job on $rows rows failed: $error"; exit 1; }
  BUDGET_ROWS+=("$(printf '| %s | %s | %.2f | %.2f | %.3f | %s | %s | %s | read %.2fs, %s |' "$rows" "$read_rows" \
    "$seconds" "$BUDGET_SECONDS" "$(/usr/bin/python3 -c "print($seconds / $BUDGET_SECONDS)")" "$trials" \
    "${stopped:-budget}" "$refit" "$read_seconds" "$phases")")
  bq -c "DROP TABLE $table"
done
bench_workers_down

echo "### search => 'auto' against its time_budget, by table size"
echo
echo "| table rows | rows read | job seconds | budget | ratio | trials | stopped | refit | where the time went |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${BUDGET_ROWS[@]}"
echo
echo "A budgeted job reads at most max(20,000, 30,000 × budget seconds) rows (a sample of bigger tables)."
