# bench/analysis.sh — the analysis functions at size: automl.pareto_front over 1M rows
# with 2 and 3 objectives (rows/s, and the ratio to reading the same rows as jsonb,
# which pareto_front must do anyway), a design job for 6 factors / quadratic / 40 runs
# against a noop job's queue round trip, and automl.linear_analysis on 1M rows against
# statsmodels' OLS on the same numbers already in memory. Sourced by bench/run.sh.
ANALYSIS_ROWS=${BENCH_ANALYSIS_ROWS:-1000000}
AUTOML_PACKAGES=(python3-psycopg2 python3-statsmodels)  # the peer's stack
ensure_packages
bench_worker_up bench-analysis
bq -c "DROP TABLE IF EXISTS bench_pareto; SELECT setseed(0.4);
  CREATE TABLE bench_pareto AS
    SELECT i, random() AS a, random() AS b, random() AS c, random() * 10 AS x1, random() * 5 AS x2,
           (ARRAY['p', 'q', 'r'])[1 + (random() * 2)::int] AS g
      FROM generate_series(1, $ANALYSIS_ROWS) i;
  ALTER TABLE bench_pareto ADD COLUMN y float8;
  UPDATE bench_pareto SET y = 3 + 2 * x1 - x2 + CASE g WHEN 'q' THEN 1 ELSE 0 END + random();"
rate() { /usr/bin/python3 -c "print('{:,.0f}'.format($ANALYSIS_ROWS / $1))"; }
ratio() { /usr/bin/python3 -c "print('%.2f' % ($1 / $2))"; }
scan_s=$(best_seconds "SELECT count(to_jsonb(t)) FROM bench_pareto t")
two_s=$(best_seconds "SELECT count(*) FROM automl.pareto_front('bench_pareto', '{\"a\": \"max\", \"b\": \"min\"}')")
three_s=$(best_seconds "SELECT count(*) FROM automl.pareto_front('bench_pareto', '{\"a\": \"max\", \"b\": \"min\", \"c\": \"min\"}')")
echo "| pareto_front, $ANALYSIS_ROWS rows | seconds | rows/s | vs reading the rows as jsonb |"
echo "|---|---:|---:|---:|"
echo "| rows as jsonb (baseline) | $(ratio "$scan_s" 1) | $(rate "$scan_s") | 1.00 |"
echo "| 2 objectives | $(ratio "$two_s" 1) | $(rate "$two_s") | $(ratio "$two_s" "$scan_s") |"
echo "| 3 objectives | $(ratio "$three_s" 1) | $(rate "$three_s") | $(ratio "$three_s" "$scan_s") |"

# job_seconds SQL: submits the job SQL returns, waits, prints started→finished seconds.
job_seconds() {
  local job
  job=$(bq -c "$1")
  bq -c "SELECT status FROM automl.wait($job, '30 min')" >/dev/null
  bq -c "SELECT round(extract(epoch FROM finished_at - started_at)::numeric, 3) || '|' || coalesce(round((result->>'d_efficiency')::numeric, 1)::text, '')
           FROM automl.jobs WHERE id = $job"
}
factors='{"f1": {"min": 0, "max": 1}, "f2": {"min": 0, "max": 1}, "f3": {"min": 0, "max": 1},
          "f4": {"min": 0, "max": 1}, "f5": {"min": 0, "max": 1}, "f6": {"min": 0, "max": 1}}'
noop=$(job_seconds "INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{}') RETURNING id")
d_job=$(job_seconds "SELECT automl.design('$factors', 'quadratic', 40)")
i_job=$(job_seconds "SELECT automl.design('$factors', 'quadratic', 40, criterion => 'I')")
echo
echo "| job | seconds (started → finished) | D-efficiency |"
echo "|---|---:|---:|"
echo "| noop (baseline) | ${noop%%|*} | |"
echo "| design: 6 factors, quadratic (28 columns), 40 runs, D | ${d_job%%|*} | ${d_job##*|} |"
echo "| design: the same, I | ${i_job%%|*} | ${i_job##*|} |"

ours_s=$(best_seconds "SELECT count(*) FROM automl.linear_analysis('bench_pareto', 'y', '{\"terms\": [\"x1\", \"x2\", \"g\"]}')")
theirs_s=$(/usr/bin/python3 - "$PGHOST" "$PGPORT" "$BENCH_DB" "$PGUSER" <<'PY'
import sys, time
import numpy as np, psycopg2, statsmodels.api as sm
conn = psycopg2.connect(host=sys.argv[1], port=sys.argv[2], dbname=sys.argv[3], user=sys.argv[4])
cur = conn.cursor()
cur.execute("SELECT y, x1, x2, (g = 'q')::int, (g = 'r')::int FROM bench_pareto")
data = np.array(cur.fetchall(), dtype=float)
best = 1e9
for _ in range(3):
    t0 = time.perf_counter()
    fit = sm.OLS(data[:, 0], sm.add_constant(data[:, 1:])).fit()
    fit.summary()
    best = min(best, time.perf_counter() - t0)
print(best)
PY
)
echo
echo "| linear_analysis, $ANALYSIS_ROWS rows, 4 regressors | seconds | vs statsmodels fit only |"
echo "|---|---:|---:|"
echo "| statsmodels OLS(...).fit().summary(), data already in numpy | $(ratio "$theirs_s" 1) | 1.00 |"
echo "| automl.linear_analysis (reads the table, codes g, fits) | $(ratio "$ours_s" 1) | $(ratio "$ours_s" "$theirs_s") |"
bench_workers_down
