-- Data profiling (describe)

-- One row per column of a table, view or SELECT statement: counts, moments,
-- extremes, quartiles and top values. Counts, nulls, mean, stddev, min and max are
-- exact (one scan of the whole relation). Distinct counts, quartiles and top values
-- come from a random sample of about sample_rows rows when the relation is larger;
-- `sampled` says so. Runs with the caller's privileges. With keep_sample, the sample
-- stays in pg_temp."automl_describe_<backend pid>_sample" until the transaction ends
-- (describe_report draws its charts from it).
CREATE OR REPLACE FUNCTION automl_internal._describe_columns(relation text, sample_rows bigint, keep_sample boolean)
RETURNS TABLE (column_name text, type text, rows bigint, nulls bigint, distinct_values bigint,
               mean float8, stddev float8, min text, q1 float8, median float8, q3 float8, max text,
               top_values jsonb, sampled boolean)
LANGUAGE plpgsql AS $$
DECLARE
  is_query boolean := relation ~* '^\s*(select|with|values|table)\s';
  source text;
  view_name text := 'automl_describe_' || pg_backend_pid();
  col record;
  names text[] := '{}';
  types text[] := '{}';
  categories text[] := '{}';
  exprs text[] := '{}';
  exact jsonb[];
  total bigint;
  fraction float8;
  stats jsonb;
  numeric_types constant text[] := ARRAY['smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric'];
  orderable boolean;
  is_number boolean;
BEGIN
  IF relation IS NULL OR sample_rows IS NULL OR sample_rows < 1 THEN
    RAISE EXCEPTION 'describe needs a relation and a positive sample_rows' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF is_query THEN
    PERFORM automl_internal._check_training_query(relation);
    -- A temporary view gives the query's columns their names and types.
    EXECUTE format(E'CREATE TEMP VIEW %I AS\n%s\n', view_name, relation);
    source := format('pg_temp.%I', view_name);
  ELSE
    IF to_regclass(relation) IS NULL THEN
      RAISE EXCEPTION 'relation "%" does not exist', relation USING ERRCODE = 'undefined_table';
    END IF;
    source := to_regclass(relation)::text;
  END IF;
  FOR col IN SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS typ,
                    t.typcategory AS category, a.attnum
               FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
              WHERE a.attrelid = source::regclass AND a.attnum > 0 AND NOT a.attisdropped
              ORDER BY a.attnum LOOP
    names := names || col.name;
    types := types || col.typ;
    categories := categories || col.category::text;
    is_number := col.category = 'N';
    orderable := col.category IN ('N', 'S', 'D', 'E', 'B', 'T', 'V');  -- numbers, strings, dates, enums, booleans
    exprs := exprs || format('jsonb_build_array(count(%1$I), %2$s, %3$s, %4$s, %5$s)', col.name,
      CASE WHEN is_number THEN format('avg(%I)::float8', col.name)
           WHEN col.category = 'B' THEN format('avg(%I::int)::float8', col.name) ELSE 'NULL' END,
      CASE WHEN is_number THEN format('stddev_samp(%I)::float8', col.name) ELSE 'NULL' END,
      CASE WHEN col.category = 'B' THEN format('bool_and(%I)::text', col.name)
           WHEN orderable THEN format('min(%I)::text', col.name) ELSE 'NULL' END,
      CASE WHEN col.category = 'B' THEN format('bool_or(%I)::text', col.name)
           WHEN orderable THEN format('max(%I)::text', col.name) ELSE 'NULL' END);
  END LOOP;
  IF cardinality(names) = 0 THEN
    RAISE EXCEPTION 'relation "%" has no columns', relation USING ERRCODE = 'invalid_parameter_value';
  END IF;

  EXECUTE format('SELECT count(*), ARRAY[%s] FROM %s', array_to_string(exprs, ', '), source) INTO total, exact;
  fraction := least(1.0, sample_rows::float8 / greatest(total, 1));
  -- Tables are sampled by pages (reads only the sampled pages); queries row by row.
  EXECUTE format('CREATE TEMP TABLE %I ON COMMIT DROP AS SELECT * FROM %s %s', view_name || '_sample', source,
                 CASE WHEN fraction >= 1 THEN ''
                      WHEN is_query THEN format('WHERE random() < %s', fraction)
                      ELSE format('TABLESAMPLE SYSTEM (%s)', fraction * 100) END);

  FOR i IN 1 .. cardinality(names) LOOP
    EXECUTE format(
      'SELECT jsonb_build_object(''distinct'', (SELECT count(DISTINCT %1$I) FROM pg_temp.%2$I),'
      ' ''quartiles'', %3$s,'
      ' ''top'', (SELECT coalesce(jsonb_agg(jsonb_build_object(''value'', v, ''count'', n) ORDER BY n DESC, v), ''[]'')'
      '           FROM (SELECT %1$I::text AS v, count(*) AS n FROM pg_temp.%2$I WHERE %1$I IS NOT NULL'
      '                  GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5) top))',
      names[i], view_name || '_sample',
      CASE WHEN categories[i] = 'N' THEN format(
        '(SELECT to_jsonb(percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY %1$I::float8)) FROM pg_temp.%2$I)',
        names[i], view_name || '_sample') ELSE 'NULL' END)
    INTO stats;
    column_name := names[i];
    type := types[i];
    rows := total;
    nulls := total - (exact[i]->>0)::bigint;
    mean := (exact[i]->>1)::float8;
    stddev := (exact[i]->>2)::float8;
    min := exact[i]->>3;
    max := exact[i]->>4;
    distinct_values := (stats->>'distinct')::bigint;
    q1 := (stats->'quartiles'->>0)::float8;
    median := (stats->'quartiles'->>1)::float8;
    q3 := (stats->'quartiles'->>2)::float8;
    top_values := stats->'top';
    sampled := fraction < 1;
    RETURN NEXT;
  END LOOP;
  IF keep_sample THEN
    RETURN;
  END IF;
  EXECUTE format('DROP TABLE pg_temp.%I', view_name || '_sample');
  IF is_query THEN
    EXECUTE format('DROP VIEW pg_temp.%I', view_name);
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION automl_internal._describe(relation text, sample_rows bigint DEFAULT 1000000)
RETURNS TABLE (column_name text, type text, rows bigint, nulls bigint, distinct_values bigint,
               mean float8, stddev float8, min text, q1 float8, median float8, q3 float8, max text,
               top_values jsonb, sampled boolean)
LANGUAGE sql AS $$
  SELECT * FROM automl_internal._describe_columns(_describe.relation, _describe.sample_rows, false);
$$;

-- What the caller named, resolved in the caller's search_path (a query becomes a
-- temporary view), profiled by the pinned body above.
CREATE OR REPLACE FUNCTION automl.describe(relation text, sample_rows bigint DEFAULT 1000000)
RETURNS TABLE (column_name text, type text, rows bigint, nulls bigint, distinct_values bigint,
               mean float8, stddev float8, min text, q1 float8, median float8, q3 float8, max text,
               top_values jsonb, sampled boolean)
LANGUAGE sql AS $$
  SELECT * FROM automl_internal._describe(automl_internal._relation_in_caller_path(describe.relation), describe.sample_rows);
$$;
