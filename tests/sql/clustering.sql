-- clustering: k-means through automl.train(target => NULL, task => 'clustering'). The
-- partition is the blobs' own, predict answers the nearest centre, the inertia is
-- recomputed here from predict's clusters in the scaled space the model fits in, and
-- "auto" finds the number of blobs. (Parity with scikit-learn's KMeans:
-- core/tests/kmeans_test.cpp.)
SELECT setseed(0.3);
CREATE TABLE blobs AS
  SELECT i, c AS blob, (ARRAY[0, 10, 0, 10])[c] + random() - 0.5 AS x, (ARRAY[0, 0, 10, 10])[c] + random() - 0.5 AS y
    FROM (SELECT i, 1 + i % 4 AS c FROM generate_series(1, 400) i) s;

SELECT automl.train('blobs', 'SELECT x, y FROM blobs', NULL, task => 'clustering', algorithm => 'kmeans',
                    hyperparams => '{"n_clusters": 4}') AS job \gset
SELECT status, error FROM automl.wait(:job);
SELECT p.task, p.target, p.metric, m.algorithm, m.metrics->>'n_clusters' AS n_clusters,
       (m.metrics->>'silhouette')::float8 > 0.8 AS well_separated, m.metrics->'cluster_sizes' AS sizes
  FROM automl.models m JOIN automl.projects p ON p.name = m.project WHERE m.project = 'blobs';
CREATE TEMP TABLE assigned AS SELECT b.*, automl.predict('blobs', ARRAY[x, y]) AS cluster FROM blobs b;
-- The same partition as the blobs: each blob in one cluster, each cluster one blob.
SELECT count(DISTINCT cluster) AS clusters,
       (SELECT bool_and(n = 1) FROM (SELECT count(DISTINCT cluster) AS n FROM assigned GROUP BY blob) b) AS blob_in_one_cluster,
       (SELECT bool_and(n = 1) FROM (SELECT count(DISTINCT blob) AS n FROM assigned GROUP BY cluster) c) AS cluster_of_one_blob
  FROM assigned;
SELECT min(cluster) AS first_index, max(cluster) AS last_index, bool_and(cluster = floor(cluster)) AS whole_numbers FROM assigned;
-- Inertia: squared distances to the cluster means, in standard-scaled coordinates.
WITH scaled AS (
  SELECT cluster, (x - avg(x) OVER ()) / stddev_pop(x) OVER () AS sx, (y - avg(y) OVER ()) / stddev_pop(y) OVER () AS sy
    FROM assigned),
centred AS (SELECT sx - avg(sx) OVER (PARTITION BY cluster) AS dx, sy - avg(sy) OVER (PARTITION BY cluster) AS dy FROM scaled)
SELECT abs(sum(dx * dx + dy * dy) / (SELECT (metrics->>'inertia')::float8 FROM automl.models WHERE project = 'blobs') - 1) < 1e-6
       AS inertia_matches
  FROM centred;
-- explain: which features pull a row to its cluster.
SELECT e->>'prediction' IS NOT NULL AS has_prediction, jsonb_typeof(e->'features') AS features
  FROM automl.explain('blobs', '{"x": 0.1, "y": 9.8}'::jsonb) e;
SELECT automl.report((SELECT id FROM automl.models WHERE project = 'blobs')) LIKE '<!DOCTYPE html>%' AS report_renders;

-- n_clusters "auto": the best silhouette over 2..10 clusters.
SELECT automl.train('blobs_auto', 'blobs', NULL, task => 'clustering',
                    hyperparams => '{"n_clusters": "auto"}', preprocess => '{"exclude": ["i", "blob"]}') AS job \gset
SELECT status, error FROM automl.wait(:job);
SELECT algorithm, metrics->>'n_clusters' AS n_clusters FROM automl.models WHERE project = 'blobs_auto';

-- What a clustering model does not answer, and specs refused at submission.
SELECT error_of($$SELECT automl.predict_proba('blobs', ARRAY[0, 0]::float8[])$$);
SELECT error_of($$SELECT automl.predict_label('blobs', ARRAY[0, 0]::float8[])$$);
SELECT error_of($$SELECT automl.train('blobs_t', 'blobs', 'x', task => 'clustering')$$);
SELECT error_of($$SELECT automl.train('blobs_t', 'blobs', NULL, task => 'classification', algorithm => 'kmeans')$$);
SELECT error_of($$SELECT automl.train('blobs_t', 'blobs', NULL, task => 'clustering', hyperparams => '{"n_clusters": 0}')$$);
SELECT error_of($$SELECT automl.train('blobs_t', 'blobs', NULL, task => 'clustering', search => 'random')$$);
SELECT error_of($$SELECT automl.train('blobs_t', 'blobs', NULL)$$);
-- More clusters than distinct rows: the job fails and says why.
SELECT automl.train('blobs_few', 'SELECT x, y FROM blobs LIMIT 3', NULL, task => 'clustering',
                    hyperparams => '{"n_clusters": 5}') AS job \gset
SELECT status, error FROM automl.wait(:job);
