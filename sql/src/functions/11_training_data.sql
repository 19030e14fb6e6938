-- Training data: resolved in the submitter's search_path, read as the submitter inside the backend

-- Refuses at INSERT what the worker would refuse after reading: a column of a type
-- that cannot be a feature (unless preprocess says to skip such columns) and an
-- excluded column that does not exist. Tables and views only: a query's columns are
-- known to the worker.
CREATE OR REPLACE FUNCTION automl_internal._check_feature_columns(rel regclass, target text, preprocess jsonb) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
  col record;
  excluded text;
BEGIN
  FOR excluded IN SELECT jsonb_array_elements_text(coalesce(preprocess->'exclude', '[]')) LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = excluded
                      AND a.attnum > 0 AND NOT a.attisdropped) THEN
      RAISE EXCEPTION 'preprocess.exclude names column "%", which % does not have', excluded, rel
        USING ERRCODE = 'undefined_column';
    END IF;
  END LOOP;
  IF coalesce((preprocess->>'skip_unsupported')::boolean, false) THEN
    RETURN;
  END IF;
  -- The same classification as the worker's (daemon/training_data.cpp), through domains.
  FOR col IN SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS typ
               FROM pg_attribute a
               JOIN pg_type t ON t.oid = a.atttypid
               JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
              WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attname IS DISTINCT FROM target
                AND NOT coalesce(preprocess->'exclude', '[]') ? a.attname::text
                AND NOT (b.oid IN (16, 20, 21, 23, 700, 701, 1700, 1082, 1114, 1184)
                         OR b.typtype = 'e' OR b.typcategory = 'S'
                         OR (b.typcategory = 'A' AND b.typelem IN (20, 21, 23, 700, 701, 1700)))
              ORDER BY a.attnum LOOP
    RAISE EXCEPTION 'column "%" has type %, which cannot be a feature', col.name, col.typ
      USING ERRCODE = 'feature_not_supported',
            HINT = format('Leave it out with preprocess => ''{"exclude": ["%s"]}'' or skip such columns with {"skip_unsupported": true}.', col.name);
  END LOOP;
END
$$;

-- train(..., split_column): the column naming the held-out rows exists and is
-- boolean (through a domain), as the worker checks again for a query's columns.
CREATE OR REPLACE FUNCTION automl_internal._check_split_column(rel regclass, split_column text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
  col record;
BEGIN
  SELECT format_type(a.atttypid, a.atttypmod) AS typ, b.oid = 16 AS is_boolean INTO col
    FROM pg_attribute a
    JOIN pg_type t ON t.oid = a.atttypid
    JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
   WHERE a.attrelid = rel AND a.attname = split_column AND a.attnum > 0 AND NOT a.attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'split_column "%" does not exist in relation "%"', split_column, rel
      USING ERRCODE = 'undefined_column';
  END IF;
  IF NOT col.is_boolean THEN
    RAISE EXCEPTION 'split_column "%" must be boolean, not %', split_column, col.typ
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'true marks a held-out row, false a training row.';
  END IF;
END
$$;

-- Column names and types of a claimed job's relation and the planner's row
-- estimate, planned as its submitter in a security-restricted operation.
CREATE OR REPLACE FUNCTION automl_internal._training_shape(job_id bigint, claim_lease bigint,
  OUT column_names text[], OUT column_types oid[], OUT estimated_rows float8)
  AS 'MODULE_PATHNAME', 'automl_training_shape' LANGUAGE C STRICT VOLATILE;

-- The rows (columns as text), run as the submitter in a security-restricted
-- operation whose settings are rolled back; the worker COPYs them out.
CREATE OR REPLACE FUNCTION automl_internal._training_rows(job_id bigint, claim_lease bigint, columns text[], row_limit bigint,
                                      fraction float8) RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'automl_training_rows' LANGUAGE C VOLATILE ROWS 100000;

-- A table or view name in the caller's search_path as a qualified name; a query as
-- a temporary view bound now.
CREATE OR REPLACE FUNCTION automl_internal._relation_in_caller_path(relation text) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_relation_in_caller_path' LANGUAGE C STRICT VOLATILE;

CREATE OR REPLACE FUNCTION automl_internal._resolve_training_relation(relation text, target text, caller_search_path text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  rel oid;
  qualified text;
  probe text;
BEGIN
  IF relation ~* '^\s*(select|with|values|table)\s' THEN
    PERFORM automl_internal._check_training_query(relation);
    -- Newlines around the query: a trailing -- comment cannot swallow the parenthesis.
    -- Clustering has no target: the query itself must run.
    probe := format(E'SELECT %s FROM (\n%s\n) AS training_query LIMIT 0',
                    CASE WHEN target IS NULL THEN '*' ELSE format('%I', target) END, relation);
    BEGIN
      -- The submitter's own query, as the submitter, in the submitter's search_path.
      PERFORM pg_catalog.set_config('search_path', caller_search_path, true);
      EXECUTE probe;
      PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    EXCEPTION WHEN undefined_column THEN
      RAISE EXCEPTION 'column "%" does not exist in the training query', target
        USING ERRCODE = 'undefined_column', DETAIL = SQLERRM;
    END;
    RETURN relation;
  END IF;
  PERFORM pg_catalog.set_config('search_path', caller_search_path, true);
  rel := pg_catalog.to_regclass(relation);
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  IF rel IS NULL THEN
    RAISE EXCEPTION 'relation "%" does not exist', relation
      USING ERRCODE = 'undefined_table',
            HINT = 'Pass a table or view name (schema-qualified if not on the search_path) or a SELECT statement.';
  END IF;
  SELECT format('%I.%I', n.nspname, c.relname) INTO qualified
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
  IF target IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_attribute
                  WHERE attrelid = rel AND attname = target AND attnum > 0 AND NOT attisdropped) THEN
    RAISE EXCEPTION 'column "%" does not exist in relation "%"', target, qualified
      USING ERRCODE = 'undefined_column';
  END IF;
  IF NOT has_table_privilege(rel, 'SELECT') THEN
    RAISE EXCEPTION 'permission denied for relation "%"', qualified
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = 'A job reads its data with the privileges of the role that submits it.';
  END IF;
  RETURN qualified;
END
$$;
