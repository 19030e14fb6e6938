-- degenerate: data a job cannot learn from fails cleanly with a message naming the
-- problem; data it can learn from despite its flaws gets a documented handling.
-- Constant and all-NULL feature columns carry nothing but do no harm; a NULL target
-- skips its row (and says how many).
CREATE TABLE degen AS
  SELECT i::float8 AS x, 5.0 AS constant, NULL::float8 AS nothing,
         CASE WHEN i % 10 = 0 THEN NULL ELSE 2.0 * i END AS y
    FROM generate_series(1, 200) i;
SELECT automl.train('degen', 'degen', 'y', algorithm => 'linear') AS job \gset
SELECT status, result->'metrics'->>'r2' AS r2, result->>'rows_skipped_for_null_target' AS skipped FROM automl.wait(:job);
SELECT abs(automl.predict('degen', '{"x": 7, "constant": 5, "nothing": null}'::jsonb) - 14) < 1e-9 AS finite_and_right;
SELECT automl.train('degen_trees', 'degen', 'y', algorithm => 'xgboost') AS job \gset
SELECT status, (result->'metrics'->>'r2')::float8 > 0.99 AS fits FROM automl.wait(:job);
-- Infinity in a feature or the target, a target that is all NULL, one row, two
-- columns of one name: each fails its job at once, naming it, and leaves no model.
CREATE TABLE inf_feature AS
  SELECT CASE WHEN i = 5 THEN 'Infinity'::float8 ELSE i END AS x, i * 1.0 AS y FROM generate_series(1, 100) i;
SELECT automl.train('inf_feature', 'inf_feature', 'y', algorithm => 'linear') AS job \gset
SELECT status, error, attempts FROM automl.wait(:job);
CREATE TABLE inf_target AS
  SELECT i::float8 AS x, CASE WHEN i = 5 THEN '-Infinity'::float8 ELSE i END AS y FROM generate_series(1, 100) i;
SELECT automl.train('inf_target', 'inf_target', 'y', algorithm => 'linear') AS job \gset
SELECT status, error, attempts FROM automl.wait(:job);
CREATE TABLE null_target AS SELECT i::float8 AS x, NULL::float8 AS y FROM generate_series(1, 100) i;
SELECT automl.train('null_target', 'null_target', 'y') AS job \gset
SELECT status, error, attempts FROM automl.wait(:job);
CREATE TABLE one_row AS SELECT 1.0::float8 AS x, 2.0::float8 AS y;
SELECT automl.train('one_row', 'one_row', 'y', task => 'regression') AS job \gset
SELECT status, error, attempts FROM automl.wait(:job);
SELECT automl.train('same_name', 'SELECT x, x, y FROM inf_feature', 'y') AS job \gset
SELECT status, error, attempts FROM automl.wait(:job);
SELECT count(*) AS models_of_failed_jobs FROM automl.models
 WHERE project IN ('inf_feature', 'inf_target', 'null_target', 'one_row', 'same_name');
-- NaN in a float8 column is a missing value, imputed like NULL.
CREATE TABLE nan_feature AS
  SELECT CASE WHEN i % 7 = 0 THEN 'NaN'::float8 ELSE i END AS x, 3.0 * i AS y FROM generate_series(1, 100) i;
SELECT automl.train('nan_feature', 'nan_feature', 'y', algorithm => 'linear') AS job \gset
SELECT status, error FROM automl.wait(:job);
