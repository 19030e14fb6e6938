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
