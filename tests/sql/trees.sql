-- trees: gradient boosting and random forests (trained by libxgboost in the worker,
-- served by core/'s flat evaluator in the backend) on data no line can separate.
CREATE TABLE rings AS
SELECT r * cos(a) AS x, r * sin(a) AS y, CASE WHEN inner_ring THEN 'inner' ELSE 'outer' END AS ring
  FROM (SELECT i % 2 = 0 AS inner_ring,
               CASE WHEN i % 2 = 0 THEN 1.0 ELSE 2.0 END + ((i * 7919) % 100 - 50) / 400.0 AS r,
               (i * 104729 % 3600) / 3600.0 * 2 * pi() AS a
          FROM generate_series(1, 3000) i) s;

SELECT automl.train('rings_linear', 'rings', 'ring', algorithm => 'logistic') AS linear_job,
       automl.train('rings', 'rings', 'ring', algorithm => 'xgboost') AS boost_job,
       automl.train('rings_rf', 'rings', 'ring', algorithm => 'random_forest',
                    hyperparams => '{"n_estimators": 50, "max_depth": 8}') AS forest_job \gset
SELECT (result->'metrics'->>'accuracy')::float8 < 0.7 AS linear_cannot FROM automl.wait(:linear_job);
SELECT status, (result->'metrics'->>'accuracy')::float8 >= 0.97 AS boosted,
       (result->>'rounds')::int BETWEEN 1 AND 100 AS rounds_ok, result ? 'best_iteration' AS early_stopping,
       result->'metrics'->'feature_importance' ? 'x' AS importance
  FROM automl.wait(:boost_job);
SELECT status, (result->'metrics'->>'accuracy')::float8 >= 0.97 AS forest, (result->>'trees')::int AS trees
  FROM automl.wait(:forest_job);

-- Served inside the backend, by array, jsonb or row, all alike.
SELECT automl.predict_label('rings', ARRAY[0.0, 1.0]) AS on_inner, automl.predict_label('rings', ARRAY[2.0, 0.0]) AS on_outer,
       automl.predict_label('rings', '{"x": 0, "y": -1.0}'::jsonb) AS jsonb_inner;
SELECT avg((automl.predict_label('rings', r) = ring)::int) >= 0.97 AS accurate,
       bool_and(automl.predict_proba('rings', r) = automl.predict_proba('rings', ARRAY[r.x, r.y])) AS same_paths
  FROM rings r;
SELECT avg((automl.predict_label('rings_rf', r) = ring)::int) >= 0.97 AS forest_accurate FROM rings r;

-- Regression with trees, and hyper-parameters checked at INSERT.
CREATE TABLE waves AS SELECT i / 100.0 AS t, sin(i / 100.0) * 3 + (i % 7) / 70.0 AS v FROM generate_series(1, 2000) i;
SELECT automl.train('waves', 'waves', 'v', algorithm => 'xgboost', hyperparams => '{"n_estimators": 200, "max_depth": 4}') AS job \gset
SELECT status, result->>'task' AS task, (result->'metrics'->>'r2')::float8 > 0.99 AS fits FROM automl.wait(:job);
SELECT abs(automl.predict('waves', ARRAY[1.5]) - sin(1.5) * 3) < 0.2 AS close;
SELECT error_of($$SELECT automl.train('p', 'rings', 'ring', algorithm => 'xgboost', hyperparams => '{"max_depth": 0}')$$);
SELECT error_of($$SELECT automl.train('p', 'rings', 'ring', algorithm => 'xgboost', hyperparams => '{"learning_rate": 2}')$$);
SELECT error_of($$SELECT automl.train('p', 'rings', 'ring', algorithm => 'random_forest', hyperparams => '{"learning_rate": 0.1}')$$);
SELECT error_of($$SELECT automl.train('p', 'rings', 'ring', algorithm => 'xgboost', hyperparams => '{"booster": "dart"}')$$);

-- explain: SHAP values of a tree model (XGBoost's pred_contribs) add up to the raw score.
SELECT e->>'prediction' AS prediction, e->>'explains' AS explains, e->>'algorithm' AS algorithm,
       abs((SELECT sum(value::text::float8) FROM jsonb_each(e->'contributions')) + (e->>'bias')::float8
           - (e->>'raw_score')::float8) < 1e-4 AS adds_up,
       (SELECT array_agg(key ORDER BY key) FROM jsonb_object_keys(e->'features') key) AS features
  FROM automl.explain('rings', '{"x": 0, "y": 1.0}'::jsonb) e;
SELECT count(*) FILTER (WHERE automl.explain('rings', r) = automl.explain('rings', to_jsonb(r))) AS same FROM rings r WHERE x > 1.9;

-- ensemble: configurations averaged in margin space, served and explained like any model
-- (search => 'auto' asked for ensembles ends by trying two such averages of its best trials).
SELECT automl.train('rings_ensemble', 'rings', 'ring', algorithm => 'ensemble',
         hyperparams => '{"members": [{"algorithm": "xgboost", "hyperparams": {"n_estimators": 30}},
                                      {"algorithm": "random_forest", "hyperparams": {"n_estimators": 20}}]}') AS job \gset
SELECT status, result->>'algorithm' AS algorithm, (result->'metrics'->>'accuracy')::float8 > 0.95 AS accurate,
       jsonb_array_length(result->'members') AS members
  FROM automl.wait(:job);
SELECT algorithm, hyperparams->'members'->0->'hyperparams'->>'max_depth' AS defaults_filled_in
  FROM automl.models WHERE job_id = :job;
SELECT e->>'algorithm' AS algorithm,
       abs((SELECT sum(value::text::float8) FROM jsonb_each(e->'contributions')) + (e->>'bias')::float8
           - (e->>'raw_score')::float8) < 1e-4 AS adds_up
  FROM automl.explain('rings_ensemble', '{"x": 0, "y": 1.0}'::jsonb) e;
SELECT error_of($$SELECT automl.train('p', 'rings', 'ring', algorithm => 'ensemble',
  hyperparams => '{"members": [{"algorithm": "ensemble"}, {"algorithm": "xgboost"}]}')$$);
SELECT error_of($$SELECT automl.train('p', 'rings', 'ring', algorithm => 'ensemble',
  hyperparams => '{"members": [{"algorithm": "xgboost"}]}')$$);
-- A member that cannot serve the task is known once the data says the task: the job fails.
SELECT automl.train('rings_bad_ensemble', 'rings', 'ring', algorithm => 'ensemble',
  hyperparams => '{"members": [{"algorithm": "xgboost"}, {"algorithm": "ridge"}]}') AS job \gset
SELECT status, error FROM automl.wait(:job);
