-- upgrade: a database on the released 0.1.0 upgrades to 0.2.0 with ALTER EXTENSION,
-- keeps its rows, and ends up with the very catalog a fresh 0.2.0 install has.
CREATE DATABASE automl_upgrade_fresh;
CREATE DATABASE automl_upgrade_old;
\c automl_upgrade_fresh
CREATE EXTENSION pg_automl;
SELECT extversion FROM pg_extension WHERE extname = 'pg_automl';
-- Everything a user relies on: functions (signature, rights, settings, body),
-- columns, policies, privileges, triggers.
CREATE FUNCTION pg_temp.catalog() RETURNS TABLE (item text) LANGUAGE sql AS $$
  SELECT format('function %s definer=%s config=%s volatility=%s parallel=%s acl=%s body=%s', p.oid::regprocedure,
                p.prosecdef, p.proconfig, p.provolatile, p.proparallel, p.proacl, md5(p.prosrc))
    FROM pg_proc p WHERE p.pronamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('column %s.%s %s %s default=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('relation %s %s acl=%s rls=%s', c.relname, c.relkind, c.relacl, c.relrowsecurity)
    FROM pg_class c WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('policy %s on %s %s using=%s check=%s', p.polname, p.polrelid::regclass, p.polcmd,
                pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('trigger %s on %s %s', t.tgname, t.tgrelid::regclass, pg_get_triggerdef(t.oid))
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = 'automl'::regnamespace AND NOT t.tgisinternal
$$;
SELECT md5(string_agg(item, E'\n' ORDER BY item)) AS fresh_catalog, count(*) AS items FROM pg_temp.catalog() \gset
SELECT :items > 300 AS catalog_is_described;

\c automl_upgrade_old
CREATE EXTENSION pg_automl VERSION '0.1.0';
-- A user's rows from the released version.
INSERT INTO automl.jobs (kind, spec, run_after) VALUES ('noop', '{"seconds": 1}', 'infinity');
INSERT INTO automl.projects (name, task, target, metric) VALUES ('kept', 'regression', 'y', 'r2');
ALTER EXTENSION pg_automl UPDATE TO '0.2.0';
SELECT extversion FROM pg_extension WHERE extname = 'pg_automl';
SELECT kind, status, spec, search_path FROM automl.jobs;
SELECT name, task, owner FROM automl.projects;
CREATE FUNCTION pg_temp.catalog() RETURNS TABLE (item text) LANGUAGE sql AS $$
  SELECT format('function %s definer=%s config=%s volatility=%s parallel=%s acl=%s body=%s', p.oid::regprocedure,
                p.prosecdef, p.proconfig, p.provolatile, p.proparallel, p.proacl, md5(p.prosrc))
    FROM pg_proc p WHERE p.pronamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('column %s.%s %s %s default=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('relation %s %s acl=%s rls=%s', c.relname, c.relkind, c.relacl, c.relrowsecurity)
    FROM pg_class c WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('policy %s on %s %s using=%s check=%s', p.polname, p.polrelid::regclass, p.polcmd,
                pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('trigger %s on %s %s', t.tgname, t.tgrelid::regclass, pg_get_triggerdef(t.oid))
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = 'automl'::regnamespace AND NOT t.tgisinternal
$$;
SELECT md5(string_agg(item, E'\n' ORDER BY item)) = :'fresh_catalog' AS same_catalog_as_a_fresh_install
  FROM pg_temp.catalog();
-- Every SQL function is pinned but the three that must see their caller's search_path.
SELECT p.proname, p.proconfig FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'automl'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
   AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)
 ORDER BY 1;

\c automl_regress
DROP DATABASE automl_upgrade_fresh;
DROP DATABASE automl_upgrade_old;
