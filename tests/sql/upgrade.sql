-- upgrade: a database on the released 0.1.0, with models deployed and serving,
-- upgrades to 0.2.0 with ALTER EXTENSION, keeps its rows and its predictions, and ends
-- up with the very catalog a fresh 0.2.0 install has, object by object.
-- Models to carry over: exported from this database's projects (train_predict, trees).
SELECT automl.export_model((SELECT model_id FROM automl.deployed_models WHERE project = 'iris')) AS iris_doc \gset
SELECT automl.export_model((SELECT min(id) FROM automl.models WHERE algorithm = 'xgboost')) AS trees_doc \gset
CREATE DATABASE automl_upgrade_fresh;
CREATE DATABASE automl_upgrade_old;
\c automl_upgrade_fresh
CREATE EXTENSION pg_automl;
SELECT extversion FROM pg_extension WHERE extname = 'pg_automl';
-- Everything a user relies on, one line per object (tests/sql/include/catalog_items.sql).
\i tests/sql/include/catalog_items.sql
SELECT string_agg(item, E'\n' ORDER BY item) AS fresh_catalog, count(*) AS items FROM pg_temp.catalog() \gset
SELECT :items > 400 AS catalog_is_described;

\c automl_upgrade_old
CREATE EXTENSION pg_automl VERSION '0.1.0';
-- A user's rows from the released version: models imported and deployed, a job.
SELECT automl.import_model('kept_iris', :'iris_doc') AS kept_iris \gset
SELECT automl.import_model('kept_trees', :'trees_doc') AS kept_trees \gset
SELECT automl.deploy('kept_iris', :kept_iris) = :kept_iris AND automl.deploy('kept_trees', :kept_trees) = :kept_trees
  AS deployed;
INSERT INTO automl.jobs (kind, spec, run_after) VALUES ('noop', '{"seconds": 1}', 'infinity');
CREATE TABLE probe AS SELECT i / 10.0 AS a, (i % 7) / 3.0 AS b, (i % 5) / 2.0 AS c, (i % 3) / 4.0 AS d
  FROM generate_series(1, 200) i;
CREATE FUNCTION pg_temp.served() RETURNS text LANGUAGE sql AS $$
  SELECT md5(string_agg(automl.predict_label('kept_iris', ARRAY[a, b, c, d]) || ':' ||
                        automl.predict_proba('kept_iris', ARRAY[a, b, c, d])::text || ':' ||
                        automl.explain('kept_iris', jsonb_build_object('sepal_length', a, 'sepal_width', b,
                                       'petal_length', c, 'petal_width', d))::text, ',' ORDER BY a, b))
    FROM probe
$$;
SELECT pg_temp.served() AS served_before \gset
SELECT automl.predict_model(:kept_trees, (SELECT array_agg(0.5::float8) FROM generate_series(1,
         (SELECT cardinality(feature_names) FROM automl.models WHERE id = :kept_trees)))) AS trees_before \gset
ALTER EXTENSION pg_automl UPDATE TO '0.2.0';
SELECT extversion FROM pg_extension WHERE extname = 'pg_automl';
SELECT kind, status, spec, search_path FROM automl.jobs;
SELECT name, task, owner FROM automl.projects ORDER BY name;
SELECT pg_temp.served() = :'served_before' AS same_predictions,
       automl.predict_model(:kept_trees, (SELECT array_agg(0.5::float8) FROM generate_series(1,
         (SELECT cardinality(feature_names) FROM automl.models WHERE id = :kept_trees)))) = :trees_before AS same_trees;
\i tests/sql/include/catalog_items.sql
-- What differs from a fresh install, either way: nothing.
SELECT 'only upgraded: ' || item AS difference FROM pg_temp.catalog()
EXCEPT SELECT 'only upgraded: ' || unnest(string_to_array(:'fresh_catalog', E'\n'))
UNION ALL
(SELECT 'only fresh: ' || unnest(string_to_array(:'fresh_catalog', E'\n'))
 EXCEPT SELECT 'only fresh: ' || item FROM pg_temp.catalog());
-- Every SQL function is pinned but those that must see their caller's search_path.
SELECT p.proname, p.proconfig FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace::regnamespace::text IN ('automl', 'automl_internal') AND l.lanname IN ('sql', 'plpgsql')
   AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)
 ORDER BY 1;

\c automl_regress
DROP DATABASE automl_upgrade_fresh;
DROP DATABASE automl_upgrade_old;
