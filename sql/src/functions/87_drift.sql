-- Data drift (docs/operations.md, "Drift"): today's data against the training
-- distribution the serving model keeps in its profile (core/src/drift_reference.cpp).

-- The thresholds a drift check uses: the documented defaults, overridden per key.
CREATE OR REPLACE FUNCTION automl_internal._drift_thresholds(overrides jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  key text;
BEGIN
  IF overrides IS NOT NULL AND jsonb_typeof(overrides) <> 'object' THEN
    RAISE EXCEPTION 'drift thresholds must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOR key IN SELECT jsonb_object_keys(coalesce(overrides, '{}')) LOOP
    IF key NOT IN ('psi', 'ks', 'chi2', 'null_rate') THEN
      RAISE EXCEPTION 'unknown drift threshold "%"', key USING ERRCODE = 'invalid_parameter_value',
        HINT = 'Thresholds: psi, ks, chi2, null_rate.';
    END IF;
    IF jsonb_typeof(overrides -> key) <> 'number' OR (overrides ->> key)::float8 <= 0 THEN
      RAISE EXCEPTION 'drift threshold "%" must be a positive number', key USING ERRCODE = 'invalid_parameter_value';
    END IF;
  END LOOP;
  RETURN jsonb_build_object('psi', 0.2, 'ks', 0.1, 'null_rate', 0.1) || coalesce(overrides, '{}');
END
$$;

-- Population stability index of observed against expected fractions, each floored
-- at 1e-4 so an empty bin costs a bounded amount instead of infinity.
CREATE OR REPLACE FUNCTION automl_internal._psi(actual float8[], expected float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
  SELECT sum((greatest(a, 1e-4) - greatest(e, 1e-4)) * ln(greatest(a, 1e-4) / greatest(e, 1e-4)))
    FROM unnest(actual, expected) AS u(a, e);
$$;

-- One numeric column (numbers, dates and timestamps as epoch seconds) read once:
-- the KS statistic at the training percentiles and beyond its largest value, the PSI
-- over the training deciles plus the two bins outside the training range.
CREATE OR REPLACE FUNCTION automl_internal._drift_numeric(source text, name text, column_type text, ref jsonb,
                                                          limits jsonb)
RETURNS TABLE (statistic text, value float8, threshold float8)
LANGUAGE plpgsql AS $$
DECLARE
  expr text := CASE WHEN column_type IN ('date', 'timestamp') THEN format('extract(epoch FROM %I)::float8', name)
                    ELSE format('%I::float8', name) END;
  points float8[] := ARRAY(SELECT jsonb_array_elements_text(ref -> 'points')::float8);
  below float8[] := ARRAY(SELECT jsonb_array_elements_text(ref -> 'below')::float8);
  edges float8[] := ARRAY(SELECT jsonb_array_elements_text(ref -> 'edges')::float8);
  expected float8[] := ARRAY(SELECT jsonb_array_elements_text(ref -> 'fractions')::float8);
  total bigint;
  present bigint;
  ks_counts jsonb;
  bin_counts jsonb;
  ks float8;
  seen float8 := 0;
  actual float8[];
BEGIN
  EXECUTE format(
    'WITH v AS MATERIALIZED (SELECT nullif(%s, ''NaN''::float8) AS x FROM %s)'
    ' SELECT (SELECT count(*) FROM v), (SELECT count(x) FROM v),'
    ' (SELECT coalesce(jsonb_object_agg(b, c), ''{}'') FROM (SELECT width_bucket(x, $1) b, count(*) c'
    '   FROM v WHERE x IS NOT NULL GROUP BY 1) s),'
    ' (SELECT coalesce(jsonb_object_agg(b, c), ''{}'') FROM (SELECT CASE WHEN x < $3 THEN -1 WHEN x > $4 THEN -2'
    '   ELSE width_bucket(x, $2) END b, count(*) c FROM v WHERE x IS NOT NULL GROUP BY 1) s)', expr, source)
    INTO total, present, ks_counts, bin_counts
    USING points, edges, (ref ->> 'lo')::float8, (ref ->> 'hi')::float8;
  statistic := 'null_rate_change';
  value := abs(CASE WHEN total > 0 THEN 1 - present::float8 / total ELSE 0 END - (ref ->> 'null_rate')::float8);
  threshold := (limits ->> 'null_rate')::float8;
  RETURN NEXT;
  IF present = 0 OR cardinality(points) = 0 THEN
    RETURN;  -- nothing to compare the distribution of
  END IF;
  -- The share of today's values below points[i] is the count in buckets 0 .. i-1.
  ks := coalesce((bin_counts ->> '-2')::float8, 0) / present;  -- above the training maximum
  FOR i IN 1 .. cardinality(points) LOOP
    ks := greatest(ks, abs(below[i] - seen / present));
    seen := seen + coalesce((ks_counts ->> i::text)::float8, 0);
  END LOOP;
  actual := ARRAY[coalesce((bin_counts ->> '-1')::float8, 0) / present, coalesce((bin_counts ->> '-2')::float8, 0) / present]
            || ARRAY(SELECT coalesce((bin_counts ->> b::text)::float8, 0) / present
                       FROM generate_series(0, cardinality(edges)) b ORDER BY b);
  statistic := 'psi';
  value := automl_internal._psi(actual, ARRAY[0, 0]::float8[] || expected);
  threshold := (limits ->> 'psi')::float8;
  RETURN NEXT;
  statistic := 'ks';
  value := ks;
  threshold := (limits ->> 'ks')::float8;
  RETURN NEXT;
END
$$;

-- One categorical (or boolean) column: PSI and Pearson's chi-square over the training
-- top values plus "other", and the change of the null rate.
CREATE OR REPLACE FUNCTION automl_internal._drift_category(source text, name text, ref jsonb, limits jsonb)
RETURNS TABLE (statistic text, value float8, threshold float8)
LANGUAGE plpgsql AS $$
DECLARE
  known text[] := ARRAY(SELECT jsonb_array_elements_text(ref -> 'values'));
  expected float8[] := ARRAY(SELECT jsonb_array_elements_text(ref -> 'fractions')::float8) || (ref ->> 'other')::float8;
  counts jsonb;
  total float8;
  nulls float8;
  present float8;
  actual float8[];
BEGIN
  EXECUTE format(
    'SELECT coalesce(jsonb_object_agg(i, c), ''{}'') FROM (SELECT CASE WHEN x IS NULL THEN -1'
    ' ELSE coalesce(array_position($1, x), 0) END i, count(*) c FROM (SELECT %I::text AS x FROM %s) v GROUP BY 1) s',
    name, source) INTO counts USING known;
  SELECT coalesce(sum(c::float8), 0) INTO total FROM jsonb_each_text(counts) e(k, c);
  nulls := coalesce((counts ->> '-1')::float8, 0);
  present := total - nulls;
  statistic := 'null_rate_change';
  value := abs(CASE WHEN total > 0 THEN nulls / total ELSE 0 END - (ref ->> 'null_rate')::float8);
  threshold := (limits ->> 'null_rate')::float8;
  RETURN NEXT;
  IF present = 0 OR cardinality(known) = 0 THEN
    RETURN;
  END IF;
  actual := ARRAY(SELECT coalesce((counts ->> i::text)::float8, 0) / present
                    FROM generate_series(1, cardinality(known)) i ORDER BY i)
            || coalesce((counts ->> '0')::float8, 0) / present;
  statistic := 'psi';
  value := automl_internal._psi(actual, expected);
  threshold := (limits ->> 'psi')::float8;
  RETURN NEXT;
  statistic := 'chi2';
  SELECT sum((a - greatest(e, 1e-4)) ^ 2 / greatest(e, 1e-4)) * present INTO value FROM unnest(actual, expected) u(a, e)
   WHERE a > 0 OR e > 0;
  threshold := coalesce((limits ->> 'chi2')::float8, (ref ->> 'chi2_critical')::float8);
  RETURN NEXT;
END
$$;

-- The serving model's training distribution against `relation` (already resolved in
-- the caller's search_path; NULL: the relation the model was trained on, as it is now).
CREATE OR REPLACE FUNCTION automl_internal._drift(project text, relation text, thresholds jsonb)
RETURNS TABLE (feature text, kind text, statistic text, value float8, threshold float8, drifted boolean)
LANGUAGE plpgsql AS $$
DECLARE
  limits jsonb := automl_internal._drift_thresholds(thresholds);
  model record;
  source text := relation;
  col jsonb;
  s record;
BEGIN
  PERFORM automl_internal._require_read(project, 'predict');
  SELECT m.id, m.version, m.evaluation, j.spec ->> 'relation' AS trained_on INTO model
    FROM automl.models m LEFT JOIN automl.jobs j ON j.id = m.job_id
   WHERE m.project = _drift.project
   ORDER BY (m.id = (SELECT d.model_id FROM automl.deployed_models d WHERE d.project = _drift.project)) DESC, m.id DESC
   LIMIT 1;
  IF model.id IS NULL THEN
    RAISE EXCEPTION 'project "%" has no model', project USING ERRCODE = 'undefined_object';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(model.evaluation -> 'profile') p WHERE p ? 'drift') THEN
    RAISE EXCEPTION 'model version % of project "%" keeps no training distribution', model.version, project
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Models trained by pg_automl 0.2.0 keep one: retrain it.';
  END IF;
  IF source IS NULL THEN
    IF model.trained_on IS NULL OR model.trained_on ~* '^\s*(select|with|values|table)\s' THEN
      RAISE EXCEPTION 'name the relation to compare: project "%" was trained on a query or its job is gone', project
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF to_regclass(model.trained_on) IS NULL THEN
      RAISE EXCEPTION 'relation "%" (the training data) no longer exists', model.trained_on USING ERRCODE = 'undefined_table';
    END IF;
    source := to_regclass(model.trained_on)::text;
  END IF;
  FOR col IN SELECT p FROM jsonb_array_elements(model.evaluation -> 'profile') p
              WHERE p ? 'drift' AND NOT coalesce((p ->> 'target')::boolean, false) LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = source::regclass
                      AND a.attname = col ->> 'name' AND a.attnum > 0 AND NOT a.attisdropped) THEN
      RAISE EXCEPTION 'relation % has no column "%", a feature of project "%"', source, col ->> 'name', project
        USING ERRCODE = 'undefined_column';
    END IF;
    feature := col ->> 'name';
    kind := col ->> 'type';
    FOR s IN SELECT * FROM (
               SELECT * FROM automl_internal._drift_numeric(source, feature, kind, col -> 'drift', limits)
                WHERE kind IN ('numeric', 'date', 'timestamp')
               UNION ALL
               SELECT * FROM automl_internal._drift_category(source, feature, col -> 'drift', limits)
                WHERE kind IN ('categorical', 'boolean')) x LOOP
      statistic := s.statistic;
      value := s.value;
      threshold := s.threshold;
      drifted := s.value > s.threshold;
      RETURN NEXT;
    END LOOP;
  END LOOP;
END
$$;

-- What the caller named, resolved in the caller's search_path (a query becomes a
-- temporary view), compared by the pinned body above with `thresholds` over the
-- defaults. No parameter has a default, so drift(project) and drift(project, relation)
-- always mean the two-argument function below.
CREATE OR REPLACE FUNCTION automl.drift(project text, relation text, thresholds jsonb)
RETURNS TABLE (feature text, kind text, statistic text, value float8, threshold float8, drifted boolean)
LANGUAGE sql AS $$
  SELECT * FROM automl_internal._drift(drift.project, automl_internal._relation_in_caller_path(drift.relation),
                                       drift.thresholds);
$$;

-- The contract's drift(project, relation DEFAULT NULL): the documented thresholds.
-- Like the function it calls, it runs in the caller's search_path, where `relation`
-- is resolved.
CREATE OR REPLACE FUNCTION automl.drift(project text, relation text DEFAULT NULL)
RETURNS TABLE (feature text, kind text, statistic text, value float8, threshold float8, drifted boolean)
LANGUAGE sql AS $$
  SELECT * FROM automl.drift(drift.project, drift.relation, '{}'::jsonb);
$$;
