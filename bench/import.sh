# bench/import.sh — automl.import_csv against `psql \copy` of the same file and
# against pandas read_csv + to_sql (SQLAlchemy + psycopg2), in the same run, on one
# generated CSV of mixed columns (integers, doubles with NULLs, text with quotes and
# commas, dates, timestamps, booleans), plain and gzip. Sourced by bench/run.sh.
#
# import_csv's time is the job's (claim to commit: fetch, sniff, check, COPY); \copy
# gets the table's definition for free (created beforehand from what import_csv
# inferred), so it is the floor for loading the rows.
AUTOML_PACKAGES=(python3-pandas python3-psycopg2 python3-sqlalchemy)  # the peer's stack
ensure_packages
IMPORT_ROWS=${BENCH_IMPORT_ROWS:-1000000}
IMPORT_DIR=$BENCH_DIR/import
mkdir -p "$IMPORT_DIR"
chmod 755 "$IMPORT_DIR"

/usr/bin/python3 - "$IMPORT_DIR/mixed.csv" "$IMPORT_ROWS" <<'EOF'
import csv, datetime, random, sys
random.seed(7)
start = datetime.datetime(2020, 1, 1)
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "amount", "customer", "city", "signed_up", "last_seen", "active", "score"])
    cities = ["Zürich", "Paris", "New York, NY", 'The "Hague"', "東京", "São Paulo"]
    for i in range(int(sys.argv[2])):
        t = start + datetime.timedelta(seconds=random.randrange(10**8))
        w.writerow([i, "" if i % 17 == 0 else "%.2f" % random.uniform(0, 1000),
                    "customer %d" % random.randrange(10**6), random.choice(cities),
                    t.date().isoformat(), t.isoformat(sep=" "),
                    random.choice(["true", "false"]), random.randrange(-1000, 1000)])
EOF
gzip -kf "$IMPORT_DIR/mixed.csv"
say "import: $IMPORT_ROWS rows, $(du -h "$IMPORT_DIR/mixed.csv" | cut -f1) plain, $(du -h "$IMPORT_DIR/mixed.csv.gz" | cut -f1) gzip"

/usr/bin/python3 "$AUTOML_ROOT/tests/integration/csv_server.py" "$IMPORT_DIR" >"$IMPORT_DIR/port" 2>/dev/null &
IMPORT_SERVER=$!
for _ in $(seq 1 50); do [ -s "$IMPORT_DIR/port" ] && break; sleep 0.1; done
IMPORT_BASE="http://127.0.0.1:$(head -1 "$IMPORT_DIR/port")"
bench_worker_up bench-import

# import_seconds URL TABLE: the job's seconds from claim to commit.
import_seconds() {
  local id
  bq -c "DROP TABLE IF EXISTS $2"
  id=$(bq -c "SELECT automl.import_csv('$1', '$2')")
  bq -c "SELECT status FROM automl.wait($id, '30 min')" >/dev/null
  bq -c "SELECT CASE WHEN status = 'succeeded' THEN round(extract(epoch FROM finished_at - started_at)::numeric, 2)::text
                     ELSE 'failed: ' || error END FROM automl.jobs WHERE id = $id"
}

echo "| loader | rows | seconds | rows/s | vs \\copy |"
echo "|---|---:|---:|---:|---:|"
plain=$(import_seconds "$IMPORT_BASE/plain/mixed.csv" bench_import)
gz=$(import_seconds "$IMPORT_BASE/plain/mixed.csv.gz" bench_import_gz)  # the .gz file as it is on disk
# \copy into the same table definition, created empty beforehand.
bq -c "DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (LIKE bench_import)"
t0=$(date +%s.%N)
bq -c "\\copy bench_copy FROM '$IMPORT_DIR/mixed.csv' WITH (FORMAT csv, HEADER true)"
copy=$(/usr/bin/python3 -c "print(round($(date +%s.%N) - $t0, 2))")
t0=$(date +%s.%N)
/usr/bin/python3 - "$IMPORT_DIR/mixed.csv" "postgresql+psycopg2://$PGUSER@$PGHOST:$PGPORT/$BENCH_DB" <<'EOF'
import sys
import pandas as pd
import sqlalchemy
engine = sqlalchemy.create_engine(sys.argv[2])
frame = pd.read_csv(sys.argv[1], parse_dates=["signed_up", "last_seen"])
frame.to_sql("bench_pandas", engine, if_exists="replace", index=False, chunksize=10000)
EOF
pandas=$(/usr/bin/python3 -c "print(round($(date +%s.%N) - $t0, 2))")
for row in "automl.import_csv (plain)|$plain" "automl.import_csv (gzip)|$gz" "psql \\copy (table made beforehand)|$copy" "pandas read_csv + to_sql|$pandas"; do
  name=${row%%|*}
  seconds=${row##*|}
  /usr/bin/python3 -c "
s = '$seconds'
try:
    v = float(s)
    print('| $name | $IMPORT_ROWS | %.2f | %d | %.2f |' % (v, $IMPORT_ROWS / v, v / $copy))
except ValueError:
    print('| $name | $IMPORT_ROWS | %s | | |' % s)"
done
echo
echo "Row counts: $(bq -c "SELECT (SELECT count(*) FROM bench_import) || ' import, ' || (SELECT count(*) FROM bench_import_gz) || ' gzip, ' || (SELECT count(*) FROM bench_copy) || ' copy, ' || (SELECT count(*) FROM bench_pandas) || ' pandas'")"
kill "$IMPORT_SERVER" 2>/dev/null || true
bench_workers_down
