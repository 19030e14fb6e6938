-- hostile_tenant: a tenant (mallory, automl_user with a schema of its own) attacks
-- another (victim) and the worker, and a reader (peek) probes what it may learn.
-- Each block is an attack that broke through in 0.1.0; every one must fail here.
-- Later features add their attacks to this file (and to
-- tests/integration/hostile_tenant_test.cpp for those needing worker processes).
SELECT ensure_roles('mallory', 'victim', 'peek');
GRANT automl_user TO mallory, victim;
GRANT automl_reader TO peek;
CREATE SCHEMA mallory AUTHORIZATION mallory;
CREATE SCHEMA victim AUTHORIZATION victim;
-- What mallory's code logs when it runs: as whom. Anyone may write here, so a
-- function of mallory's that runs as someone else leaves a row.
CREATE TABLE mallory.calls (who name, at timestamptz DEFAULT pg_catalog.clock_timestamp());
ALTER TABLE mallory.calls OWNER TO mallory;
GRANT INSERT ON mallory.calls TO PUBLIC;

SET ROLE victim;
CREATE TABLE victim.pts AS SELECT i::float8 AS x, 2.0 * i + 1 AS y FROM generate_series(1, 200) i;
SELECT automl.train('victim_proj', 'victim.pts', 'y', algorithm => 'linear') AS victim_job \gset
SELECT status FROM automl.wait(:victim_job);
SELECT (result->>'model_id')::bigint AS victim_model FROM automl.jobs WHERE id = :victim_job \gset
RESET ROLE;

SET ROLE mallory;
CREATE TABLE mallory.pts AS SELECT i::float8 AS x, 3.0 * i AS y, (i % 2 = 0) AS even FROM generate_series(1, 200) i;
SELECT automl.train('m_proj', 'mallory.pts', 'y', algorithm => 'xgboost', hyperparams => '{"n_estimators": 3}',
                    preprocess => '{"exclude": ["even"]}') AS m_job \gset
SELECT status FROM automl.wait(:m_job);
SELECT (result->>'model_id')::bigint AS m_model FROM automl.jobs WHERE id = :m_job \gset

-- 1. A training query raises its own privileges: set_config('role') and SET ROLE
-- inside a function fail in the security-restricted read; superuser-only functions
-- and other tenants' tables stay out of reach.
CREATE FUNCTION mallory.become_superuser() RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  SET ROLE postgres;
  RETURN 1;
END
$$;
SELECT automl.train('m_escalate1', $q$SELECT x, y, CASE WHEN set_config('role', 'postgres', true) IS NOT NULL THEN 1 END AS z FROM mallory.pts$q$, 'y') AS j1 \gset
SELECT automl.train('m_escalate2', $q$SELECT x, y, mallory.become_superuser() AS z FROM mallory.pts$q$, 'y') AS j2 \gset
SELECT automl.train('m_escalate3', $q$SELECT x, y, CASE WHEN set_config('session_authorization', 'postgres', true) IS NOT NULL THEN 1 END AS z FROM mallory.pts$q$, 'y') AS j3 \gset
SELECT status, error FROM automl.wait(:j1);
SELECT status, error FROM automl.wait(:j2);
SELECT status, error FROM automl.wait(:j3);
-- Superuser-only functions and other tenants' tables: refused at submission, as mallory.
SELECT error_of($q$SELECT automl.train('m_escalate4', 'SELECT x, y, length(pg_read_file(''postgresql.conf'')) AS z FROM mallory.pts', 'y')$q$);
SELECT error_of($$SELECT automl.train('m_steal', 'SELECT x, y FROM victim.pts', 'y')$$);
SELECT error_of($$SELECT automl.train('m_steal', 'victim.pts', 'y')$$);

-- 2. Settings do not outlive the query: a session-level search_path, an
-- application_name and a shadowing now() left behind by mallory's query never
-- reach the worker's own SQL or victim's job.
CREATE FUNCTION mallory.now() RETURNS timestamptz LANGUAGE sql AS $$
  INSERT INTO mallory.calls (who) VALUES (current_user) RETURNING pg_catalog.now();
$$;
GRANT EXECUTE ON FUNCTION mallory.now() TO PUBLIC;
SELECT automl.train('m_leak', $q$SELECT x, y FROM mallory.pts WHERE set_config('search_path', 'mallory, pg_catalog', false) IS NOT NULL AND set_config('application_name', 'pwned', false) IS NOT NULL$q$, 'y', algorithm => 'linear') AS j5 \gset
SELECT status, error FROM automl.wait(:j5);
RESET ROLE;
SET ROLE victim;
SELECT automl.train('victim_proj', 'victim.pts', 'y', algorithm => 'ridge', deploy => 'never') AS j6 \gset
SELECT status, error FROM automl.wait(:j6);
RESET ROLE;
SELECT count(*) AS worker_sessions_named_pwned FROM pg_stat_activity WHERE application_name = 'pwned';
SELECT count(*) AS calls_of_mallory_now FROM mallory.calls;

-- 3. What the worker executes cannot be rewritten: a shadowed format() does not
-- change the stored relation, and a stored relation rewritten behind the worker's
-- back (here by a superuser, as a stand-in for any bug) runs as one read-only
-- statement or not at all.
SET ROLE mallory;
CREATE FUNCTION mallory.format(text, name, name) RETURNS text LANGUAGE sql AS
  $$ SELECT 'mallory.pts LIMIT 0; COMMIT; CREATE TABLE public.pwned (); SELECT 1' $$;
SET search_path = mallory, pg_catalog;
SELECT automl.train('m_rewrite', 'pts', 'y', algorithm => 'linear', run_after => pg_catalog.now() + interval '1 hour') AS j7 \gset
SELECT spec->>'relation' AS stored_relation, search_path AS submitter_search_path FROM automl.jobs WHERE id = :j7;
RESET search_path;
RESET ROLE;
UPDATE automl.jobs SET spec = jsonb_set(spec, '{relation}', '"mallory.pts LIMIT 0; CREATE TABLE public.pwned (); SELECT 1"'),
                       run_after = now() WHERE id = :j7;
SET ROLE mallory;
SELECT automl.train('m_rewrite2', 'mallory.pts', 'y', algorithm => 'linear', run_after => now() + interval '1 hour') AS j8 \gset
RESET ROLE;
UPDATE automl.jobs SET spec = jsonb_set(spec, '{relation}', '"SELECT x, y FROM mallory.pts; CREATE TABLE public.pwned2 AS SELECT 1"'),
                       run_after = now() WHERE id = :j8;
SELECT status, error FROM automl.wait(:j7);
SELECT status, error FROM automl.wait(:j8);
SELECT to_regclass('public.pwned') AS pwned, to_regclass('public.pwned2') AS pwned2;
-- The worker's reading functions: not callable by a tenant, and refusing a job that
-- is not claimed with that lease or has no relation.
SET ROLE mallory;
SELECT error_of(format('SELECT * FROM automl_internal._training_rows(%s, 1, ARRAY[''y''], 10, 1) AS t(y text)', :victim_job));
SELECT error_of(format('SELECT automl_internal._training_shape(%s, 1)', :victim_job));
RESET ROLE;
INSERT INTO automl.jobs (kind, spec, run_after) VALUES ('noop', '{}', 'infinity') RETURNING id AS j_noop \gset
SELECT error_of(format('SELECT automl_internal._training_shape(%s, 1)', :j_noop)) ~ '^55P03: job [0-9]+ is no longer claimed' AS not_claimed;
UPDATE automl.jobs SET status = 'running', lease = 7 WHERE id = :j_noop;
SELECT error_of(format('SELECT automl_internal._training_shape(%s, 7)', :j_noop)) ~ '^22023: job [0-9]+ has no training relation$'
  AS no_relation;
DELETE FROM automl.jobs WHERE id = :j_noop;

-- 4. A bare NOTIFY stops nobody's job: only automl.cancel (its privilege checks,
-- then cancel_requested) does.
SET ROLE victim;
INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{"seconds": 1.5}') RETURNING id AS j9 \gset
RESET ROLE;
SELECT pg_sleep(0.5);
SET ROLE mallory;
SELECT pg_notify('automl_cancel', :'j9');
SELECT error_of(format('SELECT automl.cancel(%s)', :j9)) ~ '^42501' AS cancel_refused;
RESET ROLE;
SELECT status, cancel_requested FROM automl.wait(:j9);

-- 5. Tenants write models and deployments only through the extension's functions,
-- and a deployment names models of its own project only, whoever writes it.
SET ROLE mallory;
SELECT error_of(format($$INSERT INTO automl.deployments (project, model_id, strategy, arms)
  VALUES ('m_proj', %1$s, 'split', '[{"model_id": %1$s, "weight": 0.5}, {"model_id": %2$s, "weight": 0.5}]')$$,
  :m_model, :victim_model)) AS direct_deployment;
SELECT error_of($$INSERT INTO automl.models (project, version, algorithm, task, hyperparams, metrics, feature_names,
  target, format_version, model) VALUES ('m_proj', 100, 'x', 'regression', '{}', '{}', '{}', 'y', 2, '\x7b7d')$$)
  AS direct_model;
-- The writing function itself: another tenant's project, a foreign arm, a malformed split.
SELECT error_of(format($$SELECT automl_internal._insert_deployment('victim_proj', %s, 'manual', NULL, NULL, NULL)$$,
  :victim_model)) AS for_their_project;
SELECT error_of(format($$SELECT automl_internal._insert_deployment('m_proj', %1$s, 'split', NULL,
  '[{"model_id": %1$s, "weight": 0.5}, {"model_id": %2$s, "weight": 0.5}]', NULL)$$, :m_model, :victim_model))
  AS foreign_arm;
SELECT error_of(format($$SELECT automl_internal._insert_deployment('m_proj', %1$s, 'split', NULL,
  '[{"model_id": %1$s, "weight": 2}]', NULL)$$, :m_model)) AS malformed_arms;
SELECT error_of(format($$SELECT automl_internal._insert_deployment('m_proj', %1$s, 'shadow', NULL, NULL, %2$s)$$,
  :m_model, :victim_model)) ~ '^23503' AS foreign_shadow;
SELECT masked(format('SELECT automl.deploy_split(%L, ARRAY[%s, %s], ARRAY[1, 1])', 'm_proj', :m_model,
  :victim_model)) AS split_with_their_model;
RESET ROLE;

-- 6. Access-rule helpers decide for the caller; the role-taking ones are not callable.
SET ROLE peek;
SELECT error_of($$SELECT automl_internal._projects_for('postgres', 'predict')$$);
SELECT error_of(format('SELECT automl_internal._project_of_model(%s)', :victim_model)) ~ '^42501' AS project_of_model_refused;
SELECT error_of($$SELECT automl_internal._can('victim_proj', 'manage', 'victim')$$);
SELECT error_of($$SELECT automl_internal._can_job(1, 'victim')$$);
SELECT automl_internal._projects_for('predict') AS peek_sees, automl_internal._can('victim_proj', 'predict') AS peek_may_predict;
SELECT error_of(format('SELECT automl.predict_model(%s, ARRAY[1.0])', :victim_model)) ~ 'victim_proj' AS names_the_project;
RESET ROLE;
SET ROLE mallory;
SELECT ARRAY(SELECT unnest(automl_internal._projects_for('manage')) ORDER BY 1) AS mallory_manages;
RESET ROLE;

-- No function of the extension is PUBLIC's: each role gets what it needs by name.
SELECT p.oid::regprocedure AS executable_by_public FROM pg_proc p
 WHERE p.pronamespace IN ('automl'::regnamespace, 'automl_internal'::regnamespace)
   AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0))
 ORDER BY 1;
-- \df automl.* is the public surface: the internals live in automl_internal.
SELECT p.oid::regprocedure AS internal_in_public_schema FROM pg_proc p
 WHERE p.pronamespace = 'automl'::regnamespace AND p.proname LIKE '\_%'
 ORDER BY 1;
-- A tenant cannot plant a function beside the internals, nor shadow one in automl.
SET ROLE mallory;
SELECT error_of($$CREATE FUNCTION automl_internal._can(text, text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true'$$)
  AS plant_internal;
SELECT error_of($$CREATE FUNCTION automl._sees_all() RETURNS boolean LANGUAGE sql AS 'SELECT true'$$)
  AS shadow_in_public_schema;
RESET ROLE;

-- 7. Hostile model documents: a 100,000-deep tree is refused at import and by the
-- parser every path shares; labels, model size and text length are bounded by GUCs;
-- a long tagging call honours statement_timeout.
SET ROLE mallory;
SELECT automl.export_model(:m_model) AS m_export \gset
CREATE TEMP TABLE deep AS
SELECT jsonb_set(:'m_export'::jsonb, '{model,estimator,trees,0}', jsonb_build_object(
         'group', 0,
         'left', jsonb_agg(CASE WHEN i % 2 = 0 AND i < 200000 THEN i + 2 ELSE -1 END ORDER BY i),
         'right', jsonb_agg(CASE WHEN i % 2 = 0 AND i < 200000 THEN i + 1 ELSE -1 END ORDER BY i),
         'feature', jsonb_agg(0), 'threshold', jsonb_agg(0.5), 'default_left', jsonb_agg(1),
         'value', jsonb_agg(0.1), 'cover', jsonb_agg(1))) AS doc
  FROM generate_series(0, 200000) i;
SELECT error_of($$SELECT automl.import_model('m_deep', (SELECT doc FROM deep))$$);
-- The parser every path shares (predict, explain, export, import) refuses it too.
SELECT error_of($$SELECT automl_internal._model_summary(convert_to((doc->'model')::text, 'UTF8')) FROM deep$$);
-- Target encodings (preprocess.target_encode) are checked on load: only on a
-- categorical step, as many values as categories × classes, sorted categories, at
-- most 1,000 outputs, finite numbers.
CREATE TEMP TABLE hostile_encodings AS
WITH base AS (SELECT jsonb_set(:'m_export'::jsonb, '{model,preprocessing,inputs,0,type}', '"categorical"') AS doc),
step(name, encoding) AS (VALUES
  ('counts', '{"categories": ["a", "b"], "values": [1], "prior": [0]}'::jsonb),
  ('unsorted', '{"categories": ["b", "a"], "values": [1, 2], "prior": [0]}'),
  ('not_finite', '{"categories": ["a"], "values": [1e999], "prior": [0]}'),
  ('wide', jsonb_build_object('categories', '["a"]'::jsonb,
                              'values', (SELECT jsonb_agg(0) FROM generate_series(1, 1001)),
                              'prior', (SELECT jsonb_agg(0) FROM generate_series(1, 1001)))))
SELECT 'on_a_number' AS name, jsonb_set(:'m_export'::jsonb, '{model,preprocessing,steps,0,target_encoding}',
         '{"categories": ["a"], "values": [1], "prior": [0]}') AS doc
UNION ALL
SELECT step.name, jsonb_set(base.doc, '{model,preprocessing,steps,0}', jsonb_build_object(
         'impute', 'most_frequent', 'fill', 'a', 'categories', '["a"]'::jsonb, 'other', true,
         'scalings', (SELECT jsonb_agg('[0, 1]'::jsonb) FROM generate_series(1, jsonb_array_length(step.encoding->'prior'))),
         'target_encoding', step.encoding))
  FROM base, step;
SELECT name, error_of(pg_catalog.format('SELECT automl.import_model(%L, (SELECT doc FROM hostile_encodings WHERE name = %L))',
                             'm_te_' || name, name)) AS refused
  FROM hostile_encodings ORDER BY name;
-- Hostile ensembles: nested 1,000 deep (refused before the nest is read), eleven
-- members, members of different links.
CREATE TEMP TABLE hostile_ensembles AS
WITH RECURSIVE base AS (SELECT :'m_export'::jsonb AS doc, (:'m_export'::jsonb)->'model'->'estimator' AS est),
n(depth, est) AS (
  SELECT 0, est FROM base
  UNION ALL
  SELECT depth + 1, jsonb_build_object('type', 'ensemble', 'weights', '[1, 1]'::jsonb,
                                       'members', jsonb_build_array(n.est, base.est))
    FROM n, base WHERE depth < 1000)
SELECT 'nested' AS name, jsonb_set(base.doc, '{model,estimator}', n.est) AS doc FROM n, base WHERE depth = 1000
UNION ALL
SELECT 'wide', jsonb_set(doc, '{model,estimator}', jsonb_build_object('type', 'ensemble',
         'weights', (SELECT jsonb_agg(1) FROM generate_series(1, 11)),
         'members', (SELECT jsonb_agg(b.est) FROM base b, generate_series(1, 11)))) FROM base
UNION ALL
SELECT 'links', jsonb_set(doc, '{model,estimator}', jsonb_build_object('type', 'ensemble',
         'weights', '[1, 1]'::jsonb,
         'members', jsonb_build_array(est, jsonb_set(est, '{link}', '"softmax"'))))
  FROM base;
SELECT name, error_of(pg_catalog.format('SELECT automl.import_model(%L, (SELECT doc FROM hostile_ensembles WHERE name = %L))',
                             'm_' || name, name)) AS refused
  FROM hostile_ensembles ORDER BY name;
-- A tagger of 300 labels is served within the limits; tightened limits refuse it.
CREATE FUNCTION pg_temp.tagger(labels integer) RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('format', 'pg_automl.export', 'model', jsonb_build_object(
    'type', 'crf', 'format_version', 1, 'task', 'tagging', 'target', 'tags', 'tokens_column', 'tokens',
    'labels', (SELECT jsonb_agg('L' || i) FROM generate_series(1, labels) i),
    'features', '["w=a"]'::jsonb,
    'state', (SELECT jsonb_agg((i % 7) * 0.1) FROM generate_series(1, labels) i),
    'transition', (SELECT jsonb_agg((i % 5) * 0.01) FROM generate_series(1, labels * labels) i),
    'start', (SELECT jsonb_agg(0) FROM generate_series(1, labels) i),
    'end', (SELECT jsonb_agg(0) FROM generate_series(1, labels) i)))
$$;
SELECT automl.import_model('m_tagger', pg_temp.tagger(300)) AS m_tagger \gset
SELECT automl.deploy('m_tagger', :m_tagger) = :m_tagger AS deployed;
SELECT error_of($$SELECT automl.tag('m_tagger', repeat('a ', 1001))$$);
SET statement_timeout = '300ms';
SELECT automl.tag('m_tagger', ARRAY(SELECT repeat('a ', 999) FROM generate_series(1, 30)));
RESET statement_timeout;
SELECT jsonb_array_length(automl.tag('m_tagger', 'a a a')->'tags') AS still_serves;
RESET ROLE;
SET automl.max_labels = 50;  -- a superuser tightens it
SET ROLE mallory;
SELECT error_of($$SELECT automl.import_model('m_tagger2', pg_temp.tagger(60))$$);
RESET ROLE;
RESET automl.max_labels;
SET ROLE mallory;
SELECT error_of($$SET automl.max_labels = 100000$$);

-- 8. A job still reading its query stops at automl.cancel within seconds.
SELECT automl.train('m_slow', 'SELECT x, y FROM mallory.pts, (SELECT pg_sleep(40)) s', 'y') AS j10 \gset
SELECT pg_sleep(1);
SELECT automl.cancel(:j10);
SELECT status, finished_at - started_at < interval '8 seconds' AS stopped_quickly FROM automl.wait(:j10);

-- 9. Priorities below 0 are automl_admin's; automl_admin sets per-role limits;
-- claiming serves submitters in turn.
SELECT error_of($$SELECT automl.train('m_proj', 'mallory.pts', 'y', priority => -1)$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, priority, spec) VALUES ('noop', -2147483648, '{}')$$);
SELECT error_of($$SELECT automl.set_role_limits('mallory', 100, 100)$$);
RESET ROLE;
SELECT role, max_running, max_queued FROM automl.set_role_limits('mallory', 1, 3);
SET ROLE mallory;
INSERT INTO automl.jobs (kind, spec, run_after) SELECT 'noop', '{}', now() + interval '1 second' FROM generate_series(1, 3);
SELECT error_of($$INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{}')$$);
SELECT role, max_queued FROM automl.role_limits;
RESET ROLE;
SET ROLE victim;
INSERT INTO automl.jobs (kind, spec, run_after) VALUES ('noop', '{}', now() + interval '1 second') RETURNING id AS j11 \gset
RESET ROLE;
SELECT status FROM automl.wait(:j11);
-- victim's one job did not wait behind all of mallory's.
SELECT count(*) <= 1 AS at_most_one_of_mallory_first
  FROM automl.jobs j WHERE j.kind = 'noop' AND j.created_by = 'mallory'
   AND j.started_at < (SELECT started_at FROM automl.jobs WHERE id = :j11);
SELECT count(*) AS mallory_noops, bool_and((automl.wait(id)).status = 'succeeded') AS all_done FROM automl.jobs
 WHERE kind = 'noop' AND created_by = 'mallory' AND id > :j10;
SELECT role AS limits_lifted_for FROM automl.set_role_limits('mallory', NULL, NULL);

-- 11. A search_path one caller leaves on a session (a pooled backend) rebinds
-- nothing in the extension's own lookups for the next caller: mallory's "="
-- operator and jsonb_array_elements are never called by predict.
SET ROLE mallory;
CREATE FUNCTION mallory.text_eq(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO mallory.calls (who) VALUES (current_user);
  RETURN a OPERATOR(pg_catalog.=) b;
END
$$;
CREATE OPERATOR mallory.= (LEFTARG = text, RIGHTARG = text, FUNCTION = mallory.text_eq);
CREATE FUNCTION mallory.jsonb_array_elements(jsonb) RETURNS SETOF jsonb LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO mallory.calls (who) VALUES (current_user);
  RETURN QUERY SELECT pg_catalog.jsonb_array_elements($1);
END
$$;
GRANT EXECUTE ON FUNCTION mallory.text_eq(text, text), mallory.jsonb_array_elements(jsonb) TO PUBLIC;
GRANT USAGE ON SCHEMA mallory TO PUBLIC;
SET search_path = mallory, pg_catalog;
SELECT automl.predict('m_proj', ARRAY[10.0]) > 0 AS mallory_predicts;
SET ROLE victim;
SELECT round(automl.predict('victim_proj', ARRAY[10.0])::numeric, 1) AS victim_predicts;
RESET ROLE;
RESET search_path;
SELECT count(*) AS calls_of_mallory_operators FROM mallory.calls;

-- 10. import_model works for automl_user, into its own projects.
SET ROLE mallory;
SELECT automl.import_model('m_copy', automl.export_model(:m_model)) > 0 AS imported;
SELECT name, owner FROM automl.projects WHERE name = 'm_copy';
RESET ROLE;

-- 12. Outbound URLs (server-side request forgery): a tenant reaches only the URL
-- prefixes a superuser allowed, matched on whole components; the tricks that make a
-- prefix admit another host, port or path are refused; file:// is a superuser's, under
-- automl.import_directory; errors never print a query string (presigned secrets).
SET automl.import_allowed_urls = 'http://127.0.0.1:8000/data, https://hooks.example.com/in/';
SET ROLE mallory;
SELECT error_of($$SET automl.import_allowed_urls = 'http://'$$) AS mallory_sets_allowed_urls;
SELECT error_of($$SELECT set_config('automl.import_directory', '/', false)$$) AS mallory_sets_directory;
SELECT error_of($$ALTER ROLE mallory SET automl.import_allowed_urls = 'http://evil/'$$) AS mallory_alters_role;
SELECT url, automl_internal._check_outbound_url(url, 'webhook', 'mallory') AS normalized
  FROM unnest(ARRAY['http://127.0.0.1:8000/data', 'HTTP://127.0.0.1:8000/data/x.csv?sig=1#f',
                    'http://127.0.0.1:8000/data/a/../b.csv', 'http://0x7f.1:8000/data/x',
                    'https://Hooks.Example.COM.:443/in/hook']) url;
SELECT url, error_of(format('SELECT automl_internal._check_outbound_url(%L, %L, %L)', url, 'import', 'mallory'))
  FROM unnest(ARRAY['http://127.0.0.1:8000/database.csv', 'http://127.0.0.1:8000@evil/data',
                    'http://127.0.0.1:80000/data', 'http://127.0.0.1:8001/data', 'https://127.0.0.1:8000/data',
                    'http://127.0.0.1:8000/data/../admin', 'http://127.0.0.1:8000/data/%2e%2e/admin',
                    'http://127.0.0.1:8000/data%2fx', 'http://[::1]:8000/data', 'http://localhost:8000/data',
                    'http://169.254.169.254/latest/meta-data/', 'gopher://127.0.0.1:8000/data',
                    'http://127.0.0.1:8000/da ta', 'http://127.0.0.1:8000/data%0d%0aHost:%20evil',
                    'file:///etc/passwd', 'http://evil/x.csv?X-Amz-Signature=s3cr3t',
                    'https://hooks.example.com/in']) url;
SELECT error_of(format('SELECT automl_internal._check_outbound_url(%L, %L, %L)',
                       'http://127.0.0.1:8000/data/' || repeat('a', 2048), 'import', 'mallory')) AS too_long;
SELECT error_of(format('SELECT automl_internal._check_outbound_url(%L, %L, %L)',
                       E'http://127.0.0.1:8000/data\r\nHost: evil', 'import', 'mallory')) AS header_injection;
-- Only the worker checks for somebody else; a reader may not check at all.
SELECT error_of($$SELECT automl_internal._check_outbound_url('http://evil/', 'webhook', 'postgres')$$) AS for_superuser;
SELECT error_of($$SELECT automl_internal._check_outbound_url('http://evil/', 'fetch', 'mallory')$$) AS bad_purpose;
SELECT error_of($$SELECT automl_internal._check_outbound_url(NULL, 'webhook', 'mallory')$$) AS null_url;
RESET ROLE;
SET ROLE peek;
SELECT error_of($$SELECT automl_internal._check_outbound_url('http://127.0.0.1:8000/data', 'import', 'peek')$$) AS reader;
RESET ROLE;
SELECT ensure_roles('url_worker');
GRANT automl_worker TO url_worker;
SET ROLE url_worker;
SELECT automl_internal._check_outbound_url('http://127.0.0.1:8000/data/x', 'webhook', 'mallory') AS worker_for_mallory;
SELECT error_of($$SELECT automl_internal._check_outbound_url('http://10.0.0.1/', 'webhook', 'mallory')$$) AS worker_off_list;
SELECT error_of($$SELECT automl_internal._check_outbound_url('http://x/', 'webhook', 'no_such_role')$$) AS unknown_role;
RESET ROLE;
-- Administrators reach any http(s) URL; file:// is for superusers, under the directory.
SELECT automl_internal._check_outbound_url('http://10.0.0.1:6379/', 'webhook', 'postgres') AS superuser_any_http;
SELECT error_of($$SELECT automl_internal._check_outbound_url('file:///srv/in/a.csv', 'import', 'postgres')$$) AS no_directory;
SET automl.import_directory = '/srv/in';
SELECT automl_internal._check_outbound_url('file:///srv/in/sub/../a.csv', 'import', 'postgres') AS superuser_file;
SELECT url, error_of(format('SELECT automl_internal._check_outbound_url(%L, %L, %L)', url, purpose, 'postgres'))
  FROM (VALUES ('file:///srv/in/../../etc/passwd', 'import'), ('file:///srv/inbox/a.csv', 'import'),
               ('file:///srv/in/%2e%2e/x', 'import'), ('file://evil/srv/in/a.csv', 'import'),
               ('file:///srv/in/a.csv', 'webhook')) v (url, purpose);
SET ROLE mallory;
SELECT error_of($$SELECT automl_internal._check_outbound_url('file:///srv/in/a.csv', 'import', 'mallory')$$) AS mallory_file;
RESET ROLE;
-- Settings a superuser mistypes are refused when set.
SELECT error_of($$SET automl.import_allowed_urls = 'ftp://127.0.0.1/'$$) AS ftp_prefix;
SELECT error_of($$SET automl.import_allowed_urls = 'http://h/?token=x'$$) AS prefix_with_query;
SELECT error_of($$SET automl.import_directory = 'relative/dir'$$) AS relative_directory;
RESET automl.import_allowed_urls;
RESET automl.import_directory;

-- 13. Webhooks: mallory cannot hear victim's events — no endpoint on victim's project,
-- none of victim's endpoints, deliveries or secrets in sight, no forged outbox row or
-- event, no delivery claimed or recorded, and a noop job of hers that names victim's
-- project (no right needed for that) announces nothing to victim's endpoint.
SET automl.import_allowed_urls = 'http://127.0.0.1:9/';
SET ROLE victim;
SELECT automl.create_webhook('victim_proj', 'http://127.0.0.1:9/victim', ARRAY['job.succeeded', 'job.cancelled'],
                             'victim-secret') AS victim_hook \gset
RESET ROLE;
SET ROLE mallory;
SELECT error_of($$SELECT automl.create_webhook('victim_proj', 'http://127.0.0.1:9/m')$$) AS hook_on_victims_project;
SELECT error_of($$INSERT INTO automl.webhook_endpoints (project, url, events)
                  VALUES ('victim_proj', 'http://127.0.0.1:9/m', '{job.succeeded}')$$) AS insert_on_victims_project;
SELECT count(*) AS victims_webhooks_seen FROM automl.webhooks;
SELECT count(*) AS victims_deliveries_seen FROM automl.webhook_deliveries;
SELECT error_of($$SELECT secret FROM automl.webhook_endpoints$$) AS victims_secret;
SELECT error_of(format('SELECT automl_internal._webhook_secret(%s)', :victim_hook)) AS secret_function;
SELECT error_of(format($$INSERT INTO automl.webhook_deliveries (webhook_id, event, payload)
                         VALUES (%s, 'job.succeeded', '{}')$$, :victim_hook)) AS forged_delivery;
SELECT error_of($$SELECT automl_internal._queue_webhook_event('victim_proj', 'job.succeeded', '{}')$$) AS forged_event;
SELECT error_of('SELECT * FROM automl_internal._claim_webhook_delivery(30)') AS claims_deliveries;
SELECT error_of('SELECT automl_internal._record_webhook_attempt(1, 1, 200, NULL, 5)') AS records_attempt;
SELECT masked(format('SELECT automl.drop_webhook(%s)', :victim_hook)) AS drops_victims_hook;
INSERT INTO automl.jobs (kind, project, spec, run_after) VALUES ('noop', 'victim_proj', '{}', 'infinity')
  RETURNING id AS m_noop \gset
SELECT automl.cancel(:m_noop);
NOTIFY automl_webhooks, 'deliver everything now';
RESET ROLE;
SELECT count(*) AS victim_deliveries FROM automl.webhook_deliveries WHERE webhook_id = :victim_hook;
-- Even as a co-manager she cannot forge an event: her UPDATE of her own job's status
-- (a grant that serves cancel and retry) goes through, and announces nothing; only
-- the worker (or an admin) writes the final states that are announced, and a tenant
-- only a queued job's cancellation.
SET ROLE victim;
SELECT automl.grant_project('victim_proj', 'mallory', 'manage') IS NOT NULL AS shared;
RESET ROLE;
SET ROLE mallory;
INSERT INTO automl.jobs (kind, project, spec, run_after) VALUES ('noop', 'victim_proj', '{}', 'infinity')
  RETURNING id AS m_forge \gset
UPDATE automl.jobs SET status = 'succeeded', result = '{"forged": true}' WHERE id = :m_forge;
INSERT INTO automl.jobs (kind, project, spec, run_after) VALUES ('noop', 'victim_proj', '{}', 'infinity')
  RETURNING id AS m_cancel \gset
SELECT automl.cancel(:m_cancel);
RESET ROLE;
SELECT status FROM automl.jobs WHERE id = :m_forge;
SELECT event, payload->'job'->>'id' = :'m_cancel' AS her_cancel FROM automl.webhook_deliveries
 WHERE webhook_id = :victim_hook ORDER BY id;
DELETE FROM automl.jobs WHERE id IN (:m_forge, :m_cancel);
SET ROLE victim;
SELECT automl.revoke_project('victim_proj', 'mallory');
RESET ROLE;
SELECT automl.drop_webhook(:victim_hook) AS dropped;
RESET automl.import_allowed_urls;

-- 14. Reports: mallory reads none of victim's evaluation or pages, and a page of her
-- own model cannot carry markup — class labels, column names and the project name
-- she chose are text in the page, never tags. describe_report reads as its caller,
-- one statement only.
SET ROLE mallory;
SELECT error_of(format('SELECT automl.report(%s)', :victim_model)) ~ '^42501' AS victim_report_denied;
SELECT error_of(format('SELECT * FROM automl.feature_importance(%s)', :victim_model)) ~ '^42501' AS victim_importance_denied;
SELECT error_of(format('SELECT * FROM automl.residuals(%s)', :victim_model)) ~ '^42501' AS victim_residuals_denied;
SELECT error_of($$SELECT automl.describe_report('victim.pts')$$);
SELECT error_of($$SELECT automl.describe_report('SELECT 1 AS x; DROP TABLE victim.pts')$$);
CREATE TABLE mallory.markup AS
  SELECT i::float8 AS "<img src=x onerror=alert(1)>",
         CASE WHEN i % 2 = 0 THEN '</title><script>alert(1)</script>' ELSE '"><svg onload=alert(2)>' END AS "label&<b>"
    FROM generate_series(1, 60) i;
SELECT automl.train('m_<script>', 'mallory.markup', 'label&<b>', algorithm => 'logistic') AS m_markup_job \gset
SELECT status FROM automl.wait(:m_markup_job);
SELECT (result->>'model_id')::bigint AS m_markup FROM automl.jobs WHERE id = :m_markup_job \gset
SELECT automl.report(:m_markup) AS page \gset
SELECT :'page' !~* '<script|<img|<svg onload' AS no_markup_from_tenant,
       :'page' LIKE '%&lt;/title&gt;&lt;script&gt;%' AS label_shown_as_text;
SELECT automl.describe_report('mallory.markup') AS data_page \gset
SELECT :'data_page' !~* '<script|<img|<svg onload' AS no_markup_in_data_page;
RESET ROLE;

-- 15. Analysis and designs: mallory's relations are read with her rights, as one
-- statement — victim's table stays closed to pareto_front, linear_analysis and a
-- design's include, a design cannot write into victim's schema, and column names
-- made of SQL are only identifiers.
SET ROLE mallory;
SELECT error_of($$SELECT * FROM automl.pareto_front('victim.pts', '{"x": "min"}')$$) ~ '^42501' AS pareto_denied;
SELECT error_of($$SELECT * FROM automl.linear_analysis('victim.pts', 'y')$$) ~ '^42501' AS linear_analysis_denied;
SELECT error_of($$SELECT automl.design('{"x": {"min": 0, "max": 1}}', options => '{"include": "victim.pts"}')$$) ~ '^42501'
       AS design_include_denied;
SELECT error_of($$SELECT automl.design('{"x": {"min": 0, "max": 1}}', into_table => 'victim.mine')$$);
SELECT error_of($$SELECT * FROM automl.pareto_front('SELECT * FROM mallory.markup; DROP TABLE victim.pts', '{"x": "min"}')$$);
CREATE TABLE mallory.evil AS
  SELECT i::float8 AS "a""; DROP TABLE mallory.evil; --", (i % 3)::float8 AS "b')", (2 * i + i % 5)::float8 AS y
    FROM generate_series(1, 30) i;
SELECT count(*) AS ranked FROM automl.pareto_front('mallory.evil', '{"a\"; DROP TABLE mallory.evil; --": "max", "b'')": "min"}');
SELECT term FROM automl.linear_analysis('mallory.evil', 'y');
SELECT count(*) AS evil_table_still_there FROM mallory.evil;
RESET ROLE;

-- 16. Operations: mallory cannot pause the queue, write a pause or a schedule of
-- victim's, squat on victim's unique keys (keys are per submitter), retrain or check
-- drift on victim's project, or see victim's jobs in the queue's counts.
SET ROLE victim;
SELECT automl.train('victim_proj', 'victim.pts', 'y', algorithm => 'linear', unique_key => 'shared-key',
                    run_after => now() + interval '1 day') AS victim_keyed \gset
RESET ROLE;
SET ROLE mallory;
SELECT error_of($$SELECT automl.pause_queue()$$);
SELECT error_of($$INSERT INTO automl.queue_pauses (kind) VALUES ('*')$$);
SELECT error_of($$SELECT automl.resume_queue()$$);
SELECT automl.train('m_proj_keyed', 'mallory.markup', 'label&<b>', algorithm => 'logistic', unique_key => 'shared-key',
                    run_after => now() + interval '1 day') <> :victim_keyed AS own_job_not_victims;
SELECT error_of($$SELECT automl.retrain('victim_proj')$$) ~ '^42501' AS retrain_denied;
SELECT error_of($$SELECT * FROM automl.drift('victim_proj', 'mallory.markup')$$) ~ '^42501' AS drift_denied;
SELECT error_of($$SELECT automl.schedule('steal', '* * * * *', 'victim_proj')$$) ~ '^42501' AS schedule_denied;
SELECT error_of($$INSERT INTO automl.schedules (owner, name, cron, project, cron_job_id)
                  VALUES ('victim', 'forged', '* * * * *', 'victim_proj', 1)$$);
SELECT count(*) AS victim_schedules_seen FROM automl.schedules WHERE owner = 'victim';
SELECT sum(queued) AS queued_seen_by_mallory FROM automl.queue_status;
SELECT automl.cancel(id) FROM automl.jobs WHERE unique_key = 'shared-key' AND created_by = 'mallory';
RESET ROLE;
SELECT automl.cancel(:victim_keyed);

-- 17. Serving: victim's model is parsed into the server's shared cache by victim's own
-- predict, and victim's deployment stored in the shared deployment cache; mallory
-- still reaches neither (predict, predict_model, predict_batch) nor the cache's
-- status, which counts every tenant's models.
SET ROLE victim;
SELECT automl.predict('victim_proj', ARRAY[1.0]) IS NOT NULL AS victim_served;
RESET ROLE;
SET ROLE mallory;
-- victim's deployment is in the shared deployment cache now, under victim's role.
SELECT error_of($$SELECT automl.predict('victim_proj', ARRAY[1.0])$$) ~ '^42501' AS shared_deployment_denied;
SELECT error_of(format('SELECT automl.predict_model(%s, ARRAY[1.0])', :victim_model)) ~ '^42501' AS model_denied;
SELECT error_of($$SELECT automl.predict_batch('victim_proj', ARRAY[[1.0], [2.0]])$$) ~ '^42501' AS batch_denied;
SELECT error_of($$SELECT automl.predict_proba_batch('victim_proj', ARRAY[[1.0]])$$) ~ '^42501' AS proba_batch_denied;
SELECT error_of($$SELECT * FROM automl.shared_model_cache_status()$$);
RESET ROLE;
