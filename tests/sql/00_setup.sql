-- 00_setup: helpers shared by the other regression tests (run first).
-- error_of(statement) runs a statement and returns "SQLSTATE: message" or 'no error',
-- so a test shows both the code and the text of every error it provokes.
CREATE FUNCTION error_of(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE statement;
  RETURN 'no error';
EXCEPTION WHEN others THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
SELECT extname, extversion FROM pg_extension WHERE extname = 'pg_automl';
-- ensure_roles(name, …) creates the roles that do not exist yet (roles are cluster-wide,
-- so another run may have made them).
CREATE FUNCTION ensure_roles(VARIADIC roles text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY roles LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I', r);
    END IF;
  END LOOP;
END
$$;
-- masked(statement): error_of with the numbers of its message (ids) replaced by N.
CREATE FUNCTION masked(statement text) RETURNS text LANGUAGE sql AS
  $$ SELECT substr(e, 1, 7) || regexp_replace(substr(e, 8), '\m[0-9]+\M', 'N', 'g') FROM error_of(statement) e $$;
