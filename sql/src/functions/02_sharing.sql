-- Sharing a project with other roles

-- Shares a project: 'predict' (predict, read metrics and logs) or 'manage' (also
-- train, deploy, export, share). Needs 'manage' on the project. Returns the privilege.
CREATE OR REPLACE FUNCTION automl.grant_project(project text, grantee name, privilege text DEFAULT 'predict') RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM automl_internal._require(project, 'manage');
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

CREATE OR REPLACE FUNCTION automl.revoke_project(project text, grantee name) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM automl_internal._require(project, 'manage');
  DELETE FROM automl.project_grants g WHERE g.project = revoke_project.project AND g.grantee = revoke_project.grantee;
  RETURN FOUND;
END
$$;
