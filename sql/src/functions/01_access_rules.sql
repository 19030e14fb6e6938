-- Access rules: who may see and use which project

-- Membership that tolerates a dropped role (a project's owner, a job's submitter):
-- pg_has_role would raise, and a raising policy would lock everyone out.
CREATE OR REPLACE FUNCTION automl_internal._member_of(who name, role name) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = role)
              THEN pg_catalog.pg_has_role(who, role, 'member') ELSE false END;
$$;

-- The access rules, in one place. SECURITY DEFINER so the policies can consult
-- projects and grants without recursing into their own policies; `who` is always
-- the caller's current_user, passed from the (invoker's) policy or function.
CREATE OR REPLACE FUNCTION automl_internal._sees_all(who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT automl_internal._member_of(who, 'automl_admin') OR automl_internal._member_of(who, 'automl_worker');
$$;

CREATE OR REPLACE FUNCTION automl_internal._can(project text, need text, who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT automl_internal._sees_all(who)
      OR EXISTS (SELECT 1 FROM automl.projects p WHERE p.name = _can.project AND automl_internal._member_of(who, p.owner))
      OR EXISTS (SELECT 1 FROM automl.project_grants g
                  WHERE g.project = _can.project AND automl_internal._member_of(who, g.grantee)
                    AND (g.privilege = 'manage' OR _can.need = 'predict'));
$$;

-- Every project `who` may use at `need` level; policies compare against it once per query.
CREATE OR REPLACE FUNCTION automl_internal._projects_for(who name, need text) RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT coalesce(array_agg(p.name), '{}') FROM automl.projects p WHERE automl_internal._can(p.name, need, who);
$$;

CREATE OR REPLACE FUNCTION automl_internal._project_exists(project text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM automl.projects p WHERE p.name = project);
$$;

CREATE OR REPLACE FUNCTION automl_internal._job_exists(job_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM automl.jobs j WHERE j.id = job_id);
$$;

CREATE OR REPLACE FUNCTION automl_internal._can_job(job_id bigint, who name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM automl.jobs j WHERE j.id = job_id
                    AND (automl_internal._member_of(who, j.created_by) OR automl_internal._can(j.project, 'manage', who)));
$$;

-- The same for a call that will change the project ('manage'): on a standby it says
-- that it must run on the primary.
CREATE OR REPLACE FUNCTION automl_internal._require(project text, need text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  PERFORM automl_internal._require_read(project, need);
  IF need = 'manage' THEN
    PERFORM automl_internal._require_primary(format('changing project "%s"', project));
  END IF;
END
$$;

-- The project of a model, or NULL for an unknown id (whoever asks).
CREATE OR REPLACE FUNCTION automl_internal._project_of_model(model_id bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT m.project FROM automl.models m WHERE m.id = model_id;
$$;

-- The project of a model the caller may see: 42704 for an unknown id, 42501 for a
-- model of a project the caller may not use (without naming that project).
CREATE OR REPLACE FUNCTION automl_internal._model_project(model_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  found_project text;
BEGIN
  SELECT m.project INTO found_project FROM automl.models m WHERE m.id = _model_project.model_id;
  IF found_project IS NULL THEN
    IF automl_internal._model_exists(model_id) THEN
      RAISE EXCEPTION 'permission denied for model %', model_id USING ERRCODE = 'insufficient_privilege',
        DETAIL = 'It belongs to a project that is not shared with ' || current_user || '.';
    END IF;
    RAISE EXCEPTION 'model % does not exist', model_id USING ERRCODE = 'undefined_object';
  END IF;
  RETURN found_project;
END
$$;

-- The role-taking rules above (_sees_all(name), _can(text, text, name),
-- _projects_for(name, text), _can_job(bigint, name), _project_of_model) stay for
-- the worker and the owner; tenants call these, which decide for themselves.
CREATE OR REPLACE FUNCTION automl_internal._sees_all() RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_caller_sees_all' LANGUAGE C STABLE;

CREATE OR REPLACE FUNCTION automl_internal._can(project text, need text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_caller_can' LANGUAGE C STABLE;

CREATE OR REPLACE FUNCTION automl_internal._projects_for(need text) RETURNS text[]
  AS 'MODULE_PATHNAME', 'automl_caller_projects' LANGUAGE C STABLE;

CREATE OR REPLACE FUNCTION automl_internal._can_job(job_id bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_caller_can_job' LANGUAGE C STABLE;

-- Whether a model id exists, for 42501 vs 42704 (as _job_exists does for jobs);
-- never which project holds it.
CREATE OR REPLACE FUNCTION automl_internal._model_exists(model_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM automl.models m WHERE m.id = model_id);
$$;

-- On a hot standby, a call that writes says so, instead of PostgreSQL's generic
-- "cannot execute … in a read-only transaction" from somewhere inside it.
CREATE OR REPLACE FUNCTION automl_internal._require_primary(what text) RETURNS void
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
CREATE OR REPLACE FUNCTION automl_internal._require_read(project text, need text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NOT automl_internal._project_exists(project) THEN
    RAISE EXCEPTION 'project "%" does not exist', project USING ERRCODE = 'undefined_object';
  END IF;
  IF NOT automl_internal._can(project, need) THEN
    RAISE EXCEPTION 'permission denied for project "%"', project USING ERRCODE = 'insufficient_privilege',
      DETAIL = format('%s needs "%s" on it: its owner can run automl.grant_project(%L, %L, %L).',
                      current_user, need, project, current_user, need);
  END IF;
END
$$;
