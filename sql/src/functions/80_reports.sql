-- Reports (docs/reports.md): the numbers behind a model's charts as tables, and
-- self-contained HTML pages drawn from them.
--
-- The worker computes a model's evaluation once, in the job's final transaction, from
-- the rows its metrics come from (automl.models.evaluation; docs/report-documents.md);
-- these functions only read it, so a report of a model trained on a billion rows
-- costs what one of a thousand rows does.

-- The stored evaluation of a model the caller may read; `needs` names the task a
-- table function applies to (NULL: any).
CREATE OR REPLACE FUNCTION automl_internal._evaluation_of(model_id bigint, what text, needs text)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m record;
BEGIN
  IF model_id IS NULL THEN
    RAISE EXCEPTION '% needs a model id', what USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM automl_internal._require_read(automl_internal._model_project(model_id), 'predict');
  SELECT mm.task, mm.evaluation INTO m FROM automl.models mm WHERE mm.id = model_id;
  IF needs IS NOT NULL AND m.task <> needs THEN
    RAISE EXCEPTION '% needs a % model; model % is a % model', what, needs, model_id, m.task
      USING ERRCODE = 'wrong_object_type';
  END IF;
  IF m.evaluation IS NULL OR jsonb_typeof(m.evaluation) <> 'object' THEN
    RAISE EXCEPTION 'model % has no evaluation data', model_id USING ERRCODE = 'no_data_found',
      DETAIL = 'Models trained before pg_automl 0.2.0, and tagging models, have none.',
      HINT = 'Train the project again: automl.retrain or automl.train.';
  END IF;
  RETURN m.evaluation;
END
$$;

CREATE OR REPLACE FUNCTION automl.confusion_matrix(model_id bigint)
RETURNS TABLE (actual text, predicted text, count bigint)
LANGUAGE sql STABLE AS $$
  WITH e AS (SELECT automl_internal._evaluation_of(confusion_matrix.model_id, 'confusion_matrix', 'classification') AS e),
       classes AS (SELECT c.label, c.n FROM e, jsonb_array_elements_text(e.e->'classes') WITH ORDINALITY AS c(label, n)),
       cells AS (SELECT cell->>'actual' AS actual, cell->>'predicted' AS predicted, (cell->>'count')::bigint AS count
                   FROM e, jsonb_array_elements(e.e->'confusion_matrix') AS cell)
  SELECT a.label, p.label, coalesce(cells.count, 0)
    FROM classes a CROSS JOIN classes p
    LEFT JOIN cells ON cells.actual = a.label AND cells.predicted = p.label
   ORDER BY a.n, p.n;
$$;

-- One curve's points in order; a JSON null threshold is the curve's start (+inf, as
-- scikit-learn's roc_curve).
CREATE OR REPLACE FUNCTION automl_internal._curve_points(model_id bigint, curve text)
RETURNS TABLE (class text, threshold float8, x float8, y float8)
LANGUAGE sql STABLE AS $$
  SELECT c.curve->>'class', coalesce((p.point->>0)::float8, 'Infinity'), (p.point->>1)::float8, (p.point->>2)::float8
    FROM automl_internal._evaluation_of(_curve_points.model_id, _curve_points.curve, 'classification') AS e,
         jsonb_array_elements(e->_curve_points.curve) WITH ORDINALITY AS c(curve, cn),
         jsonb_array_elements(c.curve->'points') WITH ORDINALITY AS p(point, pn)
   ORDER BY c.cn, p.pn;
$$;

CREATE OR REPLACE FUNCTION automl.roc_curve(model_id bigint)
RETURNS TABLE (class text, threshold float8, fpr float8, tpr float8)
LANGUAGE sql STABLE AS $$
  SELECT * FROM automl_internal._curve_points(roc_curve.model_id, 'roc_curve');
$$;

CREATE OR REPLACE FUNCTION automl.pr_curve(model_id bigint)
RETURNS TABLE (class text, threshold float8, "precision" float8, recall float8)
LANGUAGE sql STABLE AS $$
  SELECT * FROM automl_internal._curve_points(pr_curve.model_id, 'pr_curve');
$$;

CREATE OR REPLACE FUNCTION automl.calibration_curve(model_id bigint)
RETURNS TABLE (lower float8, upper float8, mean_predicted float8, fraction_positive float8, count bigint)
LANGUAGE sql STABLE AS $$
  SELECT (b->>'lower')::float8, (b->>'upper')::float8, (b->>'mean_predicted')::float8,
         (b->>'fraction_positive')::float8, (b->>'count')::bigint
    FROM automl_internal._evaluation_of(calibration_curve.model_id, 'calibration_curve', 'classification') AS e,
         jsonb_array_elements(e->'calibration'->'bins') WITH ORDINALITY AS bins(b, n)
   ORDER BY bins.n;
$$;

CREATE OR REPLACE FUNCTION automl.feature_importance(model_id bigint)
RETURNS TABLE (feature text, importance float8)
LANGUAGE sql STABLE AS $$
  SELECT f->>'feature', (f->>'importance')::float8
    FROM automl_internal._evaluation_of(feature_importance.model_id, 'feature_importance', NULL) AS e,
         jsonb_array_elements(e->'feature_importance') WITH ORDINALITY AS fi(f, n)
   ORDER BY fi.n;
$$;

CREATE OR REPLACE FUNCTION automl.residuals(model_id bigint)
RETURNS TABLE (actual float8, predicted float8, residual float8)
LANGUAGE sql STABLE AS $$
  SELECT (s->>0)::float8, (s->>1)::float8, (s->>0)::float8 - (s->>1)::float8
    FROM automl_internal._evaluation_of(residuals.model_id, 'residuals', 'regression') AS e,
         jsonb_array_elements(e->'residuals'->'sample') WITH ORDINALITY AS r(s, n)
   ORDER BY r.n;
$$;

-- The renderer (core/src/report_*.cpp): a document in, one HTML page out.
CREATE OR REPLACE FUNCTION automl_internal._render_report(kind text, document jsonb) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_render_report' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- Where a model stands in its project's deployment: serving, an A/B arm, a shadow,
-- or not deployed.
CREATE OR REPLACE FUNCTION automl_internal._deployment_state(model_id bigint, project text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    (SELECT CASE
              WHEN d.arms IS NOT NULL AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.arms) a
                                                   WHERE (a->>'model_id')::bigint = _deployment_state.model_id)
                THEN jsonb_build_object('state', 'arm', 'strategy', d.strategy, 'deployed_at', d.deployed_at,
                       'weight', (SELECT (a->>'weight')::float8 FROM jsonb_array_elements(d.arms) a
                                   WHERE (a->>'model_id')::bigint = _deployment_state.model_id LIMIT 1))
              WHEN d.model_id = _deployment_state.model_id
                THEN jsonb_build_object('state', 'serving', 'strategy', d.strategy, 'deployed_at', d.deployed_at)
              WHEN d.shadow_model_id = _deployment_state.model_id
                THEN jsonb_build_object('state', 'shadow', 'strategy', d.strategy, 'deployed_at', d.deployed_at)
            END
       FROM automl.deployed_models d WHERE d.project = _deployment_state.project),
    jsonb_build_object('state', 'not deployed'));
$$;

CREATE OR REPLACE FUNCTION automl.report(model_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m automl.models;
  job jsonb;
BEGIN
  IF model_id IS NULL THEN
    RAISE EXCEPTION 'report needs a model id' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM automl_internal._require_read(automl_internal._model_project(model_id), 'predict');
  SELECT * INTO m FROM automl.models mm WHERE mm.id = model_id;
  -- The job as far as the caller may see it: automl_reader has no jobs table, and
  -- row-level security shows a tenant its own jobs only.
  IF pg_catalog.has_table_privilege('automl.jobs', 'SELECT') THEN
    SELECT jsonb_build_object('id', j.id, 'status', j.status, 'created_at', j.created_at,
                              'started_at', j.started_at, 'finished_at', j.finished_at,
                              'attempts', j.attempts, 'worker', j.worker)
      INTO job FROM automl.jobs j WHERE j.id = m.job_id;
  END IF;
  RETURN automl_internal._render_report('model', jsonb_build_object(
    'generated_at', now(),
    'model', jsonb_build_object(
      'id', m.id, 'project', m.project, 'version', m.version, 'algorithm', m.algorithm, 'task', m.task,
      'target', m.target, 'hyperparams', m.hyperparams, 'metrics', m.metrics,
      'feature_names', to_jsonb(m.feature_names), 'feature_version', m.feature_version,
      'classes', to_jsonb(m.classes), 'size_bytes', m.size_bytes, 'created_by', m.created_by,
      'created_at', m.created_at),
    'info', m.info,
    'job', job,
    'deployment', automl_internal._deployment_state(m.id, m.project),
    'evaluation', m.evaluation,
    'trials', (SELECT coalesce(jsonb_agg(to_jsonb(t) - 'job_id' ORDER BY t.trial), '[]')
                 FROM automl.trials t WHERE t.job_id = m.job_id)));
END
$$;

-- The SQL condition "expr is a finite number": NULL and NaN fail both comparisons.
CREATE OR REPLACE FUNCTION automl_internal._is_finite(expr text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT format('(%1$s)::float8 > ''-Infinity'' AND (%1$s)::float8 < ''Infinity''', expr);
$$;

-- Histograms (20 bins over the sample's finite range; one bin when every value is the
-- same) of the numeric columns of the sample _describe_columns kept, and the
-- correlations between the first 30 of them.
CREATE OR REPLACE FUNCTION automl_internal._sample_charts(sample text, numeric_columns text[]) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  histograms jsonb := '{}';
  h jsonb;
  lo float8;
  hi float8;
  col text;
  finite text;
  shown text[] := numeric_columns[1:30];
  pairs text[] := '{}';
  correlations jsonb;
BEGIN
  FOREACH col IN ARRAY numeric_columns LOOP
    finite := automl_internal._is_finite(format('%I', col));
    EXECUTE format('SELECT min(%1$I::float8), max(%1$I::float8) FROM pg_temp.%2$I WHERE %3$s', col, sample, finite)
      INTO lo, hi;
    CONTINUE WHEN lo IS NULL;
    EXECUTE format(
      'SELECT jsonb_build_object(''edges'', (SELECT jsonb_agg($1 + i * ($2 - $1) / $3 ORDER BY i) FROM generate_series(0, $3) i),'
      ' ''counts'', (SELECT jsonb_agg(coalesce(n, 0) ORDER BY b) FROM generate_series(1, $3) b'
      '   LEFT JOIN (SELECT least(width_bucket(%1$I::float8, $1, $2, $3), $3) AS b, count(*) AS n'
      '                FROM pg_temp.%2$I WHERE %3$s GROUP BY 1) h USING (b)))',
      col, sample, finite)
      INTO h USING lo, CASE WHEN hi > lo THEN hi ELSE lo + 1 END, CASE WHEN hi > lo THEN 20 ELSE 1 END;
    histograms := histograms || jsonb_build_object(col, h);
  END LOOP;
  IF cardinality(shown) >= 2 THEN
    FOR i IN 1 .. cardinality(shown) LOOP
      FOR j IN 1 .. cardinality(shown) LOOP
        pairs := pairs || CASE WHEN i = j THEN '1::float8'
          ELSE format('corr(%I::float8, %I::float8) FILTER (WHERE %s AND %s)', shown[i], shown[j],
                      automl_internal._is_finite(format('%I', shown[i])), automl_internal._is_finite(format('%I', shown[j]))) END;
      END LOOP;
    END LOOP;
    EXECUTE format('SELECT to_jsonb(ARRAY[%s]) FROM pg_temp.%I', array_to_string(pairs, ', '), sample) INTO correlations;
    correlations := jsonb_build_object('columns', to_jsonb(shown), 'matrix',
      (SELECT jsonb_agg((SELECT jsonb_agg(correlations->((i - 1) * cardinality(shown) + j - 1) ORDER BY j)
                           FROM generate_series(1, cardinality(shown)) j) ORDER BY i)
         FROM generate_series(1, cardinality(shown)) i));
  END IF;
  RETURN jsonb_build_object('histograms', histograms, 'correlations', correlations);
END
$$;

CREATE OR REPLACE FUNCTION automl_internal._describe_report(relation text, sample_rows bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  view_name text := 'automl_describe_' || pg_backend_pid();
  columns jsonb;
  numeric_columns text[];
  charts jsonb;
  total bigint;
  sampled boolean;
BEGIN
  SELECT jsonb_agg(jsonb_build_object(
           'name', d.column_name, 'type', d.type, 'sql_type', d.type, 'rows', d.rows, 'nulls', d.nulls,
           'distinct', d.distinct_values, 'mean', d.mean, 'stddev', d.stddev, 'min', d.min, 'q1', d.q1,
           'median', d.median, 'q3', d.q3, 'max', d.max, 'top', d.top_values) ORDER BY d.n),
         array_agg(d.column_name ORDER BY d.n) FILTER (WHERE d.median IS NOT NULL),  -- numbers with a value
         max(d.rows), bool_or(d.sampled)
    INTO columns, numeric_columns, total, sampled
    FROM automl_internal._describe_columns(relation, sample_rows, true)
         WITH ORDINALITY AS d(column_name, type, rows, nulls, distinct_values, mean, stddev, min, q1, median, q3,
                              max, top_values, sampled, n);
  charts := automl_internal._sample_charts(view_name || '_sample', coalesce(numeric_columns, '{}'));
  EXECUTE format('DROP TABLE pg_temp.%I', view_name || '_sample');
  IF pg_catalog.to_regclass(format('pg_temp.%I', view_name)) IS NOT NULL THEN  -- a query's view
    EXECUTE format('DROP VIEW pg_temp.%I', view_name);
  END IF;
  RETURN automl_internal._render_report('data', jsonb_build_object(
    'generated_at', now(), 'relation', relation, 'rows', total, 'sampled', sampled,
    'sample_rows', least(total, sample_rows),
    'columns', (SELECT jsonb_agg(c || CASE WHEN charts->'histograms' ? (c->>'name')
                                          THEN jsonb_build_object('histogram', charts->'histograms'->(c->>'name'))
                                          ELSE '{}' END ORDER BY n)
                  FROM jsonb_array_elements(columns) WITH ORDINALITY AS cols(c, n)),
    'correlations', charts->'correlations'));
END
$$;

-- What the caller named, resolved in the caller's search_path (a query becomes a
-- temporary view), profiled and drawn by the pinned bodies above.
CREATE OR REPLACE FUNCTION automl.describe_report(relation text, sample_rows bigint DEFAULT 1000000) RETURNS text
LANGUAGE sql AS $$
  SELECT automl_internal._describe_report(automl_internal._relation_in_caller_path(describe_report.relation),
                                           describe_report.sample_rows);
$$;
