-- export_import: a model leaves as one self-contained jsonb document and comes back
-- predicting exactly the same; malformed documents are refused with 22023.
CREATE TABLE flowers AS
SELECT i AS id, (i % 7) * 0.7 + (i % 3) AS petal, (i % 5) * 0.3 AS sepal,
       (ARRAY['red', 'blue', 'white'])[1 + i % 3] AS colour,
       CASE WHEN (i % 7) * 0.7 + (i % 3) > 3 THEN 'tall' ELSE 'short' END AS kind
  FROM generate_series(1, 600) i;
SELECT automl.train('flowers', 'flowers', 'kind', preprocess => '{"exclude": ["id"]}') AS job \gset
SELECT status FROM automl.wait(:job);
SELECT id AS original FROM automl.models WHERE job_id = :job \gset

SELECT automl.export_model(:original) AS doc \gset
SELECT d->>'format' AS format, d->>'project' AS project, d->'feature_names' AS features,
       d->'model'->>'format_version' AS model_format, jsonb_typeof(d->'model'->'preprocessing') AS preprocessing,
       d->'metrics' ? 'accuracy' AS has_metrics
  FROM (SELECT :'doc'::jsonb AS d) s;

SELECT automl.import_model('flowers_copy', :'doc') AS copy \gset
SELECT project, version, algorithm, task, feature_names, classes, feature_version = (SELECT feature_version FROM automl.models WHERE id = :original) AS same_version,
       info->'imported_from'->>'project' AS imported_from
  FROM automl.models WHERE id = :copy;
SELECT automl.deploy('flowers_copy', :copy) = :copy AS deployed;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE automl.predict_proba('flowers', f) = automl.predict_proba('flowers_copy', f)) AS identical
  FROM flowers f;
-- Importing into the same project adds a version.
SELECT automl.import_model('flowers', :'doc') AS again \gset
SELECT version FROM automl.models WHERE id = :again;

SELECT error_of($$SELECT automl.export_model(-1)$$);
SELECT error_of($$SELECT automl.import_model('x', '{}')$$);
SELECT error_of($$SELECT automl.import_model('x', '[1, 2]')$$);
SELECT error_of($$SELECT automl.import_model('', '{"format": "pg_automl.export", "model": {}}')$$);
SELECT error_of($$SELECT automl.import_model('x', '{"format": "pg_automl.export", "model": {"format": "pg_automl.model", "format_version": 2}}')$$);
SELECT error_of($$SELECT automl.import_model('x', '{"format": "pg_automl.export", "model": {"format": "pg_automl.model", "format_version": 99}}')$$);
SELECT error_of(format('SELECT automl.import_model(%L, %L)', 'x',
                jsonb_set(:'doc'::jsonb, '{model,estimator,coef,0}', '[1]')));
SELECT error_of(format('SELECT automl.import_model(%L, %L)', 'x',
                jsonb_set(:'doc'::jsonb, '{model,preprocessing,steps,0,scalings,0,1}', '0')));
SELECT error_of(format('SELECT automl.import_model(%L, %L)', 'x',
                jsonb_set(:'doc'::jsonb, '{model,estimator,intercept}', '["NaN"]')));
-- A classifier cannot join a regression project.
CREATE TABLE heights AS SELECT i::float8 AS petal, i * 2.0 AS h FROM generate_series(1, 50) i;
SELECT automl.train('heights', 'heights', 'h', algorithm => 'linear') AS hjob \gset
SELECT status FROM automl.wait(:hjob);
SELECT error_of(format('SELECT automl.import_model(%L, %L)', 'heights', :'doc'));
SELECT count(*) AS nothing_imported FROM automl.models WHERE project = 'x';
