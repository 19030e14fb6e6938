-- pg_automl 0.1.0 → 0.2.0: the trust boundary (docs/security.md).
--
-- 0.1.0 is released and its install script never changes; everything since is
-- here. A fresh install of 0.2.0 runs the 0.1.0 script and then this one (the
-- build assembles pg_automl--0.2.0.sql from the two), so an upgraded database and
-- a new one are the same by construction. Nothing here drops a user's data.
--
-- What changes:
--  - a tenant's training query runs inside the backend as its submitter, in a
--    security-restricted operation (automl._training_rows), never with the
--    worker's rights;
--  - every SQL function pins search_path; names a caller passes are resolved in the
--    caller's own search_path, once, before the pinned code runs;
--  - the access rules decide for the calling role (C, extension/access_rules.cpp),
--    never for a role passed as an argument;
--  - a deployment names models of its own project only; tenants write models and
--    deployments only through the extension's functions;
--  - per-role job limits, fair claiming between submitters, negative priorities
--    for automl_admin only;
--  - every table of user state is dumped by pg_dump, and a restore's COPY into
--    automl.jobs keeps the rows as they were;
--  - on a hot standby, calls that write say to run them on the primary;
--  - a worker registers again whenever its row is missing.

\echo Use "ALTER EXTENSION pg_automl UPDATE TO '0.2.0'" to load this file. \quit

------------------------------------------------------------------------------
-- Training data: read as the submitter, inside the backend
------------------------------------------------------------------------------

-- The submitter's search_path when the job was queued: its query's names are
-- resolved in it when the worker reads the data, not in the worker's.
ALTER TABLE automl.jobs ADD COLUMN search_path text;

-- Column names and types of a claimed job's relation and the planner's row
-- estimate, planned as its submitter in a security-restricted operation.
CREATE FUNCTION automl._training_shape(job_id bigint, claim_lease bigint,
  OUT column_names text[], OUT column_types oid[], OUT estimated_rows float8)
  AS 'MODULE_PATHNAME', 'automl_training_shape' LANGUAGE C STRICT VOLATILE;

-- The rows (columns as text), run as the submitter in a security-restricted
-- operation whose settings are rolled back; the worker COPYs them out.
CREATE FUNCTION automl._training_rows(job_id bigint, claim_lease bigint, columns text[], row_limit bigint,
                                      fraction float8) RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'automl_training_rows' LANGUAGE C VOLATILE ROWS 100000;

-- A table or view name in the caller's search_path as a qualified name; a query as
-- a temporary view bound now.
CREATE FUNCTION automl._relation_in_caller_path(relation text) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_relation_in_caller_path' LANGUAGE C STRICT VOLATILE;

------------------------------------------------------------------------------
-- Access rules for the caller
------------------------------------------------------------------------------

-- The role-taking rules of 0.1.0 (_sees_all(name), _can(text, text, name),
-- _projects_for(name, text), _can_job(bigint, name), _project_of_model) stay for
-- the worker and the owner; tenants call these, which decide for themselves.
CREATE FUNCTION automl._sees_all() RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_caller_sees_all' LANGUAGE C STABLE;
CREATE FUNCTION automl._can(project text, need text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_caller_can' LANGUAGE C STABLE;
CREATE FUNCTION automl._projects_for(need text) RETURNS text[]
  AS 'MODULE_PATHNAME', 'automl_caller_projects' LANGUAGE C STABLE;
CREATE FUNCTION automl._can_job(job_id bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_caller_can_job' LANGUAGE C STABLE;

-- Whether a model id exists, for 42501 vs 42704 (as _job_exists does for jobs);
-- never which project holds it.
CREATE FUNCTION automl._model_exists(model_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM automl.models m WHERE m.id = model_id);
$$;

-- On a hot standby, a call that writes says so, instead of PostgreSQL's generic
-- "cannot execute … in a read-only transaction" from somewhere inside it.
CREATE FUNCTION automl._require_primary(what text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF pg_catalog.pg_is_in_recovery() THEN
    RAISE EXCEPTION '% writes to the database, and this server is a standby', what
      USING ERRCODE = 'read_only_sql_transaction',
            HINT = 'Run it on the primary. predict, predict_proba, predict_label, explain, tag and export_model work here.';
  END IF;
END
$$;

-- 42704 for an unknown project, 42501 when the caller may not use it at that level.
CREATE FUNCTION automl._require_read(project text, need text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NOT automl._project_exists(project) THEN
    RAISE EXCEPTION 'project "%" does not exist', project USING ERRCODE = 'undefined_object';
  END IF;
  IF NOT automl._can(project, need) THEN
    RAISE EXCEPTION 'permission denied for project "%"', project USING ERRCODE = 'insufficient_privilege',
      DETAIL = format('%s needs "%s" on it: its owner can run automl.grant_project(%L, %L, %L).',
                      current_user, need, project, current_user, need);
  END IF;
END
$$;

-- The same for a call that will change the project ('manage'): on a standby it says
-- that it must run on the primary.
CREATE OR REPLACE FUNCTION automl._require(project text, need text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM automl._require_read(project, need);
  IF need = 'manage' THEN
    PERFORM automl._require_primary(format('changing project "%s"', project));
  END IF;
END
$$;

-- A self-contained document: the model file (preprocessing, estimator, feature schema,
-- format version) plus its catalogue row (metrics, hyper-parameters, provenance).
CREATE OR REPLACE FUNCTION automl.export_model(model_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m automl.models;
BEGIN
  PERFORM automl._require_read(automl._model_project(model_id), 'manage');  -- reads: works on a standby
  SELECT * INTO m FROM automl.models WHERE id = model_id;
  RETURN jsonb_build_object(
    'format', 'pg_automl.export', 'export_version', 1,
    'project', m.project, 'version', m.version, 'algorithm', m.algorithm, 'task', m.task,
    'hyperparams', m.hyperparams, 'metrics', m.metrics, 'feature_names', to_jsonb(m.feature_names),
    'feature_version', m.feature_version, 'target', m.target, 'classes', to_jsonb(m.classes),
    'created_at', m.created_at, 'model', convert_from(m.model, 'UTF8')::jsonb);
END
$$;

-- The status of a job whose row this transaction now locks; 42704 for an unknown id.
CREATE OR REPLACE FUNCTION automl._lock_job(job_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  current_status text;
BEGIN
  PERFORM automl._require_primary('changing a job');
  SELECT status INTO current_status FROM automl.jobs WHERE id = job_id FOR UPDATE;
  IF NOT FOUND THEN
    IF automl._job_exists(job_id) THEN
      RAISE EXCEPTION 'permission denied for job %', job_id USING ERRCODE = 'insufficient_privilege',
        DETAIL = 'Only its submitter, a manager of its project or automl_admin may change it.';
    END IF;
    RAISE EXCEPTION 'job % does not exist', job_id USING ERRCODE = 'undefined_object';
  END IF;
  RETURN current_status;
END
$$;

-- The project of a model the caller may see: 42704 for an unknown id, 42501 for a
-- model of a project the caller may not use (without naming that project).
CREATE OR REPLACE FUNCTION automl._model_project(model_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  found_project text;
BEGIN
  SELECT m.project INTO found_project FROM automl.models m WHERE m.id = _model_project.model_id;
  IF found_project IS NULL THEN
    IF automl._model_exists(model_id) THEN
      RAISE EXCEPTION 'permission denied for model %', model_id USING ERRCODE = 'insufficient_privilege',
        DETAIL = 'It belongs to a project that is not shared with ' || current_user || '.';
    END IF;
    RAISE EXCEPTION 'model % does not exist', model_id USING ERRCODE = 'undefined_object';
  END IF;
  RETURN found_project;
END
$$;

ALTER POLICY staff ON automl.projects USING ((SELECT automl._sees_all())) WITH CHECK ((SELECT automl._sees_all()));
ALTER POLICY staff ON automl.models USING ((SELECT automl._sees_all())) WITH CHECK ((SELECT automl._sees_all()));
ALTER POLICY staff ON automl.deployments USING ((SELECT automl._sees_all())) WITH CHECK ((SELECT automl._sees_all()));
ALTER POLICY staff ON automl.jobs USING ((SELECT automl._sees_all())) WITH CHECK ((SELECT automl._sees_all()));
ALTER POLICY staff ON automl.trials USING ((SELECT automl._sees_all())) WITH CHECK ((SELECT automl._sees_all()));
ALTER POLICY staff ON automl.prediction_log USING ((SELECT automl._sees_all())) WITH CHECK ((SELECT automl._sees_all()));
ALTER POLICY staff ON automl.project_grants USING ((SELECT automl._sees_all())) WITH CHECK ((SELECT automl._sees_all()));
-- A role sees what it owns, too: INSERT … ON CONFLICT (import_model) checks the new
-- row against this policy before the project is in anyone's list.
ALTER POLICY readable ON automl.projects
  USING (name = ANY ((SELECT automl._projects_for('predict'))::text[]) OR automl._member_of(current_user, owner));
ALTER POLICY manage ON automl.projects USING (name = ANY ((SELECT automl._projects_for('manage'))::text[]));
ALTER POLICY readable ON automl.models USING (project = ANY ((SELECT automl._projects_for('predict'))::text[]));
ALTER POLICY manage ON automl.models WITH CHECK (project = ANY ((SELECT automl._projects_for('manage'))::text[]));
ALTER POLICY readable ON automl.deployments USING (project = ANY ((SELECT automl._projects_for('predict'))::text[]));
ALTER POLICY manage ON automl.deployments WITH CHECK (project = ANY ((SELECT automl._projects_for('manage'))::text[]));
ALTER POLICY readable ON automl.prediction_log USING (project = ANY ((SELECT automl._projects_for('predict'))::text[]));
ALTER POLICY own_or_managed ON automl.jobs
  USING (automl._member_of(current_user, created_by) OR project = ANY ((SELECT automl._projects_for('manage'))::text[]));
ALTER POLICY own_or_managed_update ON automl.jobs
  USING (automl._member_of(current_user, created_by) OR project = ANY ((SELECT automl._projects_for('manage'))::text[]));
ALTER POLICY readable ON automl.trials USING (automl._can_job(job_id));
ALTER POLICY readable ON automl.project_grants
  USING (automl._member_of(current_user, grantee) OR project = ANY ((SELECT automl._projects_for('manage'))::text[]));
ALTER POLICY manage ON automl.project_grants WITH CHECK (project = ANY ((SELECT automl._projects_for('manage'))::text[]));
ALTER POLICY manage_update ON automl.project_grants USING (project = ANY ((SELECT automl._projects_for('manage'))::text[]));
ALTER POLICY manage_delete ON automl.project_grants USING (project = ANY ((SELECT automl._projects_for('manage'))::text[]));

------------------------------------------------------------------------------
-- Submitting jobs: names in the submitter's search_path, limits, priorities
------------------------------------------------------------------------------

-- Per-role limits on a submitter's jobs (automl.set_role_limits); no row, no limit.
CREATE TABLE automl.role_limits (
  role        name PRIMARY KEY,
  max_running integer CHECK (max_running >= 0),
  max_queued  integer CHECK (max_queued >= 0),
  set_by      name NOT NULL DEFAULT current_user,
  set_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE automl.role_limits IS 'Per-role limits on running and queued jobs (automl.set_role_limits).';
ALTER TABLE automl.role_limits ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff ON automl.role_limits USING ((SELECT automl._sees_all())) WITH CHECK ((SELECT automl._sees_all()));
CREATE POLICY own ON automl.role_limits FOR SELECT USING (automl._member_of(current_user, role));

-- When each submitter's job was last claimed: claiming serves submitters in turn.
CREATE TABLE automl.submitter_turns (
  role            name PRIMARY KEY,
  last_claimed_at timestamptz NOT NULL
);
COMMENT ON TABLE automl.submitter_turns IS 'Round-robin state of the claim order between submitters.';

-- The advisory-lock space of per-role counting (queued and running limits): apart
-- from the job locks' space, so counting never waits on a running job's lock.
CREATE FUNCTION automl._role_lock_space() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1635085677 $$;  -- 'aumm'

CREATE FUNCTION automl.set_role_limits(role name, max_running integer, max_queued integer)
RETURNS automl.role_limits
LANGUAGE plpgsql AS $$
DECLARE
  updated automl.role_limits;
BEGIN
  IF NOT automl._member_of(current_user, 'automl_admin') THEN
    RAISE EXCEPTION 'permission denied to set role limits' USING ERRCODE = 'insufficient_privilege',
      DETAIL = 'Only automl_admin may.';
  END IF;
  IF role IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = set_role_limits.role) THEN
    RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = 'undefined_object';
  END IF;
  IF max_running < 0 OR max_queued < 0 THEN
    RAISE EXCEPTION 'limits must not be negative (NULL: no limit)' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO automl.role_limits AS l (role, max_running, max_queued)
  VALUES (set_role_limits.role, set_role_limits.max_running, set_role_limits.max_queued)
  ON CONFLICT ON CONSTRAINT role_limits_pkey
  DO UPDATE SET max_running = EXCLUDED.max_running, max_queued = EXCLUDED.max_queued, set_by = current_user,
                set_at = now()
  RETURNING * INTO updated;
  RETURN updated;
END
$$;
COMMENT ON FUNCTION automl.set_role_limits IS 'automl_admin: at most max_running running and max_queued queued jobs of a role (NULL: no limit).';

-- Resolves a training relation in the submitter's search_path: a table or view
-- becomes its schema-qualified name (the worker's search_path is not the
-- submitter's); a query is checked and planned as a subquery. The target must exist.
DROP FUNCTION automl._resolve_training_relation(text, text);
CREATE FUNCTION automl._resolve_training_relation(relation text, target text, caller_search_path text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  rel oid;
  qualified text;
  probe text;
BEGIN
  IF relation ~* '^\s*(select|with|values|table)\s' THEN
    PERFORM automl._check_training_query(relation);
    -- Newlines around the query: a trailing -- comment cannot swallow the parenthesis.
    probe := format(E'SELECT %I FROM (\n%s\n) AS training_query LIMIT 0', target, relation);
    BEGIN
      -- The submitter's own query, as the submitter, in the submitter's search_path.
      PERFORM pg_catalog.set_config('search_path', caller_search_path, true);
      EXECUTE probe;
      PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    EXCEPTION WHEN undefined_column THEN
      RAISE EXCEPTION 'column "%" does not exist in the training query', target
        USING ERRCODE = 'undefined_column', DETAIL = SQLERRM;
    END;
    RETURN relation;
  END IF;
  PERFORM pg_catalog.set_config('search_path', caller_search_path, true);
  rel := pg_catalog.to_regclass(relation);
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  IF rel IS NULL THEN
    RAISE EXCEPTION 'relation "%" does not exist', relation
      USING ERRCODE = 'undefined_table',
            HINT = 'Pass a table or view name (schema-qualified if not on the search_path) or a SELECT statement.';
  END IF;
  SELECT format('%I.%I', n.nspname, c.relname) INTO qualified
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
  IF NOT EXISTS (SELECT 1 FROM pg_attribute
                  WHERE attrelid = rel AND attname = target AND attnum > 0 AND NOT attisdropped) THEN
    RAISE EXCEPTION 'column "%" does not exist in relation "%"', target, qualified
      USING ERRCODE = 'undefined_column';
  END IF;
  IF NOT has_table_privilege(rel, 'SELECT') THEN
    RAISE EXCEPTION 'permission denied for relation "%"', qualified
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = 'A job reads its data with the privileges of the role that submits it.';
  END IF;
  RETURN qualified;
END
$$;

-- Validates and normalises a job about to be queued (the INSERT trigger's work):
-- the spec, the caller's right to the project, the relation in the caller's
-- search_path, priority and the role's queue limit; queue bookkeeping columns are
-- reset so a plain INSERT cannot forge a state.
CREATE FUNCTION automl._prepare_job(job automl.jobs, caller_search_path text) RETURNS automl.jobs
LANGUAGE plpgsql AS $$
DECLARE
  queued_limit integer;
  queued bigint;
BEGIN
  IF job.kind IS NULL THEN
    RAISE EXCEPTION 'job kind must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  job.spec := automl._normalize_job_spec(job.kind, coalesce(job.spec, '{}'));
  IF job.kind = 'train' THEN
    IF job.project IS NULL OR job.project = '' THEN
      RAISE EXCEPTION 'a train job needs a project' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF automl._project_exists(job.project) THEN
      PERFORM automl._require(job.project, 'manage');
    END IF;
    IF job.spec->>'task' <> 'auto' AND EXISTS (
         SELECT 1 FROM automl.projects p WHERE p.name = job.project AND p.task <> job.spec->>'task') THEN
      RAISE EXCEPTION 'project "%" is not a % project', job.project, job.spec->>'task'
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Use another project name for another task.';
    END IF;
    job.spec := jsonb_set(job.spec, '{relation}',
                          to_jsonb(automl._resolve_training_relation(job.spec->>'relation', job.spec->>'target',
                                                                     caller_search_path)));
    IF job.spec->>'relation' !~* '^\s*(select|with|values|table)\s' AND job.spec->>'task' <> 'tagging' THEN
      PERFORM automl._check_feature_columns((job.spec->>'relation')::regclass, job.spec->>'target', job.spec->'preprocess');
    END IF;
  END IF;
  job.priority := coalesce(job.priority, 0);
  IF job.priority < 0 AND NOT automl._member_of(current_user, 'automl_admin') THEN
    RAISE EXCEPTION 'priority % is reserved for automl_admin', job.priority USING ERRCODE = 'insufficient_privilege',
      DETAIL = 'Lower numbers run first; other roles queue at priority 0 or above.';
  END IF;
  -- The role's queue limit; the lock makes concurrent submissions count each other.
  SELECT l.max_queued INTO queued_limit FROM automl.role_limits l WHERE l.role = current_user;
  IF queued_limit IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(automl._role_lock_space(), hashtext(current_user::text));
    SELECT count(*) INTO queued FROM automl.jobs j WHERE j.created_by = current_user AND j.status = 'queued';
    IF queued >= queued_limit THEN
      RAISE EXCEPTION 'role "%" already has % queued job(s), its limit', current_user, queued
        USING ERRCODE = 'program_limit_exceeded',
              HINT = 'Wait for some to run, or ask automl_admin to raise it with automl.set_role_limits.';
    END IF;
  END IF;
  job.search_path := caller_search_path;
  job.status := 'queued';
  job.attempts := 0;
  job.progress := 0;
  job.message := NULL;
  job.error := NULL;
  job.errors := '[]';
  job.result := NULL;
  job.worker := NULL;
  job.heartbeat_at := NULL;
  job.cancel_requested := false;
  job.lease := NULL;
  job.created_by := current_user;
  job.created_at := now();
  job.started_at := NULL;
  job.finished_at := NULL;
  job.run_after := coalesce(job.run_after, now());
  RETURN job;
END
$$;

-- Whether the running statement is a COPY by a superuser or automl_admin: a restore
-- (pg_restore, psql with a plain dump), whose job rows come back as they were.
CREATE FUNCTION automl._loading_verbatim() RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_loading_verbatim' LANGUAGE C STABLE;

-- Every INSERT into automl.jobs passes here. The one function of the extension
-- without a pinned search_path, on purpose: it hands the submitter's search_path to
-- _prepare_job, which resolves the relation in it. Its statements call only
-- schema-qualified functions, so that search_path cannot change what it runs.
CREATE OR REPLACE FUNCTION automl._jobs_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF automl._loading_verbatim() THEN
    RETURN NEW;
  END IF;
  RETURN automl._prepare_job(NEW, pg_catalog.current_setting('search_path'));
END
$$;

-- Not pinned either, so the trigger sees the caller's search_path; every call in
-- it is schema-qualified or grammar.
CREATE OR REPLACE FUNCTION automl.train(
  project       text,
  relation      text,
  target        text,
  task          text     DEFAULT 'auto',
  algorithm     text     DEFAULT 'auto',
  hyperparams   jsonb    DEFAULT '{}',
  search        text     DEFAULT 'none',
  search_params jsonb    DEFAULT '{}',
  metric        text     DEFAULT NULL,
  test_size     float8   DEFAULT 0.25,
  folds         integer  DEFAULT 0,
  time_budget   interval DEFAULT NULL,
  deploy        text     DEFAULT 'if_better',
  priority      integer  DEFAULT 0,
  seed          bigint   DEFAULT 42,
  run_after     timestamptz DEFAULT NULL,
  max_attempts  integer  DEFAULT 3,
  preprocess    jsonb    DEFAULT '{}') RETURNS bigint
LANGUAGE sql AS $$
  SELECT automl._require_primary('automl.train');
  INSERT INTO automl.jobs (kind, project, priority, run_after, max_attempts, spec)
  VALUES ('train', train.project, coalesce(train.priority, 0), coalesce(train.run_after, pg_catalog.now()),
          coalesce(train.max_attempts, 3),
          pg_catalog.jsonb_build_object(
            'relation', train.relation, 'target', train.target, 'task', train.task,
            'algorithm', train.algorithm, 'hyperparams', train.hyperparams,
            'search', train.search, 'search_params', train.search_params,
            'metric', train.metric, 'test_size', train.test_size, 'folds', train.folds,
            'time_budget', extract(epoch FROM train.time_budget), 'deploy', train.deploy,
            'seed', train.seed, 'preprocess', coalesce(train.preprocess, '{}')))
  RETURNING id;
$$;

-- describe: the 0.1.0 body runs pinned on what the caller named, resolved first in
-- the caller's search_path (a query becomes a temporary view).
ALTER FUNCTION automl.describe(text, bigint) RENAME TO _describe;
CREATE FUNCTION automl.describe(relation text, sample_rows bigint DEFAULT 1000000)
RETURNS TABLE (column_name text, type text, rows bigint, nulls bigint, distinct_values bigint,
               mean float8, stddev float8, min text, q1 float8, median float8, q3 float8, max text,
               top_values jsonb, sampled boolean)
LANGUAGE sql AS $$
  SELECT * FROM automl._describe(automl._relation_in_caller_path(describe.relation), describe.sample_rows);
$$;
COMMENT ON FUNCTION automl.describe IS 'Profiles a table, view or SELECT: one row per column (EDA).';

------------------------------------------------------------------------------
-- Claiming: submitters in turn, within their running limits
------------------------------------------------------------------------------

-- Claims the next runnable job: the lowest priority first; among equal priorities
-- the submitter whose turn it is (least recently claimed), then the oldest job, so
-- one submitter's thousand jobs do not keep another's waiting. A submitter at its
-- max_running is passed over. SKIP LOCKED lets many workers claim concurrently
-- without waiting on each other: a locked candidate is passed for the next.
CREATE OR REPLACE FUNCTION automl._claim_job(worker_name text) RETURNS SETOF automl.jobs
LANGUAGE plpgsql AS $$
DECLARE
  candidate record;
  claimed automl.jobs;
BEGIN
  FOR candidate IN
    SELECT q.id, q.created_by, l.max_running
      FROM automl.jobs q
      LEFT JOIN automl.submitter_turns t ON t.role = q.created_by
      LEFT JOIN automl.role_limits l ON l.role = q.created_by
     WHERE q.status = 'queued' AND q.run_after <= now()
       AND (l.max_running IS NULL
            OR (SELECT count(*) FROM automl.jobs r WHERE r.status = 'running' AND r.created_by = q.created_by)
               < l.max_running)
     ORDER BY q.priority, t.last_claimed_at NULLS FIRST, q.id
     LIMIT 64
  LOOP
    IF candidate.max_running IS NOT NULL THEN
      -- Count again under the role's lock: a concurrent claim of the same role has
      -- committed (and is counted) or not started.
      PERFORM pg_advisory_xact_lock(automl._role_lock_space(), hashtext(candidate.created_by::text));
      CONTINUE WHEN (SELECT count(*) FROM automl.jobs r
                      WHERE r.status = 'running' AND r.created_by = candidate.created_by) >= candidate.max_running;
    END IF;
    UPDATE automl.jobs j
       SET status = 'running', attempts = j.attempts + 1, worker = worker_name,
           lease = nextval('automl.job_leases'),
           started_at = now(), heartbeat_at = now(), progress = 0,
           message = 'claimed by ' || worker_name
     WHERE j.id = (SELECT q.id FROM automl.jobs q WHERE q.id = candidate.id AND q.status = 'queued'
                   FOR UPDATE SKIP LOCKED)
    RETURNING j.* INTO claimed;
    IF FOUND THEN
      INSERT INTO automl.submitter_turns AS t (role, last_claimed_at) VALUES (candidate.created_by, clock_timestamp())
      ON CONFLICT (role) DO UPDATE SET last_claimed_at = EXCLUDED.last_claimed_at;
      RETURN NEXT claimed;
      RETURN;
    END IF;
  END LOOP;
END
$$;

------------------------------------------------------------------------------
-- Deployments and models: constraints, whoever writes the row
------------------------------------------------------------------------------

-- Whether every id is a model of the project (not subject to the caller's view).
CREATE FUNCTION automl._models_of_project(project text, model_ids bigint[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT count(DISTINCT m.id) = cardinality(model_ids)
    FROM automl.models m WHERE m.project = _models_of_project.project AND m.id = ANY (model_ids);
$$;

-- A deployment's split arms are models of its project that take the same
-- features, 2 to 8 of them, distinct, with positive weights summing to 1, the
-- first being model_id: what deploy_split writes, enforced for every writer.
CREATE FUNCTION automl._deployments_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
  weights float8[];
BEGIN
  IF NEW.arms IS NULL THEN
    RETURN NEW;
  END IF;
  IF jsonb_typeof(NEW.arms) <> 'array' OR jsonb_array_length(NEW.arms) NOT BETWEEN 2 AND 8
     OR EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.arms) a
                 WHERE jsonb_typeof(a) <> 'object' OR jsonb_typeof(a->'model_id') <> 'number'
                    OR jsonb_typeof(a->'weight') <> 'number' OR (SELECT count(*) FROM jsonb_object_keys(a)) <> 2) THEN
    RAISE EXCEPTION 'deployment arms must be 2 to 8 objects {"model_id": …, "weight": …}'
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT array_agg((a->>'model_id')::bigint ORDER BY i), array_agg((a->>'weight')::float8 ORDER BY i)
    INTO ids, weights FROM jsonb_array_elements(NEW.arms) WITH ORDINALITY x(a, i);
  IF ids[1] IS DISTINCT FROM NEW.model_id OR (SELECT count(DISTINCT id) FROM unnest(ids) id) <> cardinality(ids)
     OR EXISTS (SELECT 1 FROM unnest(weights) w WHERE NOT w > 0 OR w = 'Infinity')
     OR abs((SELECT sum(w) FROM unnest(weights) w) - 1) > 1e-9 THEN
    RAISE EXCEPTION 'deployment arms must be distinct models, the first being model_id, with positive weights summing to 1'
      USING ERRCODE = 'check_violation';
  END IF;
  IF NOT automl._models_of_project(NEW.project, ids) THEN
    RAISE EXCEPTION 'every arm of a deployment of project "%" must be a model of that project', NEW.project
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER deployments_check BEFORE INSERT OR UPDATE ON automl.deployments
  FOR EACH ROW EXECUTE FUNCTION automl._deployments_check();

-- Tenants write models and deployments only through the extension's functions: these
-- C functions check that the calling role manages the project and insert as the
-- extension's owner, recording the caller (extension/registry_writes.cpp).
CREATE FUNCTION automl._insert_deployment(project text, model_id bigint, strategy text, previous_id bigint,
                                          arms jsonb, shadow_model_id bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'automl_insert_deployment' LANGUAGE C VOLATILE;
CREATE FUNCTION automl._insert_model(project text, version integer, model bytea, metrics jsonb, info jsonb)
RETURNS bigint
  AS 'MODULE_PATHNAME', 'automl_insert_model' LANGUAGE C VOLATILE;

-- A new deployment keeps the live shadow unless it now serves (is the model or an
-- arm) or takes other features than the new model; rollback and deploy_shadow say
-- which shadow they want (keep_shadow => false).
CREATE OR REPLACE FUNCTION automl._record_deployment(project text, model_id bigint, strategy text,
                                          previous_id bigint, arms jsonb DEFAULT NULL,
                                          shadow_model_id bigint DEFAULT NULL,
                                          keep_shadow boolean DEFAULT true) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  live_shadow bigint;
BEGIN
  IF keep_shadow THEN
    SELECT d.shadow_model_id INTO live_shadow FROM automl.deployments d
     WHERE d.project = _record_deployment.project ORDER BY d.id DESC LIMIT 1;
    IF live_shadow IS NOT NULL AND live_shadow <> model_id
       AND NOT coalesce(arms @> jsonb_build_array(jsonb_build_object('model_id', live_shadow)), false)
       AND automl._same_features(live_shadow, model_id) THEN
      shadow_model_id := live_shadow;
    ELSIF live_shadow IS NOT NULL THEN
      RAISE NOTICE 'shadow model % no longer runs beside project "%"', live_shadow, project;
    END IF;
  END IF;
  PERFORM automl._insert_deployment(project, model_id, strategy, previous_id, arms, shadow_model_id);
  RETURN model_id;
END
$$;

-- Adds an exported model to a project as its next version (not deployed: use
-- automl.deploy(project, id)). The model file is checked by the serving parser;
-- the catalogue row is derived from it, not taken on trust from the wrapper.
CREATE OR REPLACE FUNCTION automl.import_model(project text, model jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  summary jsonb;
  bytes bytea;
  proj automl.projects;
  new_id bigint;
  new_version integer;
BEGIN
  PERFORM automl._require_primary('automl.import_model');
  IF project IS NULL OR project = '' THEN
    RAISE EXCEPTION 'import_model needs a project name' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF model IS NULL OR jsonb_typeof(model) <> 'object' OR model->>'format' IS DISTINCT FROM 'pg_automl.export'
     OR jsonb_typeof(model->'model') IS DISTINCT FROM 'object' THEN
    RAISE EXCEPTION 'import_model needs a document made by automl.export_model'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Expected an object with "format": "pg_automl.export" and a "model" object.';
  END IF;
  IF automl._project_exists(project) THEN
    PERFORM automl._require(project, 'manage');
  END IF;
  bytes := convert_to((model->'model')::text, 'UTF8');
  BEGIN
    summary := automl._model_summary(bytes);
  EXCEPTION WHEN data_corrupted OR feature_not_supported OR invalid_parameter_value THEN
    RAISE EXCEPTION 'the exported model cannot be imported: %', SQLERRM USING ERRCODE = 'invalid_parameter_value';
  END;
  INSERT INTO automl.projects (name, task, target, metric)
  VALUES (project, summary->>'task', summary->>'target',
          CASE summary->>'task' WHEN 'classification' THEN 'f1' WHEN 'tagging' THEN 'entity_f1' ELSE 'r2' END)
  ON CONFLICT (name) DO NOTHING;
  SELECT * INTO proj FROM automl.projects p WHERE p.name = import_model.project FOR UPDATE;
  IF proj.task <> summary->>'task' THEN
    RAISE EXCEPTION 'project "%" is a % project; the model is a % model', proj.name, proj.task, summary->>'task'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT coalesce(max(m.version), 0) + 1 INTO new_version FROM automl.models m WHERE m.project = proj.name;
  new_id := automl._insert_model(proj.name, new_version, bytes,
          CASE WHEN jsonb_typeof(model->'metrics') = 'object' THEN model->'metrics' ELSE '{}' END,
          jsonb_build_object('imported_from', jsonb_build_object('project', model->'project', 'version', model->'version',
                                                                 'created_at', model->'created_at')));
  RETURN new_id;
END
$$;

------------------------------------------------------------------------------
-- Worker registry
------------------------------------------------------------------------------

-- A worker's heartbeat: refreshes its row, or writes it again when it is missing (a
-- DELETE, a stall past --rescue-after, the extension re-created). Returns whether it
-- had to register again.
CREATE FUNCTION automl._worker_alive(worker_name text, host text, pid integer, concurrency integer,
                                     version text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE automl.workers w SET last_seen = now() WHERE w.id = worker_name;
  IF FOUND THEN
    RETURN false;
  END IF;
  PERFORM automl._register_worker(worker_name, host, pid, concurrency, version);
  RETURN true;
END
$$;

------------------------------------------------------------------------------
-- Backups: pg_dump saves every table of user state, and the sequences
------------------------------------------------------------------------------

-- Without these, pg_dump skips the rows of an extension's tables: a dump and restore
-- lost every project, model, deployment, job, trial and grant. automl.workers is
-- left out: its rows describe processes, which a restore does not bring back.
-- (One call per statement: each updates the extension's catalogue row.)
DO $$
DECLARE
  t regclass;
BEGIN
  FOREACH t IN ARRAY ARRAY['automl.projects', 'automl.jobs', 'automl.models', 'automl.trials', 'automl.deployments',
                           'automl.prediction_log', 'automl.project_grants', 'automl.role_limits',
                           'automl.submitter_turns', 'automl.projects_id_seq', 'automl.jobs_id_seq',
                           'automl.models_id_seq', 'automl.deployments_id_seq', 'automl.job_leases']::regclass[] LOOP
    PERFORM pg_catalog.pg_extension_config_dump(t, '');
  END LOOP;
END
$$;

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

-- Functions are executable by PUBLIC when created: 0.1.0 revoked that from the
-- functions it made; the same for the ones made here, before granting each role
-- what it needs.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA automl FROM PUBLIC;
-- The role-taking rules answer for anyone: the worker and the owner only.
REVOKE EXECUTE ON FUNCTION automl._sees_all(name), automl._can(text, text, name), automl._projects_for(name, text),
  automl._can_job(bigint, name), automl._project_of_model(bigint) FROM automl_reader, automl_user;
GRANT EXECUTE ON FUNCTION automl._sees_all(), automl._can(text, text), automl._projects_for(text),
  automl._can_job(bigint), automl._model_exists(bigint), automl._require_read(text, text),
  automl._require_primary(text) TO automl_reader, automl_worker;
GRANT EXECUTE ON FUNCTION automl._resolve_training_relation(text, text, text), automl._prepare_job(automl.jobs, text),
  automl._relation_in_caller_path(text), automl._describe(text, bigint), automl.describe(text, bigint),
  automl._deployments_check(), automl._models_of_project(text, bigint[]),
  automl._insert_deployment(text, bigint, text, bigint, jsonb, bigint),
  automl._insert_model(text, integer, bytea, jsonb, jsonb)
  TO automl_user;
GRANT EXECUTE ON FUNCTION automl._deployments_check(), automl._insert_deployment(text, bigint, text, bigint, jsonb, bigint),
  automl._models_of_project(text, bigint[]), automl._training_shape(bigint, bigint),
  automl._training_rows(bigint, bigint, text[], bigint, float8) TO automl_worker;
GRANT EXECUTE ON FUNCTION automl.set_role_limits(name, integer, integer) TO automl_admin;
GRANT EXECUTE ON FUNCTION automl._worker_alive(text, text, integer, integer, text) TO automl_worker;
GRANT EXECUTE ON FUNCTION automl._loading_verbatim() TO automl_user;
GRANT EXECUTE ON FUNCTION automl._role_lock_space() TO automl_user, automl_worker;
-- import_model creates the project it imports into.
GRANT USAGE ON SEQUENCE automl.projects_id_seq TO automl_user;
-- Written only through _insert_model and _insert_deployment (and by the worker).
REVOKE INSERT ON automl.models, automl.deployments FROM automl_user;
REVOKE USAGE ON SEQUENCE automl.models_id_seq, automl.deployments_id_seq FROM automl_user;
GRANT SELECT ON automl.role_limits TO automl_reader;
GRANT ALL ON automl.role_limits, automl.submitter_turns TO automl_admin;
GRANT SELECT ON automl.role_limits TO automl_worker;
GRANT SELECT, INSERT, UPDATE ON automl.submitter_turns TO automl_worker;

------------------------------------------------------------------------------
-- search_path: pinned on every SQL function
------------------------------------------------------------------------------

-- Every SQL and PL/pgSQL function resolves names in pg_catalog first and temp last,
-- whatever its caller set. The exceptions, which must see the caller's
-- search_path and call only schema-qualified functions: the jobs INSERT trigger,
-- train and describe. C functions run SQL only through plans prepared under this
-- search_path (extension/pg/spi_plan.hpp), and are not given a SET clause, which
-- would cost every predict call a GUC save and restore.
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace = 'automl'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
              AND p.oid NOT IN ('automl._jobs_before_insert()'::regprocedure,
                                'automl.describe(text, bigint)'::regprocedure)
              AND p.proname <> 'train' LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', f);
  END LOOP;
END
$$;
