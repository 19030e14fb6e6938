# bench/report.sh — what a report costs: automl.report of a model trained on 1M rows
# against one trained on 1,000 rows of the same table (a ratio near 1 shows the stored
# evaluation is bounded), the evaluation's size and its share of the training job
# (phase_seconds.evaluate), and describe_report against describe on the 1M rows.
# Sourced by bench/run.sh.
REPORT_ROWS=${BENCH_REPORT_ROWS:-1000000}
bench_worker_up bench-report
bq -c "DROP TABLE IF EXISTS bench_report; SELECT setseed(0.3);
  CREATE TABLE bench_report AS
    SELECT random() * 100 AS a, random() * 10 AS b, (random() * 5)::int AS c, random() AS d,
           random() * 50 AS e, (random() < 0.3) AS flag,
           (ARRAY['north', 'south', 'east', 'west'])[1 + (random() * 3)::int] AS region
      FROM generate_series(1, $REPORT_ROWS);
  ALTER TABLE bench_report ADD COLUMN label text;
  UPDATE bench_report SET label = CASE WHEN a / 10 + b - c + (random() - 0.5) * 4 > 8 THEN 'yes' ELSE 'no' END;
  CREATE TABLE bench_report_small AS SELECT * FROM bench_report LIMIT 1000;"

# report_model TABLE: trains xgboost on TABLE and prints the model id.
report_model() {
  local job
  job=$(bq -c "SELECT automl.train('bench_$1', '$1', 'label', algorithm => 'xgboost', deploy => 'always')")
  bq -c "SELECT status FROM automl.wait($job, '30 min')" >/dev/null
  bq -c "SELECT (result->>'model_id') FROM automl.jobs WHERE id = $job"
}
big=$(report_model bench_report)
small=$(report_model bench_report_small)
big_s=$(best_seconds "SELECT length(automl.report($big))")
small_s=$(best_seconds "SELECT length(automl.report($small))")
echo "| model trained on | report seconds | page KiB | evaluation KiB | evaluate s / job s |"
echo "|---:|---:|---:|---:|---:|"
for row in "$REPORT_ROWS|$big|$big_s" "1000|$small|$small_s"; do
  IFS='|' read -r rows id seconds <<<"$row"
  bq -c "SELECT format('| %s | %s | %s | %s | %s / %s |', '$rows', round($seconds::numeric, 3),
                       length(automl.report(m.id)) / 1024, pg_column_size(m.evaluation) / 1024,
                       round((m.info->'phase_seconds'->>'evaluate')::numeric, 2),
                       round(extract(epoch FROM j.finished_at - j.started_at)::numeric, 1))
           FROM automl.models m JOIN automl.jobs j ON j.id = m.job_id WHERE m.id = $id"
done
echo
echo "Report of the ${REPORT_ROWS}-row model vs the 1,000-row model: $(/usr/bin/python3 -c "print('%.2f×' % ($big_s / $small_s))")"
describe_s=$(best_seconds "SELECT count(*) FROM automl.describe('bench_report')")
describe_report_s=$(best_seconds "SELECT length(automl.describe_report('bench_report'))")
echo
echo "| $REPORT_ROWS rows | seconds | vs describe |"
echo "|---|---:|---:|"
echo "| automl.describe | $(/usr/bin/python3 -c "print('%.2f' % $describe_s)") | 1.00 |"
echo "| automl.describe_report | $(/usr/bin/python3 -c "print('%.2f' % $describe_report_s)") | $(/usr/bin/python3 -c "print('%.2f' % ($describe_report_s / $describe_s))") |"
bench_workers_down
