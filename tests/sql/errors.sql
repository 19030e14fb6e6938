-- errors: bad input gets a clear ERROR with the right SQLSTATE, naming the culprit,
-- and leaves nothing behind.
CREATE TABLE shapes (a float8, b int, label text, amount numeric);
INSERT INTO shapes SELECT i, i % 7, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END, i * 1.5
  FROM generate_series(1, 40) i;
SELECT count(*) AS jobs_before FROM automl.jobs \gset

-- Submitting: unknown relation, column, task, algorithm, parameter.
SELECT error_of($$SELECT automl.train('p', 'no_such_table', 'label')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'no_such_column')$$);
SELECT error_of($$SELECT automl.train('p', 'SELECT a, b FROM shapes', 'label')$$);
SELECT error_of($$SELECT automl.train('p', 'SELECT a FROM shapes; DROP TABLE shapes', 'a')$$);
SELECT error_of($$SELECT automl.train('p', 'WITH d AS (DELETE FROM shapes RETURNING *) SELECT * FROM d', 'label')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', task => 'forecasting')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', task => 'clustering')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', algorithm => 'deep_net')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', algorithm => 'kmeans')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', algorithm => 'ridge', task => 'classification')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', algorithm => 'logistic', hyperparams => '{"gamma": 1}')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', algorithm => 'logistic', hyperparams => '{"C": 0}')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', algorithm => 'logistic', hyperparams => '{"max_iter": 2.5}')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', algorithm => 'logistic', hyperparams => '{"penalty": "l1"}')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'amount', algorithm => 'elastic_net', hyperparams => '{"l1_ratio": 2}')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', hyperparams => '{"C": 1}')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', hyperparams => '[1, 2]', algorithm => 'logistic')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', search => 'grid')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', search => 'exhaustive')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', search_params => '{"C": [1, 2]}')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', metric => 'bleu')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', task => 'classification', metric => 'rmse')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', test_size => 1.5)$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', test_size => -0.1)$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', folds => 1)$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', folds => 50)$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', time_budget => '1 minute')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', deploy => 'sometimes')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', 'label', seed => -1)$$);
SELECT error_of($$SELECT automl.train(NULL, 'shapes', 'label')$$);
SELECT error_of($$SELECT automl.train('p', NULL, 'label')$$);
SELECT error_of($$SELECT automl.train('p', 'shapes', NULL)$$);
SELECT error_of($$SELECT automl.train('p', 'shapes"; DROP TABLE shapes; --', 'label')$$);
-- Plain INSERTs go through the same checks.
SELECT error_of($$INSERT INTO automl.jobs (kind, project, spec) VALUES ('train', 'p', '{"relation": "shapes"}')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, project, spec) VALUES ('train', 'p', '{"relation": "shapes", "target": "label", "colour": "red"}')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, project, spec) VALUES ('train', 'p', '{"relation": 42, "target": "label"}')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, project, spec) VALUES ('train', 'p', '"just a string"')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, spec) VALUES ('teleport', '{}')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, spec) VALUES ('design', '{}')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, spec) VALUES (NULL, '{}')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{"seconds": -1}')$$);
SELECT count(*) = :jobs_before AS nothing_queued FROM automl.jobs;

-- Failures found only by reading the data fail the job cleanly, without a model.
CREATE TABLE one_class AS SELECT i::float8 AS x, 'same' AS label FROM generate_series(1, 30) i;
SELECT automl.train('one_class', 'one_class', 'label') AS job \gset
SELECT status, error, attempts FROM automl.wait(:job);
CREATE TABLE words AS SELECT i::float8 AS x, 'w' || i AS y FROM generate_series(1, 30) i;
SELECT automl.train('words', 'words', 'y', task => 'regression') AS job \gset
SELECT status, error, attempts FROM automl.wait(:job);
CREATE TABLE empty_table (x float8, y float8);
SELECT automl.train('empty', 'empty_table', 'y') AS job \gset
SELECT status, error FROM automl.wait(:job);
CREATE TABLE target_only (y float8);
INSERT INTO target_only VALUES (1), (2), (3);
SELECT automl.train('target_only', 'target_only', 'y') AS job \gset
SELECT status, error FROM automl.wait(:job);
-- A column of a type that cannot be a feature is refused at INSERT, naming it; a query
-- (whose columns only the worker sees) fails its job at once instead.
CREATE TABLE odd_types AS SELECT i::float8 AS x, point(i, i) AS p, (i % 2 = 0) AS y FROM generate_series(1, 40) i;
SELECT error_of($$SELECT automl.train('odd_types', 'odd_types', 'y')$$);
SELECT error_of($$SELECT automl.train('odd_types', 'odd_types', 'y', preprocess => '{"exclude": ["nope"]}')$$);
SELECT automl.train('odd_types_q', 'SELECT * FROM odd_types', 'y') AS job \gset
SELECT status, attempts, error FROM automl.wait(:job);
SELECT automl.train('odd_types_x', 'odd_types', 'y', preprocess => '{"exclude": ["p"]}') AS job \gset
SELECT status, result->'features' AS features FROM automl.wait(:job);
-- … unless the job says to skip such columns (or leaves them out by name).
SELECT automl.train('odd_types', 'odd_types', 'y', preprocess => '{"skip_unsupported": true}') AS job \gset
SELECT status, result->'skipped_columns' AS skipped, result->'features' AS features FROM automl.wait(:job);
SELECT error_of($$SELECT automl.train('p', 'odd_types', 'y', preprocess => '{"exclude": ["y"]}')$$);
SELECT error_of($$SELECT automl.train('p', 'odd_types', 'y', preprocess => '{"impute": "guess"}')$$);
SELECT error_of($$SELECT automl.train('p', 'odd_types', 'y', preprocess => '{"max_categories": 1}')$$);
SELECT error_of($$SELECT automl.train('p', 'odd_types', 'y', preprocess => '{"colour": 1}')$$);
SELECT automl.train('mixed_task', 'shapes', 'amount', task => 'classification', algorithm => 'logistic') AS job \gset
SELECT status, error FROM automl.wait(:job);
SELECT count(*) AS models_from_failed_jobs FROM automl.models m JOIN automl.jobs j ON j.id = m.job_id
 WHERE j.status <> 'succeeded';

-- Predicting: wrong feature count, NULL element, NaN, Infinity, empty, unknown project.
SELECT automl.train('shapes_reg', 'shapes', 'amount', algorithm => 'ridge', preprocess => '{"exclude": ["label"]}') AS job \gset
SELECT status, result->>'task' AS task, result->'features' AS features FROM automl.wait(:job);
SELECT error_of($$SELECT automl.predict('shapes_reg', ARRAY[1.0])$$);
SELECT error_of($$SELECT automl.predict('shapes_reg', ARRAY[1.0, NULL])$$);
SELECT error_of($$SELECT automl.predict('shapes_reg', ARRAY[1.0, 'NaN'])$$);
SELECT error_of($$SELECT automl.predict('shapes_reg', ARRAY['-Infinity', 1.0])$$);
SELECT error_of($$SELECT automl.predict('shapes_reg', '{}'::float8[])$$);
SELECT error_of($$SELECT automl.predict('shapes_reg', '{{1,2},{3,4}}'::float8[])$$);
SELECT error_of($$SELECT automl.predict('no_such_project', ARRAY[1.0, 2.0])$$);
SELECT error_of($$SELECT automl.predict_proba('shapes_reg', ARRAY[1.0, 2.0])$$);
SELECT error_of($$SELECT automl.predict_label('shapes_reg', ARRAY[1.0, 2.0])$$);
SELECT error_of($$SELECT automl.predict_model(-1, ARRAY[1.0, 2.0])$$);
SELECT automl.predict('shapes_reg', NULL::float8[]) IS NULL AS null_in_null_out;
SELECT automl.predict('shapes_reg', ARRAY[1e300, -1e300]) IS NOT NULL AS huge_values_ok;
-- Jobs: unknown id, timeout.
SELECT error_of($$SELECT automl.wait(-5)$$);
SELECT error_of($$SELECT automl.cancel(-5)$$);
SELECT error_of($$SELECT * FROM automl.deploy('no_such_project')$$);
-- A model file this version cannot read is refused with a clear error, never a crash.
INSERT INTO automl.models (project, version, algorithm, task, hyperparams, metrics, feature_names, target,
                           format_version, model)
VALUES ('shapes_reg', 100, 'ridge', 'regression', '{}', '{}', '{a,b}', 'amount', 99,
        convert_to('{"format": "pg_automl.model", "format_version": 99}', 'UTF8')),
       ('shapes_reg', 101, 'ridge', 'regression', '{}', '{}', '{a,b}', 'amount', 1, '\x00ff'::bytea),
       ('shapes_reg', 102, 'ridge', 'regression', '{}', '{}', '{a,b}', 'amount', 1,
        convert_to('{"format": "pg_automl.model", "format_version": 1, "task": "regression"}', 'UTF8'));
SELECT version, replace(error_of(format('SELECT automl.predict_model(%s, ARRAY[1.0, 2.0])', id)), id::text, 'N') AS error
  FROM automl.models WHERE version >= 100 ORDER BY version;
