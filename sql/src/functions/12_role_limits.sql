-- Per-role job limits

-- The advisory-lock space of per-role counting (queued and running limits): apart
-- from the job locks' space, so counting never waits on a running job's lock.
CREATE OR REPLACE FUNCTION automl_internal._role_lock_space() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1635085677 $$;

  -- 'aumm'
CREATE OR REPLACE FUNCTION automl.set_role_limits(role name, max_running integer, max_queued integer)
RETURNS automl.role_limits
LANGUAGE plpgsql AS $$
DECLARE
  updated automl.role_limits;
BEGIN
  IF NOT automl_internal._member_of(current_user, 'automl_admin') THEN
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
