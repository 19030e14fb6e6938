-- pg_temp.catalog(): everything a user of pg_automl relies on, one line per object —
-- functions (signature, rights, settings, body), columns (type, default, rights),
-- relations and their rights, constraints, indexes, views, policies, triggers, comments and the
-- extension's configuration tables — so that two databases can be compared object by
-- object. Included by tests/sql/upgrade.sql in each database it compares.
CREATE FUNCTION pg_temp.catalog() RETURNS TABLE (item text) LANGUAGE sql AS $$
  SELECT format('function %s definer=%s config=%s volatility=%s parallel=%s strict=%s acl=%s body=%s',
                p.oid::regprocedure, p.prosecdef, p.proconfig, p.provolatile, p.proparallel, p.proisstrict,
                p.proacl, md5(p.prosrc))
    FROM pg_proc p WHERE p.pronamespace::regnamespace::text IN ('automl', 'automl_internal')
  UNION ALL
  SELECT format('column %s.%s %s notnull=%s default=%s acl=%s', c.relname, a.attname,
                format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attacl)
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('relation %s %s acl=%s rls=%s', c.relname, c.relkind, c.relacl, c.relrowsecurity)
    FROM pg_class c WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('constraint %s on %s: %s', co.conname, co.conrelid::regclass, pg_get_constraintdef(co.oid))
    FROM pg_constraint co WHERE co.connamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('index %s', pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('view %s: %s', c.relname, md5(pg_get_viewdef(c.oid)))
    FROM pg_class c WHERE c.relnamespace = 'automl'::regnamespace AND c.relkind = 'v'
  UNION ALL
  SELECT format('policy %s on %s %s using=%s check=%s', p.polname, p.polrelid::regclass, p.polcmd,
                pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = 'automl'::regnamespace
  UNION ALL
  SELECT format('trigger %s', pg_get_triggerdef(t.oid))
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = 'automl'::regnamespace AND NOT t.tgisinternal
  UNION ALL
  SELECT format('comment on %s: %s', pg_describe_object(d.classoid, d.objoid, d.objsubid), md5(d.description))
    FROM pg_description d
   WHERE (d.classoid = 'pg_proc'::regclass
          AND (SELECT p.pronamespace::regnamespace::text FROM pg_proc p WHERE p.oid = d.objoid) IN ('automl', 'automl_internal'))
      OR (d.classoid = 'pg_class'::regclass AND (SELECT c.relnamespace FROM pg_class c WHERE c.oid = d.objoid) = 'automl'::regnamespace)
  UNION ALL
  SELECT format('extension config %s', unnest(e.extconfig)::regclass) FROM pg_extension e WHERE e.extname = 'pg_automl'
$$;
