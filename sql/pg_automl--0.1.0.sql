-- pg_automl 0.1.0 — install script.
--
-- Everything lives in schema automl. Tables are the system of record: a training job
-- is a row in automl.jobs, a trained model a row in automl.models, and what serves a
-- project is the newest row of automl.deployments. automl-worker (daemon/) talks to
-- the database only through the automl._* functions at the end of this file, so the
-- queue's rules live in one place.

\echo Use "CREATE EXTENSION pg_automl" to load this file. \quit

------------------------------------------------------------------------------
-- Functions implemented in C++ (extension/)
------------------------------------------------------------------------------

-- Validates a job spec and fills in defaults; one parser shared with the worker.
CREATE FUNCTION automl._normalize_job_spec(kind text, spec jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_normalize_job_spec' LANGUAGE C STABLE PARALLEL SAFE;

-- Refuses a training query that is not exactly one read-only SELECT (22023).
CREATE FUNCTION automl._check_training_query(query text) RETURNS void
  AS 'MODULE_PATHNAME', 'automl_check_training_query' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE FUNCTION automl._metric_higher_is_better(metric text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_metric_higher_is_better' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

------------------------------------------------------------------------------
-- Tables
------------------------------------------------------------------------------

CREATE TABLE automl.projects (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (name <> ''),
  task        text NOT NULL CHECK (task IN ('classification', 'regression', 'tagging')),
  target      text NOT NULL,
  metric      text NOT NULL,                  -- decides best_score and if_better
  -- Share of predict calls written to automl.prediction_log (automl.set_logging).
  log_sample_rate float8 NOT NULL DEFAULT 0 CHECK (log_sample_rate BETWEEN 0 AND 1),
  owner       name NOT NULL DEFAULT current_user,
  created_by  name NOT NULL DEFAULT current_user,
  created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE automl.projects IS 'One row per project; created by its first successful training job.';

CREATE TABLE automl.jobs (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL,
  project          text,
  spec             jsonb NOT NULL DEFAULT '{}',
  status           text NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  priority         integer NOT NULL DEFAULT 0,
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
  run_after        timestamptz NOT NULL DEFAULT now(),
  progress         real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  message          text,
  error            text,
  errors           jsonb NOT NULL DEFAULT '[]',  -- one object per failed attempt
  result           jsonb,
  worker           text,
  heartbeat_at     timestamptz,
  cancel_requested boolean NOT NULL DEFAULT false,
  -- Fencing token of the current claim: every claim takes a new one, and a worker can
  -- finish a job only while the job still carries its token (see _lock_claimed_job).
  lease            bigint,
  created_by       name NOT NULL DEFAULT current_user,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz
);
COMMENT ON TABLE automl.jobs IS 'The job queue: insert a row (or call automl.train) and a worker runs it.';
-- Claiming reads only queued rows in (priority, id) order: a partial index keeps that
-- cheap however many finished jobs the table holds.
CREATE INDEX jobs_claim_order ON automl.jobs (priority, id) WHERE status = 'queued';
-- The rescuer scans running jobs by heartbeat; prune_jobs scans finished ones by age.
CREATE INDEX jobs_running_heartbeat ON automl.jobs (heartbeat_at) WHERE status = 'running';
CREATE INDEX jobs_finished_at ON automl.jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE SEQUENCE automl.job_leases;

CREATE TABLE automl.workers (
  id           text PRIMARY KEY,               -- the worker's --name (default host:pid)
  host         text NOT NULL,
  pid          integer NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  last_seen    timestamptz NOT NULL DEFAULT now(),
  concurrency  integer NOT NULL,
  version      text NOT NULL
);
COMMENT ON TABLE automl.workers IS 'Workers that are alive (or died without saying goodbye: see last_seen).';

CREATE TABLE automl.models (
  id             bigserial PRIMARY KEY,
  project        text NOT NULL REFERENCES automl.projects (name) ON UPDATE CASCADE,
  version        integer NOT NULL,
  algorithm      text NOT NULL,
  task           text NOT NULL,
  hyperparams    jsonb NOT NULL,
  metrics        jsonb NOT NULL,
  feature_names  text[] NOT NULL,             -- the input columns, in float8[] order
  -- Hash of the input schema and encoded features: equal versions take the same rows.
  feature_version text,
  target         text NOT NULL,
  classes        text[],                      -- predict_proba's column order
  format_version integer NOT NULL,
  model          bytea NOT NULL,              -- docs/model-format.md
  size_bytes     integer GENERATED ALWAYS AS (octet_length(model)) STORED,
  -- UNIQUE: a job produces at most one model, however often it is retried.
  job_id         bigint UNIQUE REFERENCES automl.jobs (id) ON DELETE SET NULL,
  info           jsonb NOT NULL DEFAULT '{}',
  created_by     name NOT NULL DEFAULT current_user,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project, version),
  UNIQUE (id, project)  -- lets deployments reference (model, project) pairs
);
COMMENT ON TABLE automl.models IS 'One row per trained model; rows never change once written.';

-- One row per configuration a search tried, written with the job's model in its final
-- (fenced) transaction, so a retried job never records its trials twice.
CREATE TABLE automl.trials (
  job_id      bigint NOT NULL REFERENCES automl.jobs (id) ON DELETE CASCADE,
  trial       integer NOT NULL,
  algorithm   text NOT NULL,
  hyperparams jsonb NOT NULL,
  metric      text NOT NULL,
  value       float8,           -- validation metric (mean over folds with folds > 1)
  std         float8,           -- over folds
  seconds     float8 NOT NULL,
  rows        bigint NOT NULL,  -- training rows the trial saw
  status      text NOT NULL CHECK (status IN ('ok', 'failed')),
  error       text,
  PRIMARY KEY (job_id, trial)
);
COMMENT ON TABLE automl.trials IS 'Every configuration a hyper-parameter search tried.';

CREATE TABLE automl.deployments (
  id           bigserial PRIMARY KEY,
  project      text NOT NULL REFERENCES automl.projects (name) ON UPDATE CASCADE,
  model_id     bigint NOT NULL REFERENCES automl.models (id),
  strategy     text NOT NULL,
  -- The deployment a rollback from this one returns to; a stack, so rollback repeats.
  previous_id  bigint REFERENCES automl.deployments (id),
  -- A/B split: [{"model_id": …, "weight": …}, …] with weights summing to 1; NULL: model_id alone.
  arms         jsonb,
  -- Runs beside the serving model(s) on every call, never answers; logged with them.
  shadow_model_id bigint REFERENCES automl.models (id),
  deployed_by  name NOT NULL DEFAULT current_user,
  deployed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX deployments_newest ON automl.deployments (project, id DESC);
-- A deployment's models belong to its project, however the row was written.
ALTER TABLE automl.deployments
  ADD FOREIGN KEY (model_id, project) REFERENCES automl.models (id, project) ON UPDATE CASCADE,
  ADD FOREIGN KEY (shadow_model_id, project) REFERENCES automl.models (id, project) ON UPDATE CASCADE;
COMMENT ON TABLE automl.deployments IS 'Deployment history; the newest row per project serves.';

-- Every backend caches which model serves a project; this trigger tells them all
-- (through a relcache invalidation) when that may have changed.
CREATE FUNCTION automl._deployments_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'automl_deployments_changed' LANGUAGE C;
CREATE TRIGGER deployments_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON automl.deployments
  FOR EACH STATEMENT EXECUTE FUNCTION automl._deployments_changed();
-- A project's log_sample_rate is cached with its deployment.
CREATE TRIGGER projects_changed AFTER UPDATE OR DELETE OR TRUNCATE ON automl.projects
  FOR EACH STATEMENT EXECUTE FUNCTION automl._deployments_changed();

CREATE VIEW automl.deployed_models WITH (security_invoker = true) AS
  SELECT DISTINCT ON (d.project)
         d.project, d.model_id, m.algorithm, m.task, m.metrics, d.strategy, d.deployed_at, d.arms,
         d.shadow_model_id
    FROM automl.deployments d
    JOIN automl.models m ON m.id = d.model_id
   ORDER BY d.project, d.id DESC;
COMMENT ON VIEW automl.deployed_models IS 'What serves each project now.';

-- Written by the background worker "pg_automl prediction logger", never by predict
-- itself (automl.set_logging). Rows of one call share call_id: the serving model's
-- (shadow = false) and the shadow's. arm is the split arm (1-based), NULL without a split.
CREATE TABLE automl.prediction_log (
  logged_at      timestamptz NOT NULL,
  project        text NOT NULL,
  model_id       bigint NOT NULL,
  shadow         boolean NOT NULL,
  arm            integer,
  call_id        bigint NOT NULL,
  function_name  text NOT NULL,      -- predict, predict_label or predict_proba
  features       jsonb NOT NULL,     -- {input name: value}
  prediction     jsonb NOT NULL      -- a number, a label, or {label: probability}
);
CREATE INDEX prediction_log_project_time ON automl.prediction_log (project, logged_at);
CREATE INDEX prediction_log_call ON automl.prediction_log (call_id);
COMMENT ON TABLE automl.prediction_log IS 'Sampled predict calls (automl.set_logging), with shadow outputs.';

------------------------------------------------------------------------------
-- Submitting jobs
------------------------------------------------------------------------------

-- Resolves a training relation to a schema-qualified name (the worker's search_path
-- is not the submitter's) and checks the target column exists. A SELECT statement is
-- checked by planning it as a subquery, which also rejects multiple statements and
-- data-modifying ones.
CREATE FUNCTION automl._resolve_training_relation(relation text, target text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  rel oid;
  qualified text;
BEGIN
  IF relation ~* '^\s*(select|with|values|table)\s' THEN
    PERFORM automl._check_training_query(relation);
    BEGIN
      -- Newlines around the query: a trailing -- comment cannot swallow the parenthesis.
      EXECUTE format(E'SELECT %I FROM (\n%s\n) AS training_query LIMIT 0', target, relation);
    EXCEPTION WHEN undefined_column THEN
      RAISE EXCEPTION 'column "%" does not exist in the training query', target
        USING ERRCODE = 'undefined_column', DETAIL = SQLERRM;
    END;
    RETURN relation;
  END IF;
  rel := to_regclass(relation);
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

-- Refuses at INSERT what the worker would refuse after reading: a column of a type
-- that cannot be a feature (unless preprocess says to skip such columns) and an
-- excluded column that does not exist. Tables and views only: a query's columns are
-- known to the worker.
CREATE FUNCTION automl._check_feature_columns(rel regclass, target text, preprocess jsonb) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
  col record;
  excluded text;
BEGIN
  FOR excluded IN SELECT jsonb_array_elements_text(coalesce(preprocess->'exclude', '[]')) LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = excluded
                      AND a.attnum > 0 AND NOT a.attisdropped) THEN
      RAISE EXCEPTION 'preprocess.exclude names column "%", which % does not have', excluded, rel
        USING ERRCODE = 'undefined_column';
    END IF;
  END LOOP;
  IF coalesce((preprocess->>'skip_unsupported')::boolean, false) THEN
    RETURN;
  END IF;
  -- The same classification as the worker's (daemon/training_data.cpp), through domains.
  FOR col IN SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS typ
               FROM pg_attribute a
               JOIN pg_type t ON t.oid = a.atttypid
               JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
              WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> target
                AND NOT coalesce(preprocess->'exclude', '[]') ? a.attname::text
                AND NOT (b.oid IN (16, 20, 21, 23, 700, 701, 1700, 1082, 1114, 1184)
                         OR b.typtype = 'e' OR b.typcategory = 'S'
                         OR (b.typcategory = 'A' AND b.typelem IN (20, 21, 23, 700, 701, 1700)))
              ORDER BY a.attnum LOOP
    RAISE EXCEPTION 'column "%" has type %, which cannot be a feature', col.name, col.typ
      USING ERRCODE = 'feature_not_supported',
            HINT = format('Leave it out with preprocess => ''{"exclude": ["%s"]}'' or skip such columns with {"skip_unsupported": true}.', col.name);
  END LOOP;
END
$$;

-- Every INSERT into automl.jobs passes here: the spec is validated and normalised,
-- and queue bookkeeping columns are reset so a plain INSERT cannot forge a state.
CREATE FUNCTION automl._jobs_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind IS NULL THEN
    RAISE EXCEPTION 'job kind must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  NEW.spec := automl._normalize_job_spec(NEW.kind, coalesce(NEW.spec, '{}'));
  IF NEW.kind = 'train' THEN
    IF NEW.project IS NULL OR NEW.project = '' THEN
      RAISE EXCEPTION 'a train job needs a project' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF automl._project_exists(NEW.project) THEN
      PERFORM automl._require(NEW.project, 'manage');
    END IF;
    IF NEW.spec->>'task' <> 'auto' AND EXISTS (
         SELECT 1 FROM automl.projects p WHERE p.name = NEW.project AND p.task <> NEW.spec->>'task') THEN
      RAISE EXCEPTION 'project "%" is not a % project', NEW.project, NEW.spec->>'task'
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Use another project name for another task.';
    END IF;
    NEW.spec := jsonb_set(NEW.spec, '{relation}',
                          to_jsonb(automl._resolve_training_relation(NEW.spec->>'relation', NEW.spec->>'target')));
    IF NEW.spec->>'relation' !~* '^\s*(select|with|values|table)\s' AND NEW.spec->>'task' <> 'tagging' THEN
      PERFORM automl._check_feature_columns((NEW.spec->>'relation')::regclass, NEW.spec->>'target', NEW.spec->'preprocess');
    END IF;
  END IF;
  NEW.status := 'queued';
  NEW.attempts := 0;
  NEW.progress := 0;
  NEW.message := NULL;
  NEW.error := NULL;
  NEW.errors := '[]';
  NEW.result := NULL;
  NEW.worker := NULL;
  NEW.heartbeat_at := NULL;
  NEW.cancel_requested := false;
  NEW.lease := NULL;
  NEW.created_by := current_user;
  NEW.created_at := now();
  NEW.started_at := NULL;
  NEW.finished_at := NULL;
  NEW.run_after := coalesce(NEW.run_after, now());
  RETURN NEW;
END
$$;
CREATE TRIGGER jobs_before_insert BEFORE INSERT ON automl.jobs
  FOR EACH ROW EXECUTE FUNCTION automl._jobs_before_insert();

-- Wakes listening workers when the inserting transaction commits. A lost
-- notification costs latency only: workers also poll.
CREATE FUNCTION automl._jobs_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('automl_jobs', NEW.id::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER jobs_notify AFTER INSERT ON automl.jobs
  FOR EACH ROW EXECUTE FUNCTION automl._jobs_notify();

CREATE FUNCTION automl.train(
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
  INSERT INTO automl.jobs (kind, project, priority, run_after, max_attempts, spec)
  VALUES ('train', train.project, coalesce(train.priority, 0), coalesce(train.run_after, now()),
          coalesce(train.max_attempts, 3),
          jsonb_build_object(
            'relation', train.relation, 'target', train.target, 'task', train.task,
            'algorithm', train.algorithm, 'hyperparams', train.hyperparams,
            'search', train.search, 'search_params', train.search_params,
            'metric', train.metric, 'test_size', train.test_size, 'folds', train.folds,
            'time_budget', extract(epoch FROM train.time_budget), 'deploy', train.deploy,
            'seed', train.seed, 'preprocess', coalesce(train.preprocess, '{}')))
  RETURNING id;
$$;
COMMENT ON FUNCTION automl.train IS 'Queues a training job and returns its id; see automl.wait.';

------------------------------------------------------------------------------
-- Following and cancelling jobs
------------------------------------------------------------------------------

-- The advisory lock a worker holds while it runs a job (two-key form: a space of our
-- own, so applications' advisory locks never collide with it). Job ids that differ by
-- a multiple of 2^31-1 share a key; a waiter then only looks again a little later.
CREATE FUNCTION automl._job_lock_space() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1635085676 $$;  -- 'auml'
CREATE FUNCTION automl._job_lock_key(job_id bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (job_id % 2147483647)::integer $$;

CREATE FUNCTION automl.wait(job_id bigint, timeout interval DEFAULT '10 min') RETURNS automl.jobs
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs;
  deadline timestamptz := clock_timestamp() + timeout;
  pause float8 := 0.005;
  old_lock_timeout text;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'automl.wait needs READ COMMITTED isolation'
      USING ERRCODE = 'feature_not_supported',
            DETAIL = 'A repeatable-read snapshot would never see the job finish.';
  END IF;
  LOOP
    SELECT * INTO job FROM automl.jobs j WHERE j.id = wait.job_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'job % does not exist', job_id USING ERRCODE = 'undefined_object';
    END IF;
    IF job.status IN ('succeeded', 'failed', 'cancelled') THEN
      RETURN job;
    END IF;
    -- A job inserted by this very transaction is invisible to workers until commit:
    -- waiting for it would only time out.
    IF job.status = 'queued' AND (SELECT j.xmin FROM automl.jobs j WHERE j.id = wait.job_id)
                                 = xid(pg_current_xact_id_if_assigned()) THEN
      RAISE EXCEPTION 'job % was submitted in this transaction; no worker can see it before COMMIT', job_id
        USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'Commit first, then call automl.wait in the next statement.';
    END IF;
    IF clock_timestamp() >= deadline THEN
      -- 55000, not 57014 (query_canceled): callers' WHEN OTHERS handlers can catch it.
      RAISE EXCEPTION 'timed out waiting for job %', job_id
        USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = format('The job is still %s after %s.', job.status, timeout);
    END IF;
    IF job.status = 'running' THEN
      -- Sleep on the running job's lock rather than polling: its worker releases it
      -- right after the job's final commit. At most 1 s per try, so a worker that
      -- lost its claim but still holds the lock delays a waiter, never strands it.
      old_lock_timeout := current_setting('lock_timeout');
      BEGIN
        PERFORM set_config('lock_timeout', ceil(1000 * least(1.0,
          greatest(extract(epoch FROM deadline - clock_timestamp()), 0.001)))::text || 'ms', true);
        PERFORM pg_advisory_lock_shared(automl._job_lock_space(), automl._job_lock_key(job.id));
        PERFORM pg_advisory_unlock_shared(automl._job_lock_space(), automl._job_lock_key(job.id));
      EXCEPTION WHEN lock_not_available THEN
        NULL;  -- still running: look again
      END;
      PERFORM set_config('lock_timeout', old_lock_timeout, true);
      pause := 0.005;
    ELSE
      PERFORM pg_sleep(pause);
      pause := least(pause * 2, 0.05);
    END IF;
  END LOOP;
END
$$;

-- The status of a job whose row this transaction now locks; 42704 for an unknown id.
CREATE FUNCTION automl._lock_job(job_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  current_status text;
BEGIN
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

CREATE FUNCTION automl.cancel(job_id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  current_status text := automl._lock_job(job_id);
BEGIN
  IF current_status = 'queued' THEN
    UPDATE automl.jobs SET status = 'cancelled', finished_at = now(), message = 'cancelled while queued'
     WHERE id = job_id;
    PERFORM pg_notify('automl_job_done', json_build_object('id', job_id, 'status', 'cancelled')::text);
    RETURN true;
  ELSIF current_status = 'running' THEN
    UPDATE automl.jobs SET cancel_requested = true WHERE id = job_id;
    PERFORM pg_notify('automl_cancel', job_id::text);
    RETURN true;
  END IF;
  RETURN false;
END
$$;

-- Puts a failed or cancelled job back in the queue with a fresh set of attempts; its
-- error history is kept. Returns false for jobs in any other state.
CREATE FUNCTION automl.retry(job_id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  current_status text := automl._lock_job(job_id);
BEGIN
  IF current_status NOT IN ('failed', 'cancelled') THEN
    RETURN false;
  END IF;
  UPDATE automl.jobs
     SET status = 'queued', attempts = 0, run_after = now(), cancel_requested = false, lease = NULL,
         worker = NULL, heartbeat_at = NULL, progress = 0, error = NULL, result = NULL,
         started_at = NULL, finished_at = NULL, message = 'retried by ' || current_user
   WHERE id = job_id;
  PERFORM pg_notify('automl_jobs', job_id::text);
  RETURN true;
END
$$;

-- Deletes finished jobs older than the given age; models keep their rows (job_id
-- becomes NULL). Returns the number of jobs deleted.
CREATE FUNCTION automl.prune_jobs(older_than interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  deleted bigint;
BEGIN
  IF older_than IS NULL OR older_than < interval '0' THEN
    RAISE EXCEPTION 'older_than must be a non-negative interval' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  DELETE FROM automl.jobs
   WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < now() - older_than;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END
$$;

------------------------------------------------------------------------------
-- Deployments
------------------------------------------------------------------------------

-- A new deployment keeps the live shadow unless it now serves (is the model or an
-- arm) or takes other features than the new model; rollback and deploy_shadow say
-- which shadow they want (keep_shadow => false).
CREATE FUNCTION automl._record_deployment(project text, model_id bigint, strategy text,
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
  INSERT INTO automl.deployments (project, model_id, strategy, previous_id, arms, shadow_model_id)
  VALUES (project, model_id, strategy, previous_id, arms, shadow_model_id);
  RETURN model_id;
END
$$;

-- Two models take the same input row (feature_version, or the column list for
-- models that predate it).
CREATE FUNCTION automl._same_features(a bigint, b bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT count(DISTINCT coalesce(m.feature_version, m.feature_names::text)) = 1
    FROM automl.models m WHERE m.id IN (a, b);
$$;

CREATE FUNCTION automl.deploy(project text, strategy text DEFAULT 'best_score') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  proj automl.projects;
  chosen bigint;
  live automl.deployments;
  back automl.deployments;
BEGIN
  PERFORM automl._require(project, 'manage');
  SELECT * INTO proj FROM automl.projects p WHERE p.name = deploy.project FOR UPDATE;
  SELECT * INTO live FROM automl.deployments d WHERE d.project = proj.name ORDER BY d.id DESC LIMIT 1;
  IF strategy = 'best_score' THEN
    SELECT m.id INTO chosen FROM automl.models m
     WHERE m.project = proj.name AND m.metrics ? proj.metric
     ORDER BY CASE WHEN automl._metric_higher_is_better(proj.metric)
                   THEN -(m.metrics->>proj.metric)::float8
                   ELSE (m.metrics->>proj.metric)::float8 END, m.id DESC
     LIMIT 1;
  ELSIF strategy = 'most_recent' THEN
    SELECT max(m.id) INTO chosen FROM automl.models m WHERE m.project = proj.name;
  ELSIF strategy = 'rollback' THEN
    IF live.previous_id IS NULL THEN
      RAISE EXCEPTION 'project "%" has no earlier deployment to roll back to', proj.name
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO back FROM automl.deployments d WHERE d.id = live.previous_id;
    RETURN automl._record_deployment(proj.name, back.model_id, 'rollback', back.previous_id, back.arms,
                                     back.shadow_model_id, keep_shadow => false);
  ELSE
    RAISE EXCEPTION 'unknown deployment strategy "%"', strategy
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Strategies: best_score, most_recent, rollback.';
  END IF;
  IF chosen IS NULL THEN
    RAISE EXCEPTION 'project "%" has no model to deploy', proj.name USING ERRCODE = 'undefined_object';
  END IF;
  RETURN automl._record_deployment(proj.name, chosen, strategy, live.id);
END
$$;

-- A/B split: every predict call picks one of the models by weight — at random, or by
-- a hash of the caller's split_key so one user always meets the same model. All arms
-- must take the same features (feature_version). Returns the first arm's model id.
CREATE FUNCTION automl.deploy_split(project text, model_ids bigint[], weights float8[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  current_id bigint;
  total float8;
  versions integer;
  arms jsonb;
BEGIN
  PERFORM automl._require(project, 'manage');
  PERFORM 1 FROM automl.projects p WHERE p.name = deploy_split.project FOR UPDATE;
  IF model_ids IS NULL OR weights IS NULL OR cardinality(model_ids) < 2 OR cardinality(model_ids) > 8
     OR cardinality(weights) <> cardinality(model_ids) THEN
    RAISE EXCEPTION 'deploy_split needs 2 to 8 model ids and one weight each' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(weights) w WHERE w IS NULL OR NOT w > 0 OR w = 'Infinity')
     OR (SELECT count(DISTINCT id) FROM unnest(model_ids) id) <> cardinality(model_ids) THEN
    RAISE EXCEPTION 'split weights must be positive and finite, and model ids distinct' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(model_ids) AS wanted(model_id) WHERE NOT EXISTS (
               SELECT 1 FROM automl.models m WHERE m.id = wanted.model_id AND m.project = deploy_split.project)) THEN
    RAISE EXCEPTION 'every model of a split must exist and belong to project "%"', project
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT count(DISTINCT coalesce(m.feature_version, m.feature_names::text)) INTO versions
    FROM automl.models m WHERE m.id = ANY (model_ids);
  IF versions > 1 THEN
    RAISE EXCEPTION 'the models of a split must take the same features' USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'Their feature_version differs: a caller could not pass one row to both.';
  END IF;
  SELECT sum(w) INTO total FROM unnest(weights) w;
  SELECT jsonb_agg(jsonb_build_object('model_id', id, 'weight', w / total) ORDER BY ord) INTO arms
    FROM unnest(model_ids, weights) WITH ORDINALITY AS a(id, w, ord);
  SELECT max(d.id) INTO current_id FROM automl.deployments d WHERE d.project = deploy_split.project;
  RETURN automl._record_deployment(project, model_ids[1], 'split', current_id, arms);
END
$$;

CREATE FUNCTION automl.deploy(project text, model_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  owner_project text;
  current_id bigint;
BEGIN
  PERFORM automl._require(project, 'manage');
  PERFORM 1 FROM automl.projects p WHERE p.name = deploy.project FOR UPDATE;
  owner_project := automl._model_project(model_id);
  IF owner_project <> project THEN
    RAISE EXCEPTION 'model % belongs to project "%", not "%"', model_id, owner_project, project
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT max(d.id) INTO current_id FROM automl.deployments d WHERE d.project = deploy.project;
  RETURN automl._record_deployment(project, model_id, 'manual', current_id);
END
$$;

-- Shadow: the model predicts beside what serves on every call, never answers, and
-- its output is logged next to the serving model's for the sampled calls (same
-- call_id in automl.prediction_log). NULL removes the shadow. Returns the model id.
CREATE FUNCTION automl.deploy_shadow(project text, model_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  proj automl.projects;
  live automl.deployments;
  owner_project text;
BEGIN
  PERFORM automl._require(project, 'manage');
  SELECT * INTO proj FROM automl.projects p WHERE p.name = deploy_shadow.project FOR UPDATE;
  SELECT * INTO live FROM automl.deployments d WHERE d.project = proj.name ORDER BY d.id DESC LIMIT 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'project "%" has no deployment to shadow', proj.name USING ERRCODE = 'undefined_object',
      HINT = 'Deploy a model first: automl.deploy(project, model_id).';
  END IF;
  IF model_id IS NOT NULL THEN
    owner_project := automl._model_project(model_id);
    IF owner_project <> proj.name THEN
      RAISE EXCEPTION 'model % belongs to project "%", not "%"', model_id, owner_project, proj.name
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF model_id = live.model_id OR coalesce(live.arms @> jsonb_build_array(jsonb_build_object('model_id', model_id)), false) THEN
      RAISE EXCEPTION 'model % already serves project "%"; a shadow runs beside what serves', model_id, proj.name
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT automl._same_features(model_id, live.model_id) THEN
      RAISE EXCEPTION 'shadow model % takes other features than model %, which serves project "%"',
        model_id, live.model_id, proj.name USING ERRCODE = 'invalid_parameter_value',
        DETAIL = 'Their feature_version differs: a caller could not pass one row to both.';
    END IF;
    IF proj.log_sample_rate = 0 THEN
      RAISE NOTICE 'project "%" logs no predictions, so the shadow''s output is not kept', proj.name
        USING HINT = format('Turn logging on: SELECT automl.set_logging(%L, 0.01);', proj.name);
    END IF;
  END IF;
  PERFORM automl._record_deployment(proj.name, live.model_id, CASE WHEN model_id IS NULL THEN 'unshadow' ELSE 'shadow' END,
                                    live.id, live.arms, model_id, keep_shadow => false);
  RETURN model_id;
END
$$;

-- Logs this share of the project's predict calls (0 turns logging off) into
-- automl.prediction_log, through shared memory and a background worker: needs
-- shared_preload_libraries = 'pg_automl' (see docs/operations.md).
CREATE FUNCTION automl._prediction_log_check() RETURNS void
  AS 'MODULE_PATHNAME', 'automl_prediction_log_check' LANGUAGE C;
CREATE FUNCTION automl.set_logging(project text, sample_rate float8) RETURNS float8
LANGUAGE plpgsql AS $$
BEGIN
  IF sample_rate IS NULL OR NOT sample_rate BETWEEN 0 AND 1 THEN
    RAISE EXCEPTION 'sample_rate must be between 0 and 1, got %', coalesce(sample_rate::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM automl._require(project, 'manage');
  IF sample_rate > 0 THEN
    PERFORM automl._prediction_log_check();
  END IF;
  UPDATE automl.projects p SET log_sample_rate = sample_rate WHERE p.name = set_logging.project;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'project "%" does not exist', project USING ERRCODE = 'undefined_object';
  END IF;
  RETURN sample_rate;
END
$$;

-- Whether this session can log, and the shared queue's counters since server start.
CREATE FUNCTION automl.prediction_log_status(
  OUT available boolean, OUT log_database text, OUT worker_pid integer, OUT queued_bytes bigint,
  OUT capacity_bytes bigint, OUT enqueued bigint, OUT written bigint, OUT dropped bigint)
  AS 'MODULE_PATHNAME', 'automl_prediction_log_status' LANGUAGE C VOLATILE;

-- Deletes log rows older than the interval; returns how many.
CREATE FUNCTION automl.prune_prediction_log(older_than interval) RETURNS bigint
LANGUAGE sql AS $$
  WITH gone AS (DELETE FROM automl.prediction_log l WHERE l.logged_at < now() - older_than RETURNING 1)
  SELECT count(*) FROM gone;
$$;

-- Coefficients of a linear model, read straight from its stored file, in the scaled
-- feature space the model was fitted in (docs/model-format.md).
CREATE FUNCTION automl.coefficients(model_id bigint)
RETURNS TABLE (output integer, feature text, coefficient float8)
LANGUAGE sql STABLE AS $$
  WITH f AS (SELECT convert_from(m.model, 'UTF8')::jsonb AS doc, m.feature_names
               FROM automl.models m WHERE m.id = coefficients.model_id)
  -- Coefficients are per encoded feature (city=oslo, signup.year, …); format version 1
  -- models had one per input column.
  SELECT (o.ord - 1)::integer, coalesce(f.doc->'encoded_features'->>(c.ord::integer - 1), f.feature_names[c.ord]),
         c.value::text::float8
    FROM f, jsonb_array_elements(f.doc->'estimator'->'coef') WITH ORDINALITY AS o(row, ord),
         jsonb_array_elements(o.row) WITH ORDINALITY AS c(value, ord)
  UNION ALL
  SELECT (i.ord - 1)::integer, '(intercept)', i.value::text::float8
    FROM f, jsonb_array_elements(f.doc->'estimator'->'intercept') WITH ORDINALITY AS i(value, ord)
  ORDER BY 1, 2;
$$;

------------------------------------------------------------------------------
-- Inference (C++, inside the backend)
------------------------------------------------------------------------------

CREATE FUNCTION automl.predict(project text, features float8[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_proba(project text, features float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_label(project text, features float8[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label' LANGUAGE C STRICT STABLE PARALLEL SAFE;
-- Named features: a jsonb object, or a table row / composite (columns the model does
-- not take, such as the target or an id, are ignored). Any other number array goes
-- through the anyelement overload positionally, like float8[].
CREATE FUNCTION automl.predict(project text, features jsonb) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict(project text, features anyelement) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_proba(project text, features jsonb) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_proba(project text, features anyelement) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_label(project text, features jsonb) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_label(project text, features anyelement) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
-- With an A/B split, split_key picks the arm by its hash: one key, one model.
CREATE FUNCTION automl.predict(project text, features float8[], split_key text) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict(project text, features jsonb, split_key text) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_label(project text, features jsonb, split_key text) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_proba(project text, features jsonb, split_key text) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STABLE PARALLEL SAFE;

-- Arrays of other number types, positionally like float8[]: without these exact
-- matches, ARRAY[1.5, 2] (numeric[]) would be ambiguous between float8[] and anyelement.
CREATE FUNCTION automl.predict(project text, features numeric[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict(project text, features integer[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict(project text, features bigint[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict(project text, features real[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_proba(project text, features numeric[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_proba(project text, features integer[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_proba(project text, features bigint[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_proba(project text, features real[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_label(project text, features numeric[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_label(project text, features integer[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_label(project text, features bigint[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.predict_label(project text, features real[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;
-- Per-feature contributions to the raw score (coefficient × scaled value for linear
-- models, SHAP values for trees) plus the bias; they add up to raw_score.
CREATE FUNCTION automl.explain(project text, features jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_explain' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.explain(project text, features anyelement) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_explain' LANGUAGE C STRICT STABLE PARALLEL SAFE;
-- Short-text tagging with the project's deployed CRF (task 'tagging'), or with the
-- bundled respirator rules when it has none ("source": "rules"). Tokens: the input
-- split on spaces, like string_to_array(input, ' ') without empty tokens.
CREATE FUNCTION automl.tag(project text, input text) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_tag' LANGUAGE C STRICT STABLE PARALLEL SAFE;
CREATE FUNCTION automl.tag(project text, inputs text[]) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_tag_batch' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE FUNCTION automl.predict_model(model_id bigint, features float8[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_model' LANGUAGE C STRICT STABLE PARALLEL SAFE;

------------------------------------------------------------------------------
-- The worker's interface. Each function is one transaction's worth of work.
------------------------------------------------------------------------------

-- Claims the next runnable job: lowest priority, then oldest. SKIP LOCKED lets many
-- workers claim concurrently without waiting on each other.
CREATE FUNCTION automl._claim_job(worker_name text) RETURNS SETOF automl.jobs
LANGUAGE sql AS $$
  UPDATE automl.jobs j
     SET status = 'running', attempts = j.attempts + 1, worker = worker_name,
         lease = nextval('automl.job_leases'),
         started_at = now(), heartbeat_at = now(), progress = 0,
         message = 'claimed by ' || worker_name
   WHERE j.id = (SELECT q.id FROM automl.jobs q
                  WHERE q.status = 'queued' AND q.run_after <= now()
                  ORDER BY q.priority, q.id
                  FOR UPDATE SKIP LOCKED LIMIT 1)
  RETURNING j.*;
$$;

-- Called by the worker in its claim transaction: a session-level lock that wakes
-- automl.wait when the job ends. The worker drops it after the job's final commit.
CREATE FUNCTION automl._hold_job_lock(job_id bigint) RETURNS boolean
LANGUAGE sql AS $$
  SELECT pg_try_advisory_lock(automl._job_lock_space(), automl._job_lock_key(job_id));
$$;

-- Locks a running job for its final transaction, fenced by the claim's lease: a
-- worker whose claim was lost (the job was rescued, released or re-claimed) cannot
-- finish it, so a job takes effect at most once.
CREATE FUNCTION automl._lock_claimed_job(job_id bigint, claim_lease bigint) RETURNS automl.jobs
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs;
BEGIN
  SELECT * INTO job FROM automl.jobs j WHERE j.id = job_id FOR UPDATE;
  IF NOT FOUND OR job.status <> 'running' OR job.lease IS DISTINCT FROM claim_lease THEN
    RAISE EXCEPTION 'job % is no longer claimed by this worker (lease %)', job_id, claim_lease
      USING ERRCODE = 'lock_not_available';
  END IF;
  RETURN job;
END
$$;

CREATE FUNCTION automl._finish_job(job_id bigint, new_status text, result jsonb, message text)
RETURNS void
LANGUAGE sql AS $$
  UPDATE automl.jobs SET status = new_status, result = _finish_job.result, message = _finish_job.message,
         progress = CASE WHEN new_status = 'succeeded' THEN 1 ELSE progress END,
         finished_at = now(), heartbeat_at = now()
   WHERE id = job_id;
  SELECT pg_notify('automl_job_done', json_build_object('id', job_id, 'status', new_status)::text);
$$;

CREATE FUNCTION automl._succeed_job(job_id bigint, claim_lease bigint, result jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs := automl._lock_claimed_job(job_id, claim_lease);
BEGIN
  IF job.cancel_requested THEN
    PERFORM automl._finish_job(job_id, 'cancelled', NULL, 'cancelled while running');
    RETURN 'cancelled';
  END IF;
  PERFORM automl._finish_job(job_id, 'succeeded', result, 'done');
  RETURN 'succeeded';
END
$$;

-- Records a failed attempt. Retryable failures go back to the queue with exponential
-- backoff and jitter until max_attempts; the rest fail at once.
CREATE FUNCTION automl._fail_job(job_id bigint, claim_lease bigint, error_text text, retryable boolean)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs := automl._lock_claimed_job(job_id, claim_lease);
  entry jsonb := jsonb_build_object('attempt', job.attempts, 'worker', job.worker, 'at', now(), 'error', error_text);
BEGIN
  UPDATE automl.jobs SET errors = errors || entry, error = error_text WHERE id = job_id;
  IF job.cancel_requested THEN
    PERFORM automl._finish_job(job_id, 'cancelled', NULL, 'cancelled while running');
    RETURN 'cancelled';
  END IF;
  IF retryable AND job.attempts < job.max_attempts THEN
    UPDATE automl.jobs
       SET status = 'queued', worker = NULL, heartbeat_at = NULL, lease = NULL,
           run_after = now() + make_interval(secs => power(2, job.attempts) * (0.75 + random() / 2)),
           message = format('attempt %s failed; retrying', job.attempts)
     WHERE id = job_id;
    RETURN 'queued';
  END IF;
  PERFORM automl._finish_job(job_id, 'failed', NULL, format('failed after %s attempt(s)', job.attempts));
  RETURN 'failed';
END
$$;

-- Stores a trained model and completes its job in one transaction, so a job's effect
-- (the model row, its deployment) exists exactly when the job is 'succeeded'.
CREATE FUNCTION automl._complete_train_job(
  job_id bigint, claim_lease bigint, algorithm text, task text, hyperparams jsonb, metrics jsonb,
  feature_names text[], target text, classes text[], format_version integer, model bytea,
  info jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs := automl._lock_claimed_job(job_id, claim_lease);
  proj automl.projects;
  new_id bigint;
  new_version integer;
  policy text := job.spec->>'deploy';
  metric text;
  live_metrics jsonb;
  deployed boolean := false;
BEGIN
  IF job.cancel_requested THEN
    PERFORM automl._finish_job(job_id, 'cancelled', NULL, 'cancelled while running');
    RETURN NULL;
  END IF;
  INSERT INTO automl.projects (name, task, target, metric, owner, created_by)
  VALUES (job.project, task, target,
          coalesce(job.spec->>'metric', CASE task WHEN 'classification' THEN 'f1' WHEN 'tagging' THEN 'entity_f1' ELSE 'r2' END),
          job.created_by, job.created_by)
  ON CONFLICT (name) DO NOTHING;
  SELECT * INTO proj FROM automl.projects p WHERE p.name = job.project FOR UPDATE;
  IF NOT automl._can(proj.name, 'manage', job.created_by) THEN
    RAISE EXCEPTION 'permission denied for project "%"', proj.name USING ERRCODE = 'insufficient_privilege',
      DETAIL = format('It belongs to %s, who has not granted "manage" to %s.', proj.owner, job.created_by);
  END IF;
  IF proj.task <> task THEN
    RAISE EXCEPTION 'project "%" is a % project; this job trained a % model', proj.name, proj.task, task
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Use another project name for another task.';
  END IF;
  SELECT coalesce(max(m.version), 0) + 1 INTO new_version FROM automl.models m WHERE m.project = proj.name;
  INSERT INTO automl.trials (job_id, trial, algorithm, hyperparams, metric, value, std, seconds, rows, status, error)
  SELECT _complete_train_job.job_id, (t->>'trial')::int, t->>'algorithm', t->'hyperparams', info->'search'->>'metric',
         (t->>'value')::float8, (t->>'std')::float8, (t->>'seconds')::float8, (t->>'rows')::bigint, t->>'status',
         t->>'error'
    FROM jsonb_array_elements(coalesce(info->'trials', '[]')) t;
  info := info - 'trials';  -- kept once, in automl.trials
  INSERT INTO automl.models (project, version, algorithm, task, hyperparams, metrics, feature_names,
                             feature_version, target, classes, format_version, model, job_id, info, created_by)
  VALUES (proj.name, new_version, algorithm, task, hyperparams, metrics, feature_names, info->>'feature_version',
          target, classes, format_version, model, job_id, info, job.created_by)
  RETURNING id INTO new_id;

  metric := coalesce(job.spec->>'metric', proj.metric);
  SELECT dm.metrics INTO live_metrics FROM automl.deployed_models dm WHERE dm.project = proj.name;
  deployed := policy = 'always'
    OR (policy = 'if_better' AND (live_metrics IS NULL OR NOT live_metrics ? metric
        OR CASE WHEN automl._metric_higher_is_better(metric)
                THEN (metrics->>metric)::float8 > (live_metrics->>metric)::float8
                ELSE (metrics->>metric)::float8 < (live_metrics->>metric)::float8 END));
  IF deployed THEN
    PERFORM automl._record_deployment(proj.name, new_id, 'job:' || policy,
              (SELECT max(d.id) FROM automl.deployments d WHERE d.project = proj.name));
  END IF;
  PERFORM automl._finish_job(job_id, 'succeeded',
    info || jsonb_build_object('model_id', new_id, 'version', new_version, 'metrics', metrics,
                               'metric', metric, 'deployed', deployed),
    format('trained %s model %s (version %s)%s', algorithm, new_id, new_version,
           CASE WHEN deployed THEN ', deployed' ELSE '' END));
  RETURN new_id;
END
$$;

CREATE FUNCTION automl._heartbeat(job_id bigint, claim_lease bigint, progress real, message text)
RETURNS boolean
LANGUAGE sql AS $$
  UPDATE automl.jobs j SET heartbeat_at = now(),
         progress = coalesce(_heartbeat.progress, j.progress),
         message = coalesce(_heartbeat.message, j.message)
   WHERE j.id = job_id AND j.lease = claim_lease AND j.status = 'running'
  RETURNING NOT j.cancel_requested;
$$;

-- Hands a running job back to the queue without counting the attempt: the worker is
-- shutting down and the job did nothing wrong.
CREATE FUNCTION automl._release_job(job_id bigint, claim_lease bigint, reason text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs := automl._lock_claimed_job(job_id, claim_lease);
BEGIN
  IF job.cancel_requested THEN
    PERFORM automl._finish_job(job_id, 'cancelled', NULL, 'cancelled while running');
    RETURN 'cancelled';
  END IF;
  UPDATE automl.jobs
     SET status = 'queued', attempts = greatest(attempts - 1, 0), worker = NULL, lease = NULL,
         heartbeat_at = NULL, progress = 0, run_after = now(), message = reason
   WHERE id = job_id;
  PERFORM pg_notify('automl_jobs', job_id::text);
  RETURN 'queued';
END
$$;

-- Returns running jobs whose worker stopped heartbeating (killed, machine lost,
-- partitioned) to the queue, or fails them when out of attempts. The lease fence
-- keeps a worker that is merely slow from finishing a job it no longer owns.
CREATE FUNCTION automl._rescue_stale_jobs(stale_after interval) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs;
  rescued integer := 0;
  reason text;
BEGIN
  FOR job IN SELECT * FROM automl.jobs
              WHERE status = 'running' AND heartbeat_at < now() - stale_after
              FOR UPDATE SKIP LOCKED LOOP
    reason := format('worker %s stopped heartbeating', job.worker);
    UPDATE automl.jobs
       SET errors = errors || jsonb_build_object('attempt', job.attempts, 'worker', job.worker,
                                                 'at', now(), 'error', reason),
           error = reason
     WHERE id = job.id;
    IF job.cancel_requested THEN
      PERFORM automl._finish_job(job.id, 'cancelled', NULL, 'cancelled; its worker stopped');
    ELSIF job.attempts < job.max_attempts THEN
      UPDATE automl.jobs
         SET status = 'queued', worker = NULL, lease = NULL, heartbeat_at = NULL, progress = 0,
             run_after = now(), message = 'rescued: ' || reason
       WHERE id = job.id;
      PERFORM pg_notify('automl_jobs', job.id::text);
    ELSE
      PERFORM automl._finish_job(job.id, 'failed', NULL, format('failed after %s attempt(s)', job.attempts));
    END IF;
    rescued := rescued + 1;
  END LOOP;
  DELETE FROM automl.workers WHERE last_seen < now() - stale_after;
  RETURN rescued;
END
$$;

CREATE FUNCTION automl._register_worker(worker_name text, host text, pid integer, concurrency integer,
                                        version text) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO automl.workers (id, host, pid, concurrency, version)
  VALUES (worker_name, host, pid, concurrency, version)
  ON CONFLICT (id) DO UPDATE
     SET host = EXCLUDED.host, pid = EXCLUDED.pid, concurrency = EXCLUDED.concurrency,
         version = EXCLUDED.version, started_at = now(), last_seen = now();
$$;

CREATE FUNCTION automl._worker_seen(worker_name text) RETURNS void
LANGUAGE sql AS $$
  UPDATE automl.workers SET last_seen = now() WHERE id = worker_name;
$$;

CREATE FUNCTION automl._unregister_worker(worker_name text) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM automl.workers WHERE id = worker_name;
$$;

------------------------------------------------------------------------------
-- Export and import
------------------------------------------------------------------------------

CREATE FUNCTION automl._model_summary(model bytea) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_model_summary' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- A self-contained document: the model file (preprocessing, estimator, feature schema,
-- format version) plus its catalogue row (metrics, hyper-parameters, provenance).
CREATE FUNCTION automl.export_model(model_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m automl.models;
BEGIN
  PERFORM automl._require(automl._model_project(model_id), 'manage');
  SELECT * INTO m FROM automl.models WHERE id = model_id;
  RETURN jsonb_build_object(
    'format', 'pg_automl.export', 'export_version', 1,
    'project', m.project, 'version', m.version, 'algorithm', m.algorithm, 'task', m.task,
    'hyperparams', m.hyperparams, 'metrics', m.metrics, 'feature_names', to_jsonb(m.feature_names),
    'feature_version', m.feature_version, 'target', m.target, 'classes', to_jsonb(m.classes),
    'created_at', m.created_at, 'model', convert_from(m.model, 'UTF8')::jsonb);
END
$$;

-- Adds an exported model to a project as its next version (not deployed: use
-- automl.deploy(project, id)). The model file is checked by the serving parser;
-- the catalogue row is derived from it, not taken on trust from the wrapper.
CREATE FUNCTION automl.import_model(project text, model jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  summary jsonb;
  bytes bytea;
  proj automl.projects;
  new_id bigint;
  new_version integer;
BEGIN
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
  INSERT INTO automl.models (project, version, algorithm, task, hyperparams, metrics, feature_names, feature_version,
                             target, classes, format_version, model, info)
  VALUES (proj.name, new_version, summary->>'algorithm', summary->>'task', summary->'hyperparams',
          CASE WHEN jsonb_typeof(model->'metrics') = 'object' THEN model->'metrics' ELSE '{}' END,
          ARRAY(SELECT jsonb_array_elements_text(summary->'feature_names')), summary->>'feature_version',
          summary->>'target',
          CASE WHEN jsonb_typeof(summary->'classes') = 'array'
               THEN ARRAY(SELECT jsonb_array_elements_text(summary->'classes')) END,
          (model->'model'->>'format_version')::integer, bytes,
          jsonb_build_object('imported_from', jsonb_build_object('project', model->'project', 'version', model->'version',
                                                                 'created_at', model->'created_at')))
  RETURNING id INTO new_id;
  RETURN new_id;
END
$$;

------------------------------------------------------------------------------
-- Data profiling
------------------------------------------------------------------------------

-- One row per column of a table, view or SELECT statement: counts, moments,
-- extremes, quartiles and top values. Counts, nulls, mean, stddev, min and max are
-- exact (one scan of the whole relation). Distinct counts, quartiles and top values
-- come from a random sample of about sample_rows rows when the relation is larger;
-- `sampled` says so. Runs with the caller's privileges.
CREATE FUNCTION automl.describe(relation text, sample_rows bigint DEFAULT 1000000)
RETURNS TABLE (column_name text, type text, rows bigint, nulls bigint, distinct_values bigint,
               mean float8, stddev float8, min text, q1 float8, median float8, q3 float8, max text,
               top_values jsonb, sampled boolean)
LANGUAGE plpgsql AS $$
DECLARE
  is_query boolean := relation ~* '^\s*(select|with|values|table)\s';
  source text;
  view_name text := 'automl_describe_' || pg_backend_pid();
  col record;
  names text[] := '{}';
  types text[] := '{}';
  categories text[] := '{}';
  exprs text[] := '{}';
  exact jsonb[];
  total bigint;
  fraction float8;
  stats jsonb;
  numeric_types constant text[] := ARRAY['smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric'];
  orderable boolean;
  is_number boolean;
BEGIN
  IF relation IS NULL OR sample_rows IS NULL OR sample_rows < 1 THEN
    RAISE EXCEPTION 'describe needs a relation and a positive sample_rows' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF is_query THEN
    PERFORM automl._check_training_query(relation);
    -- A temporary view gives the query's columns their names and types.
    EXECUTE format(E'CREATE TEMP VIEW %I AS\n%s\n', view_name, relation);
    source := format('pg_temp.%I', view_name);
  ELSE
    IF to_regclass(relation) IS NULL THEN
      RAISE EXCEPTION 'relation "%" does not exist', relation USING ERRCODE = 'undefined_table';
    END IF;
    source := to_regclass(relation)::text;
  END IF;
  FOR col IN SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS typ,
                    t.typcategory AS category, a.attnum
               FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
              WHERE a.attrelid = source::regclass AND a.attnum > 0 AND NOT a.attisdropped
              ORDER BY a.attnum LOOP
    names := names || col.name;
    types := types || col.typ;
    categories := categories || col.category::text;
    is_number := col.category = 'N';
    orderable := col.category IN ('N', 'S', 'D', 'E', 'B', 'T', 'V');  -- numbers, strings, dates, enums, booleans
    exprs := exprs || format('jsonb_build_array(count(%1$I), %2$s, %3$s, %4$s, %5$s)', col.name,
      CASE WHEN is_number THEN format('avg(%I)::float8', col.name)
           WHEN col.category = 'B' THEN format('avg(%I::int)::float8', col.name) ELSE 'NULL' END,
      CASE WHEN is_number THEN format('stddev_samp(%I)::float8', col.name) ELSE 'NULL' END,
      CASE WHEN col.category = 'B' THEN format('bool_and(%I)::text', col.name)
           WHEN orderable THEN format('min(%I)::text', col.name) ELSE 'NULL' END,
      CASE WHEN col.category = 'B' THEN format('bool_or(%I)::text', col.name)
           WHEN orderable THEN format('max(%I)::text', col.name) ELSE 'NULL' END);
  END LOOP;
  IF cardinality(names) = 0 THEN
    RAISE EXCEPTION 'relation "%" has no columns', relation USING ERRCODE = 'invalid_parameter_value';
  END IF;

  EXECUTE format('SELECT count(*), ARRAY[%s] FROM %s', array_to_string(exprs, ', '), source) INTO total, exact;
  fraction := least(1.0, sample_rows::float8 / greatest(total, 1));
  -- Tables are sampled by pages (reads only the sampled pages); queries row by row.
  EXECUTE format('CREATE TEMP TABLE %I ON COMMIT DROP AS SELECT * FROM %s %s', view_name || '_sample', source,
                 CASE WHEN fraction >= 1 THEN ''
                      WHEN is_query THEN format('WHERE random() < %s', fraction)
                      ELSE format('TABLESAMPLE SYSTEM (%s)', fraction * 100) END);

  FOR i IN 1 .. cardinality(names) LOOP
    EXECUTE format(
      'SELECT jsonb_build_object(''distinct'', (SELECT count(DISTINCT %1$I) FROM pg_temp.%2$I),'
      ' ''quartiles'', %3$s,'
      ' ''top'', (SELECT coalesce(jsonb_agg(jsonb_build_object(''value'', v, ''count'', n) ORDER BY n DESC, v), ''[]'')'
      '           FROM (SELECT %1$I::text AS v, count(*) AS n FROM pg_temp.%2$I WHERE %1$I IS NOT NULL'
      '                  GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5) top))',
      names[i], view_name || '_sample',
      CASE WHEN categories[i] = 'N' THEN format(
        '(SELECT to_jsonb(percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY %1$I::float8)) FROM pg_temp.%2$I)',
        names[i], view_name || '_sample') ELSE 'NULL' END)
    INTO stats;
    column_name := names[i];
    type := types[i];
    rows := total;
    nulls := total - (exact[i]->>0)::bigint;
    mean := (exact[i]->>1)::float8;
    stddev := (exact[i]->>2)::float8;
    min := exact[i]->>3;
    max := exact[i]->>4;
    distinct_values := (stats->>'distinct')::bigint;
    q1 := (stats->'quartiles'->>0)::float8;
    median := (stats->'quartiles'->>1)::float8;
    q3 := (stats->'quartiles'->>2)::float8;
    top_values := stats->'top';
    sampled := fraction < 1;
    RETURN NEXT;
  END LOOP;
  EXECUTE format('DROP TABLE pg_temp.%I', view_name || '_sample');
  IF is_query THEN
    EXECUTE format('DROP VIEW pg_temp.%I', view_name);
  END IF;
END
$$;
COMMENT ON FUNCTION automl.describe IS 'Profiles a table, view or SELECT: one row per column (EDA).';

------------------------------------------------------------------------------
-- Tenancy: roles, project ownership and sharing, row-level security (docs/security.md)
------------------------------------------------------------------------------

-- Cluster-wide roles, created once; CREATE EXTENSION in another database reuses them.
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['automl_reader', 'automl_user', 'automl_admin', 'automl_worker'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
END
$$;
GRANT automl_reader TO automl_user;
GRANT automl_user TO automl_admin;

-- A project belongs to its owner; the owner (or a manager) shares it.
CREATE TABLE automl.project_grants (
  project    text NOT NULL REFERENCES automl.projects (name) ON UPDATE CASCADE ON DELETE CASCADE,
  grantee    name NOT NULL,
  privilege  text NOT NULL CHECK (privilege IN ('predict', 'manage')),
  granted_by name NOT NULL DEFAULT current_user,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project, grantee)
);
COMMENT ON TABLE automl.project_grants IS 'Who else may use a project: predict (and read), or manage (train, deploy, export, share).';
-- Grants change what predict may serve to whom: drop the backends' cached answers.
CREATE TRIGGER project_grants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON automl.project_grants
  FOR EACH STATEMENT EXECUTE FUNCTION automl._deployments_changed();

-- Membership that tolerates a dropped role (a project's owner, a job's submitter):
-- pg_has_role would raise, and a raising policy would lock everyone out.
CREATE FUNCTION automl._member_of(who name, role name) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = role)
              THEN pg_catalog.pg_has_role(who, role, 'member') ELSE false END;
$$;

-- The access rules, in one place. SECURITY DEFINER so the policies can consult
-- projects and grants without recursing into their own policies; `who` is always
-- the caller's current_user, passed from the (invoker's) policy or function.
CREATE FUNCTION automl._sees_all(who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT automl._member_of(who, 'automl_admin') OR automl._member_of(who, 'automl_worker');
$$;

CREATE FUNCTION automl._can(project text, need text, who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT automl._sees_all(who)
      OR EXISTS (SELECT 1 FROM automl.projects p WHERE p.name = _can.project AND automl._member_of(who, p.owner))
      OR EXISTS (SELECT 1 FROM automl.project_grants g
                  WHERE g.project = _can.project AND automl._member_of(who, g.grantee)
                    AND (g.privilege = 'manage' OR _can.need = 'predict'));
$$;

-- Every project `who` may use at `need` level; policies compare against it once per query.
CREATE FUNCTION automl._projects_for(who name, need text) RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce(array_agg(p.name), '{}') FROM automl.projects p WHERE automl._can(p.name, need, who);
$$;

CREATE FUNCTION automl._project_exists(project text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM automl.projects p WHERE p.name = project);
$$;

CREATE FUNCTION automl._job_exists(job_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM automl.jobs j WHERE j.id = job_id);
$$;

CREATE FUNCTION automl._can_job(job_id bigint, who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM automl.jobs j WHERE j.id = job_id
                    AND (automl._member_of(who, j.created_by) OR automl._can(j.project, 'manage', who)));
$$;

-- 42704 for an unknown project, 42501 when the caller may not use it at that level.
CREATE FUNCTION automl._require(project text, need text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NOT automl._project_exists(project) THEN
    RAISE EXCEPTION 'project "%" does not exist', project USING ERRCODE = 'undefined_object';
  END IF;
  IF NOT automl._can(project, need, current_user) THEN
    RAISE EXCEPTION 'permission denied for project "%"', project USING ERRCODE = 'insufficient_privilege',
      DETAIL = format('%s needs "%s" on it: its owner can run automl.grant_project(%L, %L, %L).',
                      current_user, need, project, current_user, need);
  END IF;
END
$$;

-- The project of a model, or NULL for an unknown id (whoever asks).
CREATE FUNCTION automl._project_of_model(model_id bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT m.project FROM automl.models m WHERE m.id = model_id;
$$;

-- The same for the caller: 42704 for an unknown id, 42501 when it may not see the project.
CREATE FUNCTION automl._model_project(model_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  found_project text := automl._project_of_model(model_id);
BEGIN
  IF found_project IS NULL THEN
    RAISE EXCEPTION 'model % does not exist', model_id USING ERRCODE = 'undefined_object';
  END IF;
  PERFORM automl._require(found_project, 'predict');
  RETURN found_project;
END
$$;

-- Shares a project: 'predict' (predict, read metrics and logs) or 'manage' (also
-- train, deploy, export, share). Needs 'manage' on the project. Returns the privilege.
CREATE FUNCTION automl.grant_project(project text, grantee name, privilege text DEFAULT 'predict') RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM automl._require(project, 'manage');
  IF privilege IS NULL OR privilege NOT IN ('predict', 'manage') THEN
    RAISE EXCEPTION 'privilege must be ''predict'' or ''manage'', got %', coalesce(quote_literal(privilege), 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF grantee IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = grantee) THEN
    RAISE EXCEPTION 'role "%" does not exist', grantee USING ERRCODE = 'undefined_object';
  END IF;
  INSERT INTO automl.project_grants AS g (project, grantee, privilege) VALUES (project, grantee, privilege)
  ON CONFLICT ON CONSTRAINT project_grants_pkey
  DO UPDATE SET privilege = EXCLUDED.privilege, granted_by = current_user, granted_at = now();
  RETURN privilege;
END
$$;

CREATE FUNCTION automl.revoke_project(project text, grantee name) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM automl._require(project, 'manage');
  DELETE FROM automl.project_grants g WHERE g.project = revoke_project.project AND g.grantee = revoke_project.grantee;
  RETURN FOUND;
END
$$;

-- Row-level security: a role sees the projects it owns (or is a member of the owner
-- of) and those shared with it; automl_admin and automl_worker see everything. The
-- scalar subqueries make each policy evaluate its project list once per query.
ALTER TABLE automl.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.models ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.deployments ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.trials ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.prediction_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.project_grants ENABLE ROW LEVEL SECURITY;

CREATE POLICY staff ON automl.projects USING ((SELECT automl._sees_all(current_user))) WITH CHECK ((SELECT automl._sees_all(current_user)));
CREATE POLICY staff ON automl.models USING ((SELECT automl._sees_all(current_user))) WITH CHECK ((SELECT automl._sees_all(current_user)));
CREATE POLICY staff ON automl.deployments USING ((SELECT automl._sees_all(current_user))) WITH CHECK ((SELECT automl._sees_all(current_user)));
CREATE POLICY staff ON automl.jobs USING ((SELECT automl._sees_all(current_user))) WITH CHECK ((SELECT automl._sees_all(current_user)));
CREATE POLICY staff ON automl.trials USING ((SELECT automl._sees_all(current_user))) WITH CHECK ((SELECT automl._sees_all(current_user)));
CREATE POLICY staff ON automl.prediction_log USING ((SELECT automl._sees_all(current_user))) WITH CHECK ((SELECT automl._sees_all(current_user)));
CREATE POLICY staff ON automl.project_grants USING ((SELECT automl._sees_all(current_user))) WITH CHECK ((SELECT automl._sees_all(current_user)));

CREATE POLICY readable ON automl.projects FOR SELECT
  USING (name = ANY ((SELECT automl._projects_for(current_user, 'predict'))::text[]));
CREATE POLICY create_own ON automl.projects FOR INSERT WITH CHECK (automl._member_of(current_user, owner));
CREATE POLICY manage ON automl.projects FOR UPDATE
  USING (name = ANY ((SELECT automl._projects_for(current_user, 'manage'))::text[]));
CREATE POLICY readable ON automl.models FOR SELECT
  USING (project = ANY ((SELECT automl._projects_for(current_user, 'predict'))::text[]));
CREATE POLICY manage ON automl.models FOR INSERT
  WITH CHECK (project = ANY ((SELECT automl._projects_for(current_user, 'manage'))::text[]));
CREATE POLICY readable ON automl.deployments FOR SELECT
  USING (project = ANY ((SELECT automl._projects_for(current_user, 'predict'))::text[]));
CREATE POLICY manage ON automl.deployments FOR INSERT
  WITH CHECK (project = ANY ((SELECT automl._projects_for(current_user, 'manage'))::text[]));
CREATE POLICY readable ON automl.prediction_log FOR SELECT
  USING (project = ANY ((SELECT automl._projects_for(current_user, 'predict'))::text[]));
CREATE POLICY own_or_managed ON automl.jobs FOR SELECT
  USING (automl._member_of(current_user, created_by) OR project = ANY ((SELECT automl._projects_for(current_user, 'manage'))::text[]));
CREATE POLICY own_or_managed_update ON automl.jobs FOR UPDATE
  USING (automl._member_of(current_user, created_by) OR project = ANY ((SELECT automl._projects_for(current_user, 'manage'))::text[]));
-- The INSERT trigger sets created_by and refuses someone else's project with 42501.
CREATE POLICY submit ON automl.jobs FOR INSERT WITH CHECK (automl._member_of(current_user, created_by));
CREATE POLICY readable ON automl.trials FOR SELECT USING (automl._can_job(job_id, current_user));
CREATE POLICY readable ON automl.project_grants FOR SELECT
  USING (automl._member_of(current_user, grantee) OR project = ANY ((SELECT automl._projects_for(current_user, 'manage'))::text[]));
CREATE POLICY manage ON automl.project_grants FOR INSERT
  WITH CHECK (project = ANY ((SELECT automl._projects_for(current_user, 'manage'))::text[]));
CREATE POLICY manage_update ON automl.project_grants FOR UPDATE
  USING (project = ANY ((SELECT automl._projects_for(current_user, 'manage'))::text[]));
CREATE POLICY manage_delete ON automl.project_grants FOR DELETE
  USING (project = ANY ((SELECT automl._projects_for(current_user, 'manage'))::text[]));

------------------------------------------------------------------------------
-- Privileges: nothing for PUBLIC but the schema; the four roles get what they need.
------------------------------------------------------------------------------

GRANT USAGE ON SCHEMA automl TO automl_reader, automl_worker;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA automl FROM PUBLIC;

-- GRANT EXECUTE on every overload of each named function (install-time helper).
CREATE FUNCTION automl._grant_execute(role name, names text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
            WHERE p.pronamespace = 'automl'::regnamespace AND p.proname = ANY (names) LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, role);
  END LOOP;
END
$$;

-- automl_reader: predict and read what is shared with it.
GRANT SELECT ON automl.projects, automl.models, automl.deployments, automl.deployed_models,
                automl.trials, automl.prediction_log, automl.project_grants TO automl_reader;
SELECT automl._grant_execute('automl_reader', ARRAY[
    '_can',
    '_can_job',
    '_job_exists',
    '_member_of',
    '_metric_higher_is_better',
    '_model_project',
    '_project_exists',
    '_project_of_model',
    '_projects_for',
    '_require',
    '_sees_all',
    'coefficients',
    'explain',
    'predict',
    'predict_label',
    'predict_model',
    'predict_proba',
    'prediction_log_status',
    'tag']);

-- automl_user: train, deploy, share and manage its own projects.
GRANT SELECT, INSERT ON automl.jobs TO automl_user;
-- cancel and retry lock and update the caller's own jobs; never who submitted them or what.
GRANT UPDATE (status, attempts, run_after, cancel_requested, lease, worker, heartbeat_at, progress, message,
              error, result, started_at, finished_at) ON automl.jobs TO automl_user;
GRANT USAGE ON SEQUENCE automl.jobs_id_seq, automl.models_id_seq, automl.deployments_id_seq TO automl_user;
GRANT INSERT (project, version, algorithm, task, hyperparams, metrics, feature_names, feature_version, target,
              classes, format_version, model, info) ON automl.models TO automl_user;
GRANT INSERT (project, model_id, strategy, previous_id, arms, shadow_model_id) ON automl.deployments TO automl_user;
GRANT INSERT (name, task, target, metric) ON automl.projects TO automl_user;
GRANT UPDATE (log_sample_rate) ON automl.projects TO automl_user;
GRANT INSERT (project, grantee, privilege), UPDATE (privilege, granted_by, granted_at), DELETE
  ON automl.project_grants TO automl_user;
GRANT SELECT ON automl.workers TO automl_user;
SELECT automl._grant_execute('automl_user', ARRAY[
    '_check_feature_columns',
    '_check_training_query',
    '_deployments_changed',
    '_job_lock_key',
    '_job_lock_space',
    '_jobs_before_insert',
    '_jobs_notify',
    '_lock_job',
    '_model_summary',
    '_normalize_job_spec',
    '_prediction_log_check',
    '_record_deployment',
    '_resolve_training_relation',
    '_same_features',
    'cancel',
    'deploy',
    'deploy_shadow',
    'deploy_split',
    'describe',
    'export_model',
    'grant_project',
    'import_model',
    'retry',
    'revoke_project',
    'set_logging',
    'train',
    'wait']);

-- automl_admin: everything, on every project.
GRANT ALL ON ALL TABLES IN SCHEMA automl TO automl_admin;
GRANT ALL ON ALL SEQUENCES IN SCHEMA automl TO automl_admin;
GRANT EXECUTE ON FUNCTION automl.prune_jobs(interval), automl.prune_prediction_log(interval) TO automl_admin;

-- automl_worker: the queue functions and the tables they write; nothing to predict with.
-- It reads training data as the submitter: GRANT each submitting role TO the worker's login.
GRANT SELECT, INSERT, UPDATE, DELETE ON automl.jobs, automl.workers, automl.models, automl.deployments,
                                        automl.projects, automl.trials TO automl_worker;
GRANT SELECT ON automl.project_grants, automl.deployed_models TO automl_worker;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA automl TO automl_worker;
SELECT automl._grant_execute('automl_worker', ARRAY[
    '_can',
    '_can_job',
    '_claim_job',
    '_member_of',
    '_complete_train_job',
    '_deployments_changed',
    '_fail_job',
    '_finish_job',
    '_heartbeat',
    '_hold_job_lock',
    '_job_lock_key',
    '_job_lock_space',
    '_lock_claimed_job',
    '_metric_higher_is_better',
    '_model_summary',
    '_normalize_job_spec',
    '_project_exists',
    '_projects_for',
    '_record_deployment',
    '_register_worker',
    '_release_job',
    '_rescue_stale_jobs',
    '_same_features',
    '_sees_all',
    '_succeed_job',
    '_unregister_worker',
    '_worker_seen']);

DROP FUNCTION automl._grant_execute(name, text[]);  -- install-time only
