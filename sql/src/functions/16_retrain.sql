-- Retraining (docs/operations.md, "Retrain and schedules"): a new training job with
-- the spec of the project's last successful one.

-- The job-level keys retrain's overrides may hold besides the training spec's own.
CREATE OR REPLACE FUNCTION automl_internal._retrain_job_keys() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['priority', 'run_after', 'max_attempts', 'unique_key', 'if_drifted', 'drift_thresholds'];
$$;

-- Not pinned, like train: the INSERT trigger resolves the relation in a search_path.
-- That is the last job's own when the caller submitted it (or is a member of its
-- submitter), else the caller's; and a training *query* written by another role is
-- refused, so retrain never runs someone else's SQL text with the caller's rights.
CREATE OR REPLACE FUNCTION automl.retrain(project text, overrides jsonb DEFAULT '{}') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  last automl.jobs;
  options jsonb := coalesce(retrain.overrides, '{}');
  spec jsonb;
  caller_path text := pg_catalog.current_setting('search_path');
  job_id bigint;
BEGIN
  PERFORM automl_internal._require_primary('automl.retrain');
  IF pg_catalog.jsonb_typeof(options) <> 'object' THEN
    RAISE EXCEPTION 'retrain overrides must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT automl_internal._project_exists(retrain.project) THEN
    RAISE EXCEPTION 'project "%" does not exist', retrain.project USING ERRCODE = 'undefined_object';
  END IF;
  PERFORM automl_internal._require(retrain.project, 'manage');
  SELECT * INTO last FROM automl.jobs j
   WHERE j.kind OPERATOR(pg_catalog.=) 'train' AND j.project OPERATOR(pg_catalog.=) retrain.project
     AND j.status OPERATOR(pg_catalog.=) 'succeeded'
   ORDER BY j.finished_at DESC NULLS LAST, j.id DESC LIMIT 1;
  IF last.id IS NULL THEN
    RAISE EXCEPTION 'project "%" has no successful training job to retrain from', retrain.project
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Train it once with automl.train.';
  END IF;
  spec := last.spec OPERATOR(pg_catalog.||) (options OPERATOR(pg_catalog.-) automl_internal._retrain_job_keys());
  IF NOT automl_internal._member_of(current_user, last.created_by) THEN
    IF spec ->> 'relation' OPERATOR(pg_catalog.~*) '^\s*(select|with|values|table)\s' THEN
      RAISE EXCEPTION 'project "%" was last trained on a query written by role "%"', retrain.project, last.created_by
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Submit the training yourself with automl.train, or pass overrides => ''{"relation": …}''.';
    END IF;
    last.search_path := caller_path;
  END IF;
  IF coalesce((options ->> 'if_drifted')::boolean, false) AND NOT EXISTS (
       SELECT 1 FROM automl.drift(retrain.project, options ->> 'relation', coalesce(options -> 'drift_thresholds', '{}')) d
        WHERE d.drifted) THEN
    RAISE NOTICE 'project "%": no feature drifted; no job queued', retrain.project;
    RETURN NULL;
  END IF;
  PERFORM pg_catalog.set_config('search_path', coalesce(last.search_path, caller_path), true);
  job_id := automl_internal._submit_unique(
    'train', retrain.project, coalesce((options ->> 'priority')::integer, last.priority),
    (options ->> 'run_after')::timestamptz, coalesce((options ->> 'max_attempts')::integer, last.max_attempts),
    options ->> 'unique_key', spec);
  PERFORM pg_catalog.set_config('search_path', caller_path, true);
  RETURN job_id;
END
$$;
