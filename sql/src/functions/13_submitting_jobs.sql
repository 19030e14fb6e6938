-- Submitting jobs: a job is a row in automl.jobs

-- Every INSERT into automl.jobs passes here. The one function of the extension
-- without a pinned search_path, on purpose: it hands the submitter's search_path to
-- _prepare_job, which resolves the relation in it. Its statements call only
-- schema-qualified functions, so that search_path cannot change what it runs.
CREATE OR REPLACE FUNCTION automl_internal._jobs_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF automl_internal._loading_verbatim() THEN
    RETURN NEW;
  END IF;
  RETURN automl_internal._prepare_job(NEW, pg_catalog.current_setting('search_path'));
END
$$;

-- Wakes listening workers when the inserting transaction commits. A lost
-- notification costs latency only: workers also poll.
CREATE OR REPLACE FUNCTION automl_internal._jobs_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('automl_jobs', NEW.id::text);
  RETURN NULL;
END
$$;

-- Not pinned either, so the trigger sees the caller's search_path; every call in
-- it is schema-qualified or grammar. With a unique_key, a job of the caller's with the
-- same key that is queued or running is returned instead of queueing another (the
-- partial unique index settles concurrent submissions; the loop covers a job that
-- finished between the conflict and the lookup).
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
  preprocess    jsonb    DEFAULT '{}',
  refit         boolean  DEFAULT true,
  eval          text     DEFAULT 'auto',
  unique_key    text     DEFAULT NULL,
  split_column  text     DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM automl_internal._require_primary('automl.train');
  RETURN automl_internal._submit_unique(
    'train', train.project, train.priority, train.run_after, train.max_attempts, train.unique_key,
    pg_catalog.jsonb_build_object(
      'relation', train.relation, 'target', train.target, 'task', train.task,
      'algorithm', train.algorithm, 'hyperparams', train.hyperparams,
      'search', train.search, 'search_params', train.search_params,
      'metric', train.metric, 'test_size', train.test_size, 'folds', train.folds,
      'time_budget', extract(epoch FROM train.time_budget), 'deploy', train.deploy,
      'seed', train.seed, 'preprocess', coalesce(train.preprocess, '{}'),
      'refit', coalesce(train.refit, true), 'eval', coalesce(train.eval, 'auto'),
      'split_column', train.split_column));
END
$$;

-- Queues a job (the INSERT trigger validates it in the caller's search_path, so this
-- is not pinned either; every name in it is qualified) and returns its id, or with a
-- unique_key the id of the caller's queued or running job with that key.
CREATE OR REPLACE FUNCTION automl_internal._submit_unique(kind text, project text, priority integer,
                                                          run_after timestamptz, max_attempts integer,
                                                          unique_key text, spec jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  job_id bigint;
BEGIN
  LOOP
    INSERT INTO automl.jobs AS j (kind, project, priority, run_after, max_attempts, unique_key, spec)
    VALUES (_submit_unique.kind, _submit_unique.project, coalesce(_submit_unique.priority, 0),
            coalesce(_submit_unique.run_after, pg_catalog.now()), coalesce(_submit_unique.max_attempts, 3),
            _submit_unique.unique_key, _submit_unique.spec)
    ON CONFLICT (created_by, unique_key) WHERE unique_key IS NOT NULL AND status IN ('queued', 'running')
    DO NOTHING
    RETURNING j.id INTO job_id;
    IF job_id IS NOT NULL THEN
      RETURN job_id;
    END IF;
    SELECT j.id INTO job_id FROM automl.jobs j
     WHERE j.created_by = current_user AND j.unique_key = _submit_unique.unique_key
       AND j.status IN ('queued', 'running');
    IF job_id IS NOT NULL THEN
      RETURN job_id;
    END IF;
  END LOOP;
END
$$;

-- Validates and normalises a job about to be queued (the INSERT trigger's work):
-- the spec, the caller's right to the project, the relation in the caller's
-- search_path, priority and the role's queue limit; queue bookkeeping columns are
-- reset so a plain INSERT cannot forge a state.
CREATE OR REPLACE FUNCTION automl_internal._prepare_job(job automl.jobs, caller_search_path text) RETURNS automl.jobs
LANGUAGE plpgsql AS $$
DECLARE
  queued_limit integer;
  queued bigint;
BEGIN
  IF job.kind IS NULL THEN
    RAISE EXCEPTION 'job kind must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  -- A design's runs already done, named as a relation: read now, as the submitter.
  IF job.kind = 'design' AND jsonb_typeof(job.spec #> '{options,include}') = 'string' THEN
    job.spec := jsonb_set(job.spec, '{options,include}',
                          automl_internal._design_include_rows(job.spec #>> '{options,include}', job.spec -> 'factors',
                                                               caller_search_path));
  END IF;
  job.spec := automl_internal._normalize_job_spec(job.kind, coalesce(job.spec, '{}'));
  IF job.unique_key IS NOT NULL AND length(job.unique_key) NOT BETWEEN 1 AND 200 THEN
    RAISE EXCEPTION 'unique_key must be 1 to 200 characters (got %)', length(job.unique_key)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF job.kind = 'train' THEN
    IF job.project IS NULL OR job.project = '' THEN
      RAISE EXCEPTION 'a train job needs a project' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF automl_internal._project_exists(job.project) THEN
      PERFORM automl_internal._require(job.project, 'manage');
    END IF;
    IF job.spec->>'task' <> 'auto' AND EXISTS (
         SELECT 1 FROM automl.projects p WHERE p.name = job.project AND p.task <> job.spec->>'task') THEN
      RAISE EXCEPTION 'project "%" is not a % project', job.project, job.spec->>'task'
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Use another project name for another task.';
    END IF;
    job.spec := jsonb_set(job.spec, '{relation}',
                          to_jsonb(automl_internal._resolve_training_relation(job.spec->>'relation', job.spec->>'target',
                                                                     caller_search_path)));
    IF job.spec->>'relation' !~* '^\s*(select|with|values|table)\s' AND job.spec->>'task' <> 'tagging' THEN
      IF job.spec ? 'split_column' THEN
        PERFORM automl_internal._check_split_column((job.spec->>'relation')::regclass, job.spec->>'split_column');
      END IF;
      PERFORM automl_internal._check_feature_columns((job.spec->>'relation')::regclass, job.spec->>'target', job.spec->'preprocess');
    END IF;
  ELSIF job.kind = 'import' THEN
    IF job.project IS NOT NULL AND automl_internal._project_exists(job.project) THEN
      PERFORM automl_internal._require(job.project, 'manage');
    END IF;
    job.spec := jsonb_set(job.spec, '{url}',
                          to_jsonb(automl_internal._check_outbound_url(job.spec->>'url', 'import', current_user)));
    job.spec := jsonb_set(job.spec, '{into_table}',
                          to_jsonb(automl_internal._resolve_import_table(job.spec->>'into_table',
                                                                         job.spec#>>'{options,if_exists}', caller_search_path)));
  ELSIF job.kind = 'design' THEN
    IF job.project IS NOT NULL AND automl_internal._project_exists(job.project) THEN
      PERFORM automl_internal._require(job.project, 'manage');
    END IF;
    IF job.spec ->> 'into_table' IS NOT NULL THEN
      job.spec := jsonb_set(job.spec, '{into_table}',
                            to_jsonb(automl_internal._resolve_import_table(job.spec->>'into_table',
                                                                           coalesce(job.spec#>>'{options,if_exists}', 'fail'),
                                                                           caller_search_path)));
    END IF;
  END IF;
  job.priority := coalesce(job.priority, 0);
  IF job.priority < 0 AND NOT automl_internal._member_of(current_user, 'automl_admin') THEN
    RAISE EXCEPTION 'priority % is reserved for automl_admin', job.priority USING ERRCODE = 'insufficient_privilege',
      DETAIL = 'Lower numbers run first; other roles queue at priority 0 or above.';
  END IF;
  -- The role's queue limit; the lock makes concurrent submissions count each other.
  SELECT l.max_queued INTO queued_limit FROM automl.role_limits l WHERE l.role = current_user;
  IF queued_limit IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(automl_internal._role_lock_space(), hashtext(current_user::text));
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
CREATE OR REPLACE FUNCTION automl_internal._loading_verbatim() RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_loading_verbatim' LANGUAGE C STABLE;
