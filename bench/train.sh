# bench/train.sh — end-to-end training of a 20-column mixed table (numbers with
# NULLs, text categories, booleans, dates): pg_automl's job (COPY read + preprocess +
# fit + evaluate + store) against psycopg2 + pandas + scikit-learn doing the same
# (bench/train_peer.py). Sourced by bench/run.sh.
TRAIN_ROWS=${BENCH_TRAIN_ROWS:-1000000}
AUTOML_PACKAGES=(python3-pandas python3-psycopg2 python3-sklearn)  # the peer's stack, for this run only
ensure_packages

say "train: generating $TRAIN_ROWS rows × 20 columns"
bq -c "DROP TABLE IF EXISTS bench_train;
       CREATE TABLE bench_train AS
       SELECT CASE WHEN i % 13 = 0 THEN NULL ELSE random() * 100 END AS n1,
              random() * 10 AS n2, random() AS n3, (random() * 1000)::int AS n4,
              CASE WHEN i % 7 = 0 THEN NULL ELSE random() * 5 END AS n5,
              random() AS n6, random() AS n7, random() AS n8, random() AS n9, random() AS n10,
              (random() * 50)::int AS n11, random() * 3 AS n12,
              (ARRAY['north', 'south', 'east', 'west'])[1 + (random() * 3.999)::int] AS region,
              'plan_' || (random() * 7)::int AS plan,
              CASE WHEN i % 11 = 0 THEN NULL ELSE 'channel_' || (random() * 11)::int END AS channel,
              'segment_' || (random() * 5)::int AS segment,
              random() < 0.3 AS member, random() < 0.6 AS newsletter,
              date '2020-01-01' + (random() * 1500)::int AS signup,
              date '2023-01-01' + (random() * 400)::int AS last_order
         FROM generate_series(1, $TRAIN_ROWS) i;
       ALTER TABLE bench_train ADD COLUMN label text;
       UPDATE bench_train SET label = CASE WHEN 0.03 * coalesce(n1, 50) - 0.4 * n2 + 2 * n3
              + CASE region WHEN 'north' THEN 0.8 WHEN 'south' THEN -0.6 ELSE 0 END
              + CASE WHEN member THEN 1 ELSE -0.5 END + (random() - 0.5) * 2 > 0.3 THEN 'yes' ELSE 'no' END;"
bq -c "VACUUM ANALYZE bench_train"

say "train: pg_automl"
bench_worker_up bench-train
job=$(bq -c "SELECT automl.train('bench_train', 'bench_train', 'label', algorithm => 'logistic')")
ours=$(bq -c "SELECT json_build_object(
                'total', extract(epoch FROM finished_at - started_at),
                'read', (result->>'read_seconds')::float8,
                'fit', (result->>'train_seconds')::float8,
                'accuracy', (result->'metrics'->>'accuracy')::float8,
                'status', status, 'error', error)
              FROM automl.wait($job, '30 min')")
bench_workers_down

say "train: psycopg2 + pandas + scikit-learn"
peer=$(/usr/bin/python3 "$AUTOML_ROOT/bench/train_peer.py" bench_train label)

/usr/bin/python3 - "$ours" "$peer" "$TRAIN_ROWS" <<'PY'
import json, sys
ours, peer, rows = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
if ours["status"] != "succeeded":
    sys.exit(f"pg_automl job failed: {ours['error']}")
ours["store"] = ours["total"] - ours["read"] - ours["fit"]
print(f"### Training {int(rows):,} rows × 20 mixed columns (logistic regression, 25 % held out)\n")
print("| system | read s | preprocess + fit + evaluate s | store s | total s | held-out accuracy |")
print("|---|---|---|---|---|---|")
for name, r in (("pg_automl job (COPY + core/)", ours), ("psycopg2 + pandas + scikit-learn", peer)):
    print(f"| {name} | {r['read']:.2f} | {r['fit']:.2f} | {r['store']:.2f} | {r['total']:.2f} | {r['accuracy']:.4f} |")
print(f"\npg_automl is {peer['total'] / ours['total']:.1f}× faster end to end "
      f"(read {peer['read'] / ours['read']:.1f}×, fit {peer['fit'] / ours['fit']:.1f}×). Target: ≥ 2×.")
PY
