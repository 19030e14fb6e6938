-- comments: every public function (schema automl, name not starting with _), table,
-- view and column has a description (sql/src/90_comments.sql), so that psql's \df+,
-- \dt+ and \d+ document the surface. Each query lists what lacks one: expected none.
SELECT p.oid::regprocedure::text AS function_without_comment
  FROM pg_catalog.pg_proc p
 WHERE p.pronamespace = 'automl'::regnamespace AND p.proname !~ '^_'
   AND obj_description(p.oid, 'pg_proc') IS NULL
 ORDER BY 1;
SELECT c.relname AS relation_without_comment, c.relkind
  FROM pg_catalog.pg_class c
 WHERE c.relnamespace = 'automl'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND obj_description(c.oid, 'pg_class') IS NULL
 ORDER BY 1;
SELECT c.relname || '.' || a.attname AS column_without_comment
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = 'automl'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND col_description(c.oid, a.attnum) IS NULL
 ORDER BY 1;
-- Not vacuous: the public surface is there, and each description is one or two sentences.
SELECT count(*) >= 40 AS has_public_functions,
       bool_and(length(obj_description(p.oid, 'pg_proc')) BETWEEN 20 AND 300) AS descriptions_fit_a_line
  FROM pg_catalog.pg_proc p
 WHERE p.pronamespace = 'automl'::regnamespace AND p.proname !~ '^_';
