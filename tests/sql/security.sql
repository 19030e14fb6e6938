-- security: two tenants (alice, bob) and a reader (carol). Each operation on the
-- other's project is refused with 42501 or invisible; sharing opens exactly what it
-- grants and revoking closes it again from the next statement; a job reads data with
-- its submitter's privileges.
SELECT ensure_roles('alice', 'bob', 'carol');
GRANT automl_user TO alice, bob;
GRANT automl_reader TO carol;
CREATE TABLE alice_pts AS SELECT i::float8 AS x, 2.0 * i + 1 AS y FROM generate_series(1, 200) i;
CREATE TABLE bob_pts AS SELECT i::float8 AS x, 3.0 * i - 1 AS y FROM generate_series(1, 200) i;
ALTER TABLE alice_pts OWNER TO alice;
ALTER TABLE bob_pts OWNER TO bob;
CREATE TABLE shared_pts AS SELECT * FROM alice_pts;
GRANT SELECT ON shared_pts TO alice;

SET ROLE alice;
SELECT automl.train('alice_proj', 'alice_pts', 'y', algorithm => 'linear') AS alice_job \gset
SELECT status FROM automl.wait(:alice_job);
SELECT (result->>'model_id')::bigint AS alice_model FROM automl.jobs WHERE id = :alice_job \gset
SELECT round(automl.predict('alice_proj', ARRAY[10.0])::numeric, 3) AS alice_predicts;
SELECT name, owner FROM automl.projects;
RESET ROLE;

SET ROLE bob;
SELECT automl.train('bob_proj', 'bob_pts', 'y', algorithm => 'linear') AS bob_job \gset
SELECT status FROM automl.wait(:bob_job);
SELECT (result->>'model_id')::bigint AS bob_model FROM automl.jobs WHERE id = :bob_job \gset
-- Invisible: bob's queries see his own rows only.
SELECT name, owner FROM automl.projects;
SELECT count(*) AS alice_rows_bob_sees FROM automl.models WHERE project = 'alice_proj';
SELECT count(*) AS alice_rows_bob_sees FROM automl.deployments WHERE project = 'alice_proj';
SELECT count(*) AS alice_rows_bob_sees FROM automl.deployed_models WHERE project = 'alice_proj';
SELECT count(*) AS alice_rows_bob_sees FROM automl.jobs WHERE project = 'alice_proj';
SELECT count(*) AS alice_rows_bob_sees FROM automl.trials t WHERE t.job_id = :alice_job;
SELECT count(*) AS alice_rows_bob_sees FROM automl.prediction_log WHERE project = 'alice_proj';
-- Refused (model and job ids masked by 00_setup's masked()).
SELECT error_of($$SELECT automl.predict('alice_proj', ARRAY[1.0])$$);
SELECT error_of($$SELECT automl.predict('alice_proj', '{"x": 1}'::jsonb)$$);
SELECT error_of($$SELECT automl.explain('alice_proj', '{"x": 1}'::jsonb)$$);
SELECT masked(format('SELECT automl.predict_model(%s, ARRAY[1.0])', :alice_model));
SELECT error_of($$SELECT automl.deploy('alice_proj', 'best_score')$$);
SELECT masked(format('SELECT automl.deploy(%L, %s)', 'alice_proj', :alice_model));
SELECT masked(format('SELECT automl.deploy(%L, %s)', 'bob_proj', :alice_model));
SELECT masked(format('SELECT automl.deploy_split(%L, ARRAY[%s, %s], ARRAY[1, 1])', 'alice_proj', :alice_model, :bob_model));
SELECT masked(format('SELECT automl.deploy_shadow(%L, %s)', 'bob_proj', :alice_model));
SELECT error_of($$SELECT automl.set_logging('alice_proj', 0)$$);
SELECT masked(format('SELECT automl.export_model(%s)', :alice_model));
SELECT error_of(format('SELECT automl.import_model(%L, automl.export_model(%s))', 'alice_proj', :bob_model));
SELECT error_of($$SELECT automl.train('alice_proj', 'bob_pts', 'y')$$);
SELECT error_of($$SELECT automl.train('bob_proj2', 'alice_pts', 'y')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, project, spec) VALUES ('train', 'alice_proj', '{"relation": "bob_pts", "target": "y"}')$$);
SELECT masked(format('SELECT automl.cancel(%s)', :alice_job));
SELECT masked(format('SELECT automl.retry(%s)', :alice_job));
SELECT error_of($$SELECT automl.grant_project('alice_proj', 'bob', 'manage')$$);
SELECT error_of($$SELECT automl.revoke_project('alice_proj', 'bob')$$);
-- Direct writes fail the same way: row-level security and column privileges.
SELECT masked(format('INSERT INTO automl.deployments (project, model_id, strategy) VALUES (%L, %s, %L)', 'alice_proj', :alice_model, 'forged'));
SELECT error_of($$UPDATE automl.projects SET log_sample_rate = 1 WHERE name = 'alice_proj'$$);
SELECT count(*) AS alice_projects_bob_updated FROM (SELECT 1 FROM automl.projects WHERE name = 'alice_proj' AND log_sample_rate = 1) s;
SELECT error_of($$UPDATE automl.jobs SET created_by = 'postgres'$$);
SELECT error_of($$UPDATE automl.projects SET owner = 'bob'$$);
SELECT error_of($$INSERT INTO automl.project_grants (project, grantee, privilege) VALUES ('alice_proj', 'bob', 'manage')$$);
SELECT error_of($$DELETE FROM automl.models$$);
SELECT error_of($$SELECT automl.prune_jobs('0 seconds')$$);
-- A job row names its submitter, whatever the INSERT says.
INSERT INTO automl.jobs (kind, spec, created_by) VALUES ('noop', '{}', 'alice') RETURNING created_by;
RESET ROLE;

-- A reader predicts what is shared with it, and nothing else; it cannot train.
SET ROLE carol;
SELECT error_of($$SELECT automl.predict('alice_proj', ARRAY[1.0])$$);
SELECT error_of($$SELECT automl.train('carol_proj', 'alice_pts', 'y')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{}')$$);
RESET ROLE;
SET ROLE alice;
SELECT automl.grant_project('alice_proj', 'carol');
SELECT automl.grant_project('alice_proj', 'bob', 'predict');
SELECT error_of($$SELECT automl.grant_project('alice_proj', 'nobody_here', 'predict')$$);
SELECT error_of($$SELECT automl.grant_project('alice_proj', 'bob', 'own')$$);
RESET ROLE;
SET ROLE carol;
SELECT round(automl.predict('alice_proj', ARRAY[10.0])::numeric, 3) AS carol_predicts;
SELECT name FROM automl.projects;
SELECT error_of($$SELECT automl.deploy('alice_proj', 'best_score')$$);
RESET ROLE;

-- 'predict' lets bob predict and read, not manage; 'manage' lets him deploy; revoking
-- takes effect at his next statement (the backend's cache is invalidated).
SET ROLE bob;
SELECT round(automl.predict('alice_proj', ARRAY[10.0])::numeric, 3) AS bob_predicts;
SELECT count(*) AS alice_models_bob_sees FROM automl.models WHERE project = 'alice_proj';
SELECT error_of($$SELECT automl.deploy('alice_proj', 'best_score')$$);
RESET ROLE;
SET ROLE alice;
SELECT automl.grant_project('alice_proj', 'bob', 'manage');
RESET ROLE;
SET ROLE bob;
SELECT automl.deploy('alice_proj', 'best_score') = :alice_model AS bob_deployed;
RESET ROLE;
SET ROLE alice;
SELECT automl.revoke_project('alice_proj', 'bob');
SELECT grantee, privilege FROM automl.project_grants ORDER BY grantee;
RESET ROLE;
SET ROLE bob;
SELECT error_of($$SELECT automl.predict('alice_proj', ARRAY[1.0])$$);
RESET ROLE;

-- Submitter privileges at run time: alice may read shared_pts when she submits, not
-- when the worker runs the job; the worker reads as alice, so the job fails.
SET ROLE alice;
SELECT automl.train('alice_proj', 'shared_pts', 'y', algorithm => 'linear', run_after => now() + interval '2 seconds') AS late_job \gset
RESET ROLE;
REVOKE SELECT ON shared_pts FROM alice;
SET ROLE alice;
SELECT status, regexp_replace(error, '\s+', ' ', 'g') AS error FROM automl.wait(:late_job);
RESET ROLE;
