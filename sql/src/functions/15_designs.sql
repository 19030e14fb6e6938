-- Designs of experiments: a job of kind design picks the runs of an experiment
-- (core/include/automl/design.hpp; docs/analysis.md).

-- The model argument as a design spec holds it: a named model, or a list of terms
-- written "A, B, A:B, A^2" (or "A + B + …", or a JSON array).
CREATE OR REPLACE FUNCTION automl_internal._design_model(model text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN model IS NULL THEN to_jsonb('linear'::text)
              WHEN lower(btrim(model)) IN ('linear', 'interactions', 'quadratic') THEN to_jsonb(lower(btrim(model)))
              WHEN btrim(model) LIKE '[%' THEN model::jsonb
              ELSE to_jsonb(ARRAY(SELECT btrim(t) FROM regexp_split_to_table(model, '[,+]') t WHERE btrim(t) <> '')) END;
$$;

-- options.include given as a relation (the runs already done): its rows' factor
-- columns, read now as the submitter in the submitter's search_path. Other columns
-- (the responses measured) are left behind.
CREATE OR REPLACE FUNCTION automl_internal._design_include_rows(relation text, factors jsonb, caller_search_path text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  names text[];
  name text;
  source text;
  picked jsonb;
  n bigint;
BEGIN
  names := CASE jsonb_typeof(factors)
             WHEN 'object' THEN ARRAY(SELECT jsonb_object_keys(factors))
             WHEN 'array' THEN ARRAY(SELECT f ->> 'name' FROM jsonb_array_elements(factors) f WHERE jsonb_typeof(f) = 'object')
             ELSE '{}' END;
  PERFORM pg_catalog.set_config('search_path', caller_search_path, true);
  source := automl_internal._relation_in_caller_path(relation);
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  FOREACH name IN ARRAY names LOOP
    PERFORM automl_internal._column_category(source, name, 'factor');
  END LOOP;
  EXECUTE format('SELECT count(*), jsonb_agg((SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(to_jsonb(_include.*)) e'
                 '                           WHERE e.key = ANY ($1)))'
                 '  FROM (SELECT * FROM %s LIMIT 10001) _include', source)
    INTO n, picked USING names;
  IF n > 10000 THEN
    RAISE EXCEPTION 'options.include has more than 10000 runs' USING ERRCODE = 'program_limit_exceeded';
  END IF;
  RETURN coalesce(picked, '[]');
END
$$;

-- Queues a design job. Not pinned, so the jobs trigger sees the caller's
-- search_path (into_table, options.include). options.project files the job under a
-- project; options.if_exists says what an existing into_table gets (as for imports).
CREATE OR REPLACE FUNCTION automl.design(factors jsonb, model text DEFAULT 'linear', runs integer DEFAULT NULL,
                                         into_table text DEFAULT NULL, criterion text DEFAULT 'D',
                                         options jsonb DEFAULT '{}') RETURNS bigint
LANGUAGE sql AS $$
  SELECT automl_internal._require_primary('automl.design');
  INSERT INTO automl.jobs (kind, project, spec)
  VALUES ('design', design.options ->> 'project',
          pg_catalog.jsonb_build_object('factors', design.factors, 'model', automl_internal._design_model(design.model),
                                        'runs', design.runs, 'into_table', design.into_table,
                                        'criterion', coalesce(design.criterion, 'D'),
                                        'options', coalesce(design.options, '{}') - 'project'))
  RETURNING id;
$$;
