-- Schemas and roles. Schema automl (made by CREATE EXTENSION, named in the control
-- file) holds what users call and read; automl_internal holds the functions behind
-- them (policies, triggers, the worker's interface), so \df automl.* lists the
-- public surface only.
CREATE SCHEMA automl_internal;

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
