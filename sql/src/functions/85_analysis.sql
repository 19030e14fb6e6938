-- Analysis of a relation the caller names: Pareto fronts and linear analysis.
--
-- Each public function is a thin SQL wrapper that resolves the relation in the
-- caller's search_path (automl_internal._relation_in_caller_path: a name becomes its
-- qualified name, a query a temporary view) and hands it to a pinned body here. The
-- bodies read the relation once, with the caller's privileges, quote every
-- identifier, and pass the numbers to core/ as one two-dimensional float8[].

-- The type category of a column of source, or an error naming it.
CREATE OR REPLACE FUNCTION automl_internal._column_category(source text, column_name text, what text)
RETURNS "char"
LANGUAGE plpgsql STABLE AS $$
DECLARE
  category "char";
BEGIN
  SELECT t.typcategory INTO category
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
   WHERE a.attrelid = source::regclass AND a.attname = column_name AND a.attnum > 0 AND NOT a.attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION '% "%" is not a column of the relation', what, column_name
      USING ERRCODE = 'undefined_column';
  END IF;
  RETURN category;
END
$$;

CREATE OR REPLACE FUNCTION automl_internal._pareto_ranks(objectives float8[], maximize boolean[],
                                                         OUT fronts integer[], OUT crowding float8[])
  AS 'MODULE_PATHNAME', 'automl_pareto_ranks' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- Every row of source with a finite value for each objective, its non-dominated
-- front (1 = the Pareto front) and its NSGA-II crowding distance, in scan order.
-- Rows with a NULL, NaN or infinite objective are left out and counted in a NOTICE.
CREATE OR REPLACE FUNCTION automl_internal._pareto_front(source text, objectives jsonb)
RETURNS TABLE ("row" jsonb, front integer, crowding float8)
LANGUAGE plpgsql AS $$
DECLARE
  objective record;
  maximize boolean[] := '{}';
  exprs text[] := '{}';
  finite text[] := '{}';
  all_rows jsonb[];
  vals float8[];
  total bigint;
  ranks record;
BEGIN
  IF source IS NULL THEN
    RAISE EXCEPTION 'pareto_front needs a relation' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF objectives IS NULL OR jsonb_typeof(objectives) <> 'object' OR objectives = '{}' THEN
    RAISE EXCEPTION 'objectives must be a JSON object of column names and "min" or "max"'
      USING ERRCODE = 'invalid_parameter_value', HINT = 'For example {"strength": "max", "cost": "min"}.';
  END IF;
  IF (SELECT count(*) FROM jsonb_object_keys(objectives)) > 16 THEN
    RAISE EXCEPTION 'pareto_front takes at most 16 objectives' USING ERRCODE = 'program_limit_exceeded';
  END IF;
  FOR objective IN SELECT key, value FROM jsonb_each(objectives) LOOP
    IF jsonb_typeof(objective.value) <> 'string' OR objective.value #>> '{}' NOT IN ('min', 'max') THEN
      RAISE EXCEPTION 'objective "%" must be "min" or "max", not %', objective.key, objective.value
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF automl_internal._column_category(source, objective.key, 'objective') <> 'N' THEN
      RAISE EXCEPTION 'objective "%" is not a number', objective.key
        USING ERRCODE = 'datatype_mismatch', HINT = 'Cast it in a query: automl.pareto_front(''SELECT …'', …).';
    END IF;
    maximize := maximize || (objective.value #>> '{}' = 'max');
    exprs := exprs || format('_pareto_source.%I::float8', objective.key);
    finite := finite || automl_internal._is_finite(format('_pareto_source.%I', objective.key));
  END LOOP;
  EXECUTE format('SELECT array_agg(to_jsonb(_pareto_source.*)) FILTER (WHERE %1$s),'
                 '       array_agg(ARRAY[%2$s]) FILTER (WHERE %1$s), count(*)'
                 '  FROM %3$s AS _pareto_source',
                 array_to_string(finite, ' AND '), array_to_string(exprs, ', '), source)
    INTO all_rows, vals, total;
  IF total > coalesce(cardinality(all_rows), 0) THEN
    RAISE NOTICE 'pareto_front: % of % rows have a NULL, NaN or infinite objective and are left out',
      total - coalesce(cardinality(all_rows), 0), total;
  END IF;
  IF all_rows IS NULL THEN
    RETURN;
  END IF;
  ranks := automl_internal._pareto_ranks(vals, maximize);
  RETURN QUERY SELECT u.r, u.f, u.c FROM unnest(all_rows, ranks.fronts, ranks.crowding) AS u(r, f, c);
END
$$;

CREATE OR REPLACE FUNCTION automl.pareto_front(relation text, objectives jsonb)
RETURNS TABLE ("row" jsonb, front integer, crowding float8)
LANGUAGE sql AS $$
  SELECT * FROM automl_internal._pareto_front(automl_internal._relation_in_caller_path(pareto_front.relation),
                                              pareto_front.objectives);
$$;

CREATE OR REPLACE FUNCTION automl_internal._linear_fit(design float8[], names text[], intercept boolean, alpha float8)
RETURNS jsonb AS 'MODULE_PATHNAME', 'automl_linear_fit' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- A text[] option (a JSON array of strings), or NULL when absent.
CREATE OR REPLACE FUNCTION automl_internal._text_array_option(options jsonb, name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF NOT options ? name THEN
    RETURN NULL;
  END IF;
  IF jsonb_typeof(options -> name) <> 'array'
     OR EXISTS (SELECT FROM jsonb_array_elements(options -> name) e WHERE jsonb_typeof(e) <> 'string') THEN
    RAISE EXCEPTION 'options.% must be an array of column names', name USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN ARRAY(SELECT jsonb_array_elements_text(options -> name));
END
$$;
