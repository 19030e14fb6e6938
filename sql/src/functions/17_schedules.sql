-- Schedules: automl.retrain on a cron schedule, through pg_cron (postgresql-15-cron).
-- pg_cron runs a job as the role that scheduled it, so these run as the caller
-- (SECURITY INVOKER): a schedule retrains with its owner's rights, checked again
-- each time it fires.

CREATE OR REPLACE FUNCTION automl_internal._require_pg_cron() RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
    RAISE EXCEPTION 'schedules need the pg_cron extension in this database' USING ERRCODE = 'object_not_in_prerequisite_state',
      HINT = 'Install postgresql-15-cron, set shared_preload_libraries = ''pg_automl,pg_cron'' and cron.database_name '
             'to this database, restart, CREATE EXTENSION pg_cron, and GRANT USAGE ON SCHEMA cron to the roles that schedule.';
  END IF;
  IF NOT has_schema_privilege('cron', 'USAGE') THEN
    RAISE EXCEPTION 'role "%" may not use pg_cron', current_user USING ERRCODE = 'insufficient_privilege',
      HINT = format('GRANT USAGE ON SCHEMA cron TO %I;', current_user);
  END IF;
  IF NOT (SELECT r.rolcanlogin FROM pg_roles r WHERE r.rolname = current_user) THEN
    RAISE EXCEPTION 'role "%" cannot log in, and pg_cron runs a schedule by logging in as its owner', current_user
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Schedule as a LOGIN role (SET ROLE to a NOLOGIN role does not carry over to pg_cron).';
  END IF;
END
$$;

-- Creates (or, for the caller's schedule of that name, replaces) a schedule that calls
-- automl.retrain(project, overrides) at each `cron` time (pg_cron's five fields,
-- e.g. '0 3 * * *' for 03:00 every day). Two firings never stack: unless the overrides
-- name one, the job's unique_key is 'schedule:<name>'. Returns pg_cron's job id.
CREATE OR REPLACE FUNCTION automl.schedule(name text, cron text, project text, overrides jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  options jsonb := coalesce(overrides, '{}');
  command text;
  job_id bigint;
BEGIN
  PERFORM automl_internal._require_primary('automl.schedule');
  IF name IS NULL OR name !~ '^[A-Za-z0-9_.:-]{1,63}$' THEN
    RAISE EXCEPTION 'schedule name must be 1 to 63 letters, digits or _ . : - (got %)', coalesce(quote_literal(name), 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF cron IS NULL OR jsonb_typeof(options) <> 'object' THEN
    RAISE EXCEPTION 'a schedule needs a cron expression and a JSON object of overrides' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT automl_internal._project_exists(project) THEN
    RAISE EXCEPTION 'project "%" does not exist', project USING ERRCODE = 'undefined_object';
  END IF;
  PERFORM automl_internal._require(project, 'manage');
  PERFORM automl_internal._require_pg_cron();
  IF NOT options ? 'unique_key' THEN
    options := options || jsonb_build_object('unique_key', 'schedule:' || name);
  END IF;
  command := format('SELECT automl.retrain(%L, %L::jsonb)', project, options::text);
  job_id := cron.schedule('automl:' || name, cron, command);
  INSERT INTO automl.schedules AS s (owner, name, cron, project, overrides, cron_job_id)
  VALUES (current_user, schedule.name, schedule.cron, schedule.project, options, job_id)
  ON CONFLICT (owner, name) DO UPDATE
     SET cron = EXCLUDED.cron, project = EXCLUDED.project, overrides = EXCLUDED.overrides,
         cron_job_id = EXCLUDED.cron_job_id, created_at = now();
  RETURN job_id;
END
$$;

-- Removes the caller's schedule `name`; false when it has none of that name.
CREATE OR REPLACE FUNCTION automl.unschedule(name text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM automl_internal._require_primary('automl.unschedule');
  DELETE FROM automl.schedules s WHERE s.owner = current_user AND s.name = unschedule.name;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  PERFORM automl_internal._require_pg_cron();
  PERFORM cron.unschedule('automl:' || name);
  RETURN true;
END
$$;
