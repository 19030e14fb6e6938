-- The worker's interface: finishing a job, fenced by its lease

-- finished_at is the clock's, not the transaction's start: an import's final
-- transaction lasts as long as its load.
CREATE OR REPLACE FUNCTION automl_internal._finish_job(job_id bigint, new_status text, result jsonb, message text)
RETURNS void
LANGUAGE sql AS $$
  UPDATE automl.jobs SET status = new_status, result = _finish_job.result, message = _finish_job.message,
         progress = CASE WHEN new_status = 'succeeded' THEN 1 ELSE progress END,
         finished_at = pg_catalog.clock_timestamp(), heartbeat_at = pg_catalog.clock_timestamp()
   WHERE id = job_id;
  SELECT pg_notify('automl_job_done', json_build_object('id', job_id, 'status', new_status)::text);
$$;

CREATE OR REPLACE FUNCTION automl_internal._succeed_job(job_id bigint, claim_lease bigint, result jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs := automl_internal._lock_claimed_job(job_id, claim_lease);
BEGIN
  IF job.cancel_requested THEN
    PERFORM automl_internal._finish_job(job_id, 'cancelled', NULL, 'cancelled while running');
    RETURN 'cancelled';
  END IF;
  PERFORM automl_internal._finish_job(job_id, 'succeeded', result, 'done');
  RETURN 'succeeded';
END
$$;

-- Records a failed attempt. Retryable failures go back to the queue with exponential
-- backoff and jitter until max_attempts; the rest fail at once.
CREATE OR REPLACE FUNCTION automl_internal._fail_job(job_id bigint, claim_lease bigint, error_text text, retryable boolean)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs := automl_internal._lock_claimed_job(job_id, claim_lease);
  entry jsonb := jsonb_build_object('attempt', job.attempts, 'worker', job.worker, 'at', now(), 'error', error_text);
BEGIN
  UPDATE automl.jobs SET errors = errors || entry, error = error_text WHERE id = job_id;
  IF job.cancel_requested THEN
    PERFORM automl_internal._finish_job(job_id, 'cancelled', NULL, 'cancelled while running');
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
  PERFORM automl_internal._finish_job(job_id, 'failed', NULL, format('failed after %s attempt(s)', job.attempts));
  RETURN 'failed';
END
$$;

-- Stores a trained model and completes its job in one transaction, so a job's effect
-- (the model row, its deployment) exists exactly when the job is 'succeeded'.
CREATE OR REPLACE FUNCTION automl_internal._complete_train_job(
  job_id bigint, claim_lease bigint, algorithm text, task text, hyperparams jsonb, metrics jsonb,
  feature_names text[], target text, classes text[], format_version integer, model bytea,
  info jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs := automl_internal._lock_claimed_job(job_id, claim_lease);
  proj automl.projects;
  new_id bigint;
  new_version integer;
  policy text := job.spec->>'deploy';
  metric text;
  live_metrics jsonb;
  deployed boolean := false;
BEGIN
  IF job.cancel_requested THEN
    PERFORM automl_internal._finish_job(job_id, 'cancelled', NULL, 'cancelled while running');
    RETURN NULL;
  END IF;
  INSERT INTO automl.projects (name, task, target, metric, owner, created_by)
  VALUES (job.project, task, target,
          coalesce(job.spec->>'metric', CASE task WHEN 'classification' THEN 'f1' WHEN 'tagging' THEN 'entity_f1'
                                            WHEN 'clustering' THEN 'silhouette' ELSE 'r2' END),
          job.created_by, job.created_by)
  ON CONFLICT (name) DO NOTHING;
  SELECT * INTO proj FROM automl.projects p WHERE p.name = job.project FOR UPDATE;
  IF NOT automl_internal._can(proj.name, 'manage', job.created_by) THEN
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
  INSERT INTO automl.models (project, version, algorithm, task, hyperparams, metrics, feature_names,
                             feature_version, target, classes, format_version, model, job_id, info, created_by,
                             evaluation)
  VALUES (proj.name, new_version, algorithm, task, hyperparams, metrics, feature_names, info->>'feature_version',
          target, classes, format_version, model, job_id, info - 'trials' - 'evaluation', job.created_by,
          info->'evaluation')
  RETURNING id INTO new_id;

  metric := coalesce(job.spec->>'metric', proj.metric);
  SELECT dm.metrics INTO live_metrics FROM automl.deployed_models dm WHERE dm.project = proj.name;
  deployed := policy = 'always'
    OR (policy = 'if_better' AND (live_metrics IS NULL OR NOT live_metrics ? metric
        OR CASE WHEN automl_internal._metric_higher_is_better(metric)
                THEN (metrics->>metric)::float8 > (live_metrics->>metric)::float8
                ELSE (metrics->>metric)::float8 < (live_metrics->>metric)::float8 END));
  IF deployed THEN
    PERFORM automl_internal._record_deployment(proj.name, new_id, 'job:' || policy,
              (SELECT max(d.id) FROM automl.deployments d WHERE d.project = proj.name));
  END IF;
  info := info - 'trials' - 'evaluation';  -- kept once, in automl.trials and the model row
  PERFORM automl_internal._finish_job(job_id, 'succeeded',
    info || jsonb_build_object('model_id', new_id, 'version', new_version, 'metrics', metrics,
                               'metric', metric, 'deployed', deployed),
    format('trained %s model %s (version %s)%s', algorithm, new_id, new_version,
           CASE WHEN deployed THEN ', deployed' ELSE '' END));
  RETURN new_id;
END
$$;

-- Hands a running job back to the queue without counting the attempt: the worker is
-- shutting down and the job did nothing wrong.
CREATE OR REPLACE FUNCTION automl_internal._release_job(job_id bigint, claim_lease bigint, reason text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs := automl_internal._lock_claimed_job(job_id, claim_lease);
BEGIN
  IF job.cancel_requested THEN
    PERFORM automl_internal._finish_job(job_id, 'cancelled', NULL, 'cancelled while running');
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
