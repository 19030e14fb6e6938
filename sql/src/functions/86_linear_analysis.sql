-- Linear analysis: OLS of a target on columns of a relation, with statsmodels'
-- inference statistics (core/src/linear_analysis.cpp does the numbers).
--
-- Numeric columns enter as they are; text, boolean and enum columns (and any named
-- in options.categorical) by treatment coding: one 0/1 column per level but the
-- first in the column's own order, named "column=level". Rows with a NULL in the
-- target or a term are left out (counted in a NOTICE), before the levels are taken.

CREATE OR REPLACE FUNCTION automl_internal._linear_analysis(source text, target text, options jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  opts jsonb := coalesce(options, '{}');
  unknown text;
  terms text[];
  categorical text[];
  term text;
  category "char";
  complete text;
  levels text[];
  exprs text[] := '{}';
  names text[] := '{}';
  design float8[];
  total bigint;
  used bigint;
BEGIN
  IF source IS NULL OR target IS NULL THEN
    RAISE EXCEPTION 'linear_analysis needs a relation and a target' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF jsonb_typeof(opts) <> 'object' THEN
    RAISE EXCEPTION 'options must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT string_agg(format('"%s"', k), ', ') INTO unknown FROM jsonb_object_keys(opts) k
   WHERE k NOT IN ('terms', 'categorical', 'intercept', 'alpha');
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION 'unknown linear_analysis option %', unknown
      USING ERRCODE = 'invalid_parameter_value', HINT = 'The options are terms, categorical, intercept and alpha.';
  END IF;
  IF opts ? 'intercept' AND jsonb_typeof(opts -> 'intercept') <> 'boolean'
     OR opts ? 'alpha' AND jsonb_typeof(opts -> 'alpha') <> 'number' THEN
    RAISE EXCEPTION 'options.intercept must be a boolean and options.alpha a number'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF automl_internal._column_category(source, target, 'target') <> 'N' THEN
    RAISE EXCEPTION 'target "%" is not a number', target USING ERRCODE = 'datatype_mismatch';
  END IF;
  categorical := coalesce(automl_internal._text_array_option(opts, 'categorical'), '{}');
  terms := coalesce(automl_internal._text_array_option(opts, 'terms'),
                    ARRAY(SELECT a.attname::text FROM pg_attribute a
                           WHERE a.attrelid = source::regclass AND a.attnum > 0 AND NOT a.attisdropped
                             AND a.attname <> target ORDER BY a.attnum));
  IF target = ANY (terms) OR EXISTS (SELECT FROM unnest(terms) t GROUP BY t HAVING count(*) > 1) THEN
    RAISE EXCEPTION 'options.terms must name each column once, and not the target "%"', target
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT FROM unnest(categorical) c WHERE c <> ALL (terms)) THEN
    RAISE EXCEPTION 'options.categorical names a column that is not a term' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  complete := format('_la.%I IS NOT NULL', target)
              || coalesce((SELECT string_agg(format(' AND _la.%I IS NOT NULL', t), '') FROM unnest(terms) t), '');
  FOREACH term IN ARRAY terms LOOP
    category := automl_internal._column_category(source, term, 'term');
    IF term = ANY (categorical) OR category IN ('S', 'B', 'E') THEN
      EXECUTE format('SELECT array_agg(v::text ORDER BY v) FROM (SELECT DISTINCT _la.%I AS v FROM %s AS _la WHERE %s) d',
                     term, source, complete) INTO levels;
      IF cardinality(levels) > 100 THEN
        RAISE EXCEPTION 'term "%" has % levels; at most 100 become treatment columns', term, cardinality(levels)
          USING ERRCODE = 'program_limit_exceeded', HINT = 'Group its levels in a query, or leave it out of options.terms.';
      END IF;
      FOR i IN 2 .. coalesce(cardinality(levels), 0) LOOP
        exprs := exprs || format('(_la.%I::text = %L)::int::float8', term, levels[i]);
        names := names || (term || '=' || levels[i]);
      END LOOP;
      IF coalesce(cardinality(levels), 0) < 2 THEN
        RAISE EXCEPTION 'term "%" has a single level', term
          USING ERRCODE = 'invalid_parameter_value', HINT = 'Leave it out of options.terms.';
      END IF;
    ELSIF category = 'N' THEN
      exprs := exprs || format('_la.%I::float8', term);
      names := names || term;
    ELSE
      RAISE EXCEPTION 'term "%" is neither a number nor a category', term
        USING ERRCODE = 'datatype_mismatch',
              HINT = 'Cast it in a query, or name it in options.categorical to treat its values as levels.';
    END IF;
  END LOOP;
  EXECUTE format('SELECT array_agg(ARRAY[%s]) FILTER (WHERE %s), count(*) FROM %s AS _la',
                 array_to_string(format('_la.%I::float8', target) || exprs, ', '), complete, source)
    INTO design, total;
  used := coalesce(array_length(design, 1), 0);
  IF total > used THEN
    RAISE NOTICE 'linear_analysis: % of % rows have a NULL in the target or a term and are left out', total - used, total;
  END IF;
  IF design IS NULL THEN
    RAISE EXCEPTION 'linear analysis needs more rows (0) than coefficients (%)',
      cardinality(names) + CASE WHEN coalesce((opts ->> 'intercept')::boolean, true) THEN 1 ELSE 0 END
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN automl_internal._linear_fit(design, names, coalesce((opts ->> 'intercept')::boolean, true),
                                     coalesce((opts ->> 'alpha')::float8, 0.05));
END
$$;

CREATE OR REPLACE FUNCTION automl_internal._linear_analysis_terms(source text, target text, options jsonb)
RETURNS TABLE (term text, coef float8, std_err float8, t float8, p_value float8, ci_low float8, ci_high float8, vif float8)
LANGUAGE sql AS $$
  SELECT r.* FROM jsonb_to_recordset(automl_internal._linear_analysis(source, target, options) -> 'terms')
    AS r(term text, coef float8, std_err float8, t float8, p_value float8, ci_low float8, ci_high float8, vif float8);
$$;

CREATE OR REPLACE FUNCTION automl_internal._linear_analysis_summary(source text, target text, options jsonb)
RETURNS TABLE (n bigint, df_model integer, df_resid integer, r_squared float8, adj_r_squared float8,
               f_statistic float8, f_p_value float8, log_likelihood float8, aic float8, bic float8,
               condition_number float8, residual_std_err float8)
LANGUAGE sql AS $$
  SELECT r.* FROM jsonb_to_record(automl_internal._linear_analysis(source, target, options) -> 'summary')
    AS r(n bigint, df_model integer, df_resid integer, r_squared float8, adj_r_squared float8,
         f_statistic float8, f_p_value float8, log_likelihood float8, aic float8, bic float8,
         condition_number float8, residual_std_err float8);
$$;

CREATE OR REPLACE FUNCTION automl.linear_analysis(relation text, target text, options jsonb DEFAULT '{}')
RETURNS TABLE (term text, coef float8, std_err float8, t float8, p_value float8, ci_low float8, ci_high float8, vif float8)
LANGUAGE sql AS $$
  SELECT * FROM automl_internal._linear_analysis_terms(
    automl_internal._relation_in_caller_path(linear_analysis.relation), linear_analysis.target, linear_analysis.options);
$$;

CREATE OR REPLACE FUNCTION automl.linear_analysis_summary(relation text, target text, options jsonb DEFAULT '{}')
RETURNS TABLE (n bigint, df_model integer, df_resid integer, r_squared float8, adj_r_squared float8,
               f_statistic float8, f_p_value float8, log_likelihood float8, aic float8, bic float8,
               condition_number float8, residual_std_err float8)
LANGUAGE sql AS $$
  SELECT * FROM automl_internal._linear_analysis_summary(
    automl_internal._relation_in_caller_path(linear_analysis_summary.relation), linear_analysis_summary.target,
    linear_analysis_summary.options);
$$;
