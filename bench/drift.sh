# bench/drift.sh — automl.drift on 1M rows (three numeric features and one categorical)
# against one scan that only counts the same columns, the least any check of them must
# read; and the same statistics (PSI over deciles, KS, chi-square) computed by numpy and
# scipy on the rows already fetched into memory. Sourced by bench/run.sh.
DRIFT_ROWS=${BENCH_DRIFT_ROWS:-1000000}
AUTOML_PACKAGES=(python3-psycopg2 python3-scipy)
ensure_packages
bench_worker_up bench-drift
bq -c "DROP TABLE IF EXISTS bench_drift, bench_drift_now; SELECT setseed(0.7);
  CREATE TABLE bench_drift AS
    SELECT i, random() * 10 AS x1, random() * random() AS x2, (random() * 100)::int AS x3,
           (ARRAY['p', 'q', 'r', 's'])[1 + (random() * 3)::int] AS g, random() AS y
      FROM generate_series(1, $DRIFT_ROWS) i;
  CREATE TABLE bench_drift_now AS SELECT i, x1 + 1 AS x1, x2, x3, g, y FROM bench_drift;"
job=$(bq -c "SELECT automl.train('bench_drift', 'SELECT x1, x2, x3, g, y FROM bench_drift', 'y', algorithm => 'linear')")
bq -c "SELECT status FROM automl.wait($job, '30 min')" >/dev/null
ratio() { /usr/bin/python3 -c "print('%.2f' % ($1 / $2))"; }
scan_s=$(best_seconds "SELECT count(x1), count(x2), count(x3), count(g) FROM bench_drift_now")
ours_s=$(best_seconds "SELECT count(*) FROM automl.drift('bench_drift', 'bench_drift_now')")
theirs_s=$(/usr/bin/python3 - "$PGHOST" "$PGPORT" "$BENCH_DB" "$PGUSER" <<'PY'
import sys, time
import numpy as np, psycopg2
from scipy import stats
conn = psycopg2.connect(host=sys.argv[1], port=sys.argv[2], dbname=sys.argv[3], user=sys.argv[4])
cur = conn.cursor()
def fetch(table):
    cur.execute(f"SELECT x1, x2, x3, g FROM {table}")
    rows = cur.fetchall()
    return [np.array([r[k] for r in rows], dtype=float) for k in range(3)], np.array([r[3] for r in rows])
(ref_num, ref_cat), (now_num, now_cat) = fetch("bench_drift"), fetch("bench_drift_now")
best = 1e9
for _ in range(3):
    t0 = time.perf_counter()
    for a, b in zip(ref_num, now_num):
        edges = np.unique(np.quantile(a, np.linspace(0.1, 0.9, 9)))
        e = np.maximum(np.bincount(np.searchsorted(edges, a, side="right"), minlength=len(edges) + 1) / len(a), 1e-4)
        o = np.maximum(np.bincount(np.searchsorted(edges, b, side="right"), minlength=len(edges) + 1) / len(b), 1e-4)
        psi = np.sum((o - e) * np.log(o / e))
        ks = stats.ks_2samp(a, b).statistic
    values, ref_counts = np.unique(ref_cat, return_counts=True)
    now_counts = np.array([np.sum(now_cat == v) for v in values])
    chi2 = stats.chisquare(now_counts, ref_counts / ref_counts.sum() * now_counts.sum())
    best = min(best, time.perf_counter() - t0)
print(best)
PY
)
echo "| drift, $DRIFT_ROWS rows, 3 numeric + 1 categorical feature | seconds | vs one scan counting them |"
echo "|---|---:|---:|"
echo "| one scan counting the 4 columns (baseline) | $(ratio "$scan_s" 1) | 1.00 |"
echo "| automl.drift (PSI, KS, chi-square, null rates) | $(ratio "$ours_s" 1) | $(ratio "$ours_s" "$scan_s") |"
echo "| numpy + scipy on the rows already in memory (no reading) | $(ratio "$theirs_s" 1) | $(ratio "$theirs_s" "$scan_s") |"
bench_workers_down
