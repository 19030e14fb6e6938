-- serving: predict_batch answers each row as predict does; its bad inputs; and the
-- shared model cache — a model is parsed by the first backend that serves it and
-- loaded from its image by every later one, with the same answers and the same
-- access rules.
CREATE TABLE serve_pts AS
SELECT i AS id, ((i * 37 % 101) / 50.0 - 1)::float8 AS a, ((i * 53 % 97) / 48.0 - 1)::float8 AS b,
       ((i * 71 % 89) / 44.0 - 1)::float8 AS c
  FROM generate_series(1, 2000) i;
ALTER TABLE serve_pts ADD COLUMN label text;
UPDATE serve_pts SET label = CASE WHEN a * a + b * b < 0.5 THEN 'in' WHEN c > 0.3 THEN 'up' ELSE 'out' END;
ALTER TABLE serve_pts ADD COLUMN y float8;
UPDATE serve_pts SET y = 3 * a - 2 * b * c + 0.1 * (id % 7);

SELECT automl.train('serve_trees', 'SELECT a, b, c, label FROM serve_pts', 'label', algorithm => 'xgboost',
                    hyperparams => '{"n_estimators": 60, "max_depth": 5}') AS trees_job,
       automl.train('serve_linear', 'SELECT a, b, c, label FROM serve_pts', 'label', algorithm => 'logistic') AS linear_job,
       automl.train('serve_reg', 'SELECT a, b, c, y FROM serve_pts', 'y', algorithm => 'xgboost') AS reg_job \gset
SELECT status FROM automl.wait(:trees_job);
SELECT status FROM automl.wait(:linear_job);
SELECT status FROM automl.wait(:reg_job);

-- The shared cache: this session has loaded none of these models. A new backend
-- parses serve_trees and leaves its image; two more load the image instead.
SELECT available, capacity_bytes > 0 AS has_room FROM automl.shared_model_cache_status();
SELECT parses AS parses_before, image_loads AS loads_before FROM automl.shared_model_cache_status() \gset
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
RESET client_min_messages;
SELECT format('dbname=%s user=%s host=%s port=%s', current_database(), current_user,
              current_setting('listen_addresses'), current_setting('port')) AS dsn \gset
SELECT * FROM dblink(:'dsn', $$SELECT automl.predict_proba('serve_trees', ARRAY[0.1, -0.2, 0.4])$$)
  AS t(p float8[]) \gset first_
SELECT parses - :parses_before AS parsed, image_loads - :loads_before AS loaded
  FROM automl.shared_model_cache_status();
SELECT * FROM dblink(:'dsn', $$SELECT automl.predict_proba('serve_trees', ARRAY[0.1, -0.2, 0.4])$$)
  AS t(p float8[]) \gset second_
SELECT * FROM dblink(:'dsn', $$SELECT automl.predict_proba('serve_trees', ARRAY[0.1, -0.2, 0.4])$$)
  AS t(p float8[]) \gset third_
SELECT parses - :parses_before AS parsed, image_loads - :loads_before AS loaded
  FROM automl.shared_model_cache_status();
-- A backend walks the image's trees where they lie in shared memory: it pins the image
-- while it serves it, and its pins end with it. First, the backends of the dblink
-- calls above exit (they pinned the image too).
DO $$
BEGIN
  FOR i IN 1..200 LOOP
    EXIT WHEN (SELECT pinned_models FROM automl.shared_model_cache_status()) = 0;
    PERFORM pg_sleep(0.05);
  END LOOP;
END $$;
SELECT pinned_models AS pinned_before FROM automl.shared_model_cache_status();
SELECT pinned_models AS pinned_before FROM automl.shared_model_cache_status() \gset
SELECT dblink_connect('pinning', :'dsn');
SELECT * FROM dblink('pinning', $$SELECT pg_backend_pid(), automl.predict('serve_trees', ARRAY[0.1, -0.2, 0.4])$$)
  AS t(pid int, p float8) \gset pinning_
SELECT pinned_models - :pinned_before AS pinned_by_it FROM automl.shared_model_cache_status();
SELECT dblink_disconnect('pinning');
SELECT set_config('serving_test.pid', :'pinning_pid', false) IS NOT NULL AS noted;
DO $$
BEGIN  -- the backend leaves pg_stat_activity after it gave its pins back
  FOR i IN 1..200 LOOP
    EXIT WHEN NOT EXISTS (SELECT FROM pg_stat_activity
                           WHERE pid = current_setting('serving_test.pid')::int);
    PERFORM pg_sleep(0.05);
  END LOOP;
END $$;
SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = :pinning_pid) AS it_exited,
       pinned_models - :pinned_before AS pinned_after_exit
  FROM automl.shared_model_cache_status();
-- The answer is the same, bit for bit, wherever the model came from.
SELECT :'first_p'::float8[] = :'second_p'::float8[] AND :'second_p'::float8[] = :'third_p'::float8[] AS same_answer,
       :'first_p'::float8[] = automl.predict_proba('serve_trees', ARRAY[0.1, -0.2, 0.4]) AS same_here;
-- And the same on every row, from the image (this session) and parsed (a model file
-- read by SQL here into a new model row would be another key: see below).
SELECT bool_and(automl.predict('serve_trees', ARRAY[a, b, c]) =
                (SELECT p FROM dblink(:'dsn', format('SELECT automl.predict(%L, ARRAY[%s, %s, %s]::float8[])',
                                                      'serve_trees', a, b, c)) AS t(p float8)))
         AS rows_agree
  FROM serve_pts WHERE id % 97 = 0;

-- A rewritten model row is another key (its xmin): never the old image.
SELECT (SELECT model_id FROM automl.deployed_models WHERE project = 'serve_reg') AS reg_model \gset
SELECT parses AS parses_before FROM automl.shared_model_cache_status() \gset
SELECT * FROM dblink(:'dsn', $$SELECT automl.predict('serve_reg', ARRAY[0.5, 0.5, 0.5])$$) AS t(p float8) \gset reg_
UPDATE automl.models SET model = model WHERE id = :reg_model;
SELECT * FROM dblink(:'dsn', $$SELECT automl.predict('serve_reg', ARRAY[0.5, 0.5, 0.5])$$) AS t(p float8) \gset again_
SELECT parses - :parses_before AS parsed_twice, :reg_p = :again_p AS same_answer FROM automl.shared_model_cache_status();

-- Who is served what is shared as well: the first backend to serve a role a project
-- stores the deployment, later backends read it instead of planning the look-up.
SELECT deployment_hits AS hits_before, deployment_stores AS stores_before FROM automl.shared_model_cache_status() \gset
SELECT * FROM dblink(:'dsn', $$SELECT automl.predict_proba('serve_linear', ARRAY[0.1, -0.2, 0.4])$$) AS t(p float8[]) \gset lin1_
SELECT * FROM dblink(:'dsn', $$SELECT automl.predict_proba('serve_linear', ARRAY[0.1, -0.2, 0.4])$$) AS t(p float8[]) \gset lin2_
SELECT deployment_stores - :stores_before AS stored, deployment_hits - :hits_before AS read_shared,
       :'lin1_p' = :'lin2_p' AS same_answer, deployments > 0 AS has_entries
  FROM automl.shared_model_cache_status();
-- A new deployment ends every entry: the next backend serves the new model.
SELECT automl.train('serve_linear', 'SELECT a, b, c, label FROM serve_pts WHERE id % 3 = 0', 'label',
                    algorithm => 'xgboost', deploy => 'never') AS lin_job \gset
SELECT status FROM automl.wait(:lin_job);
SELECT (SELECT model_id FROM automl.deployed_models WHERE project = 'serve_linear') AS lin_first,
       (SELECT max(id) FROM automl.models WHERE project = 'serve_linear') AS lin_second \gset
SELECT automl.deploy('serve_linear', :lin_second) = :lin_second AS deployed;
SELECT deployment_hits AS hits_before FROM automl.shared_model_cache_status() \gset
SELECT * FROM dblink(:'dsn', $$SELECT automl.predict_proba('serve_linear', ARRAY[0.1, -0.2, 0.4]),
                                    automl.predict('serve_linear', ARRAY[0.1, -0.2, 0.4])$$) AS t(p float8[], c float8) \gset lin3_
SELECT deployment_hits - :hits_before AS read_shared,
       :lin3_c = automl.predict_model(:lin_second, ARRAY[0.1, -0.2, 0.4]) AS new_model,
       :'lin3_p' <> :'lin1_p' AS answers_changed
  FROM automl.shared_model_cache_status();
SELECT automl.deploy('serve_linear', :lin_first) = :lin_first AS deployed_back;
SELECT * FROM dblink(:'dsn', $$SELECT automl.predict_proba('serve_linear', ARRAY[0.1, -0.2, 0.4])$$) AS t(p float8[]) \gset lin4_
SELECT :'lin4_p' = :'lin1_p' AS first_model_again;

-- Numbers from jsonb and from numeric columns are read exactly as numeric::float8
-- rounds them (a fast path for short ones, the text route for the rest): the
-- answers by jsonb, by row and by float8[] agree on every value.
CREATE TABLE serve_numbers AS
SELECT i, CASE i % 4
            WHEN 0 THEN ((i * 7919) % 100003)::numeric * ('1e' || (i % 37 - 18))::numeric
            WHEN 1 THEN -(i::numeric * 1.2345678901234567890123456789)
            WHEN 2 THEN round((random() * 1000)::numeric, i % 17)
            ELSE (i::float8 / 7)::numeric END AS x
  FROM generate_series(1, 4000) i;
INSERT INTO serve_numbers VALUES (4001, 0), (4002, 1e-30), (4003, -1e22), (4004, 123456789012345678), (4005, 0.1);
SELECT automl.train('serve_line', 'SELECT x, 3 * x + 1 AS y FROM serve_numbers WHERE abs(x) < 1e6', 'y',
                    algorithm => 'linear') AS line_job \gset
SELECT status FROM automl.wait(:line_job);
SELECT count(*) AS checked,
       count(*) FILTER (WHERE automl.predict('serve_line', jsonb_build_object('x', x)) <>
                              automl.predict('serve_line', ARRAY[x::float8])) AS jsonb_differs,
       count(*) FILTER (WHERE automl.predict('serve_line', n) <> automl.predict('serve_line', ARRAY[x::float8])) AS row_differs
  FROM serve_numbers n;

-- predict_batch: one call, one answer per row, each exactly predict's.
WITH batch AS (SELECT array_agg(ARRAY[a, b, c] ORDER BY id) AS rows FROM serve_pts)
SELECT array_length(automl.predict_batch('serve_trees', rows), 1) AS answers,
       automl.predict_batch('serve_trees', rows) =
         (SELECT array_agg(automl.predict('serve_trees', ARRAY[a, b, c]) ORDER BY id) FROM serve_pts) AS trees_same,
       automl.predict_batch('serve_linear', rows) =
         (SELECT array_agg(automl.predict('serve_linear', ARRAY[a, b, c]) ORDER BY id) FROM serve_pts) AS linear_same,
       automl.predict_batch('serve_reg', rows) =
         (SELECT array_agg(automl.predict('serve_reg', ARRAY[a, b, c]) ORDER BY id) FROM serve_pts) AS regression_same
  FROM batch;
-- predict_proba_batch: rows × classes.
WITH batch AS (SELECT array_agg(ARRAY[a, b, c] ORDER BY id) AS rows FROM serve_pts WHERE id <= 300),
     probs AS (SELECT automl.predict_proba_batch('serve_trees', rows) AS p FROM batch)
SELECT array_dims(p) AS dims,
       p[7:7][1:3] = ARRAY[automl.predict_proba('serve_trees', (SELECT ARRAY[a, b, c] FROM serve_pts WHERE id = 7))] AS row_7_same
  FROM probs;
SELECT automl.predict_batch('serve_trees', '{}') AS empty, automl.predict_proba_batch('serve_trees', '{}') AS empty_proba;
SELECT automl.predict_batch('serve_trees', NULL) AS null_in_null_out;

-- Bad batches are refused naming the element.
SELECT error_of($$SELECT automl.predict_batch('serve_trees', ARRAY[0.1, 0.2, 0.3])$$);
SELECT error_of($$SELECT automl.predict_batch('serve_trees', ARRAY[[0.1, 0.2, 0.3], [0.4, NULL, 0.6]])$$);
SELECT error_of($$SELECT automl.predict_batch('serve_trees', ARRAY[[0.1, 0.2, 0.3], [0.4, 'NaN', 0.6]])$$);
SELECT error_of($$SELECT automl.predict_batch('serve_trees', ARRAY[[0.1, 0.2], [0.4, 0.5]])$$);
SELECT error_of($$SELECT automl.predict_batch('serve_trees', ARRAY[[[0.1]]])$$);
SELECT error_of($$SELECT automl.predict_proba_batch('serve_reg', ARRAY[[0.1, 0.2, 0.3]])$$);
SELECT error_of($$SELECT automl.predict_batch('no_such_project', ARRAY[[0.1, 0.2, 0.3]])$$);
-- Cancelled like any statement: a big batch (stored beforehand) stops at statement_timeout.
CREATE TEMP TABLE big_batch AS SELECT array_agg(ARRAY[a, b, c]) AS rows FROM serve_pts, generate_series(1, 300);
SET statement_timeout = '30ms';
DO $$ BEGIN
  PERFORM array_length(automl.predict_batch('serve_trees', rows), 1) FROM big_batch;
  RAISE NOTICE 'not cancelled';
EXCEPTION WHEN query_canceled THEN
  RAISE NOTICE 'cancelled: %', SQLSTATE;
END $$;
RESET statement_timeout;

-- Tenants: predict_batch obeys the project's grants like predict; the cache's
-- status (what every tenant's models cost) is the DBA's.
SELECT ensure_roles('serve_tenant');
SET client_min_messages = warning;
GRANT automl_user TO serve_tenant;
RESET client_min_messages;
SET ROLE serve_tenant;
SELECT error_of($$SELECT automl.predict_batch('serve_trees', ARRAY[[0.1, 0.2, 0.3]])$$);
SELECT error_of($$SELECT * FROM automl.shared_model_cache_status()$$);
RESET ROLE;
SELECT automl.grant_project('serve_trees', 'serve_tenant', 'predict');
SET ROLE serve_tenant;
SELECT array_length(automl.predict_batch('serve_trees', ARRAY[[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]]), 1) AS shared_answers;
RESET ROLE;
SELECT automl.revoke_project('serve_trees', 'serve_tenant');
SET ROLE serve_tenant;
SELECT error_of($$SELECT automl.predict_batch('serve_trees', ARRAY[[0.1, 0.2, 0.3]])$$);
RESET ROLE;

-- The shared deployment entries are per role, and end with a revoke (of a grant, or of
-- the membership that carried it): a new backend of the tenant is refused, never
-- served what was stored while it was allowed.
SELECT ensure_roles('serve_group', 'serve_other');
SET client_min_messages = warning;
GRANT automl_user TO serve_other;
RESET client_min_messages;
SELECT automl.grant_project('serve_linear', 'serve_tenant', 'predict');
CREATE FUNCTION tenant_proba(who text) RETURNS float8[] LANGUAGE sql AS $$
  SELECT p FROM dblink(current_setting('serve.dsn'),
                       format('SET ROLE %I; SELECT automl.predict_proba(%L, ARRAY[0.1, -0.2, 0.4])', who, 'serve_linear'))
           AS t(p float8[]) $$;
SELECT set_config('serve.dsn', :'dsn', false) IS NOT NULL AS dsn_set;
SELECT deployment_hits AS hits_before FROM automl.shared_model_cache_status() \gset
SELECT tenant_proba('serve_tenant') AS tenant_p \gset
SELECT tenant_proba('serve_tenant') = :'tenant_p' AS tenant_served;
SELECT deployment_hits - :hits_before AS tenant_read_shared FROM automl.shared_model_cache_status();
SELECT error_of($$SELECT tenant_proba('serve_other')$$);
SELECT automl.revoke_project('serve_linear', 'serve_tenant');
SELECT error_of($$SELECT tenant_proba('serve_tenant')$$);
SELECT automl.grant_project('serve_linear', 'serve_group', 'predict');
GRANT serve_group TO serve_tenant;
SELECT tenant_proba('serve_tenant') = tenant_proba('serve_tenant') AS member_served;
REVOKE serve_group FROM serve_tenant;
SELECT error_of($$SELECT tenant_proba('serve_tenant')$$);
DROP FUNCTION tenant_proba(text);
DROP EXTENSION dblink;  -- operations creates its own
