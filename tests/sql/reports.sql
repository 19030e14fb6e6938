-- reports: the numbers behind a model's charts (confusion_matrix, roc_curve, pr_curve,
-- calibration_curve, feature_importance, residuals) recomputed here from
-- automl.predict, predict_proba and explain over the rows the model was evaluated on,
-- and the HTML pages (report, describe_report). With test_size => 0 the evaluation
-- rows are the whole table, so SQL sees exactly the rows the worker scored.
SELECT setseed(0.19);
CREATE TABLE rep_bin AS
  SELECT i AS id, round((random() * 4 - 2)::numeric, 3)::float8 AS a, round((random() * 4 - 2)::numeric, 3)::float8 AS b
    FROM generate_series(1, 400) i;
ALTER TABLE rep_bin ADD COLUMN label text;
UPDATE rep_bin SET label = CASE WHEN a + 0.5 * b + (random() - 0.5) > 0 THEN 'yes' ELSE 'no' END;
CREATE VIEW rep_bin_in AS SELECT a, b, label FROM rep_bin;

SELECT automl.train('rep_bin', 'rep_bin_in', 'label', algorithm => 'logistic', test_size => 0) AS job \gset
SELECT status FROM automl.wait(:job);
SELECT id AS model FROM automl.models WHERE project = 'rep_bin' \gset
CREATE TEMP TABLE scored AS
  SELECT label, automl.predict_label('rep_bin', ARRAY[a, b]) AS predicted,
         (automl.predict_proba('rep_bin', ARRAY[a, b]))[2] AS p_yes,
         automl.explain('rep_bin', jsonb_build_object('a', a, 'b', b))->'features' AS contributions
    FROM rep_bin_in;

-- The matrix, zeros included, is the one predict gives; its diagonal is the accuracy.
SELECT * FROM automl.confusion_matrix(:model);
SELECT count(*) AS cells_that_differ FROM (
  (SELECT actual, predicted, count FROM automl.confusion_matrix(:model)
   EXCEPT SELECT a.l, p.l, count(s.label) FROM (VALUES ('no'), ('yes')) a(l) CROSS JOIN (VALUES ('no'), ('yes')) p(l)
          LEFT JOIN scored s ON s.label = a.l AND s.predicted = p.l GROUP BY 1, 2)
  UNION ALL
  (SELECT a.l, p.l, count(s.label) FROM (VALUES ('no'), ('yes')) a(l) CROSS JOIN (VALUES ('no'), ('yes')) p(l)
          LEFT JOIN scored s ON s.label = a.l AND s.predicted = p.l GROUP BY 1, 2
   EXCEPT SELECT actual, predicted, count FROM automl.confusion_matrix(:model))) d;
SELECT (SELECT sum(count) FILTER (WHERE actual = predicted)::float8 / sum(count) FROM automl.confusion_matrix(:model))
       = (m.metrics->>'accuracy')::float8 AS accuracy_from_matrix
  FROM automl.models m WHERE m.id = :model;

-- Every ROC point is the (fpr, tpr) of "predict yes when P(yes) >= threshold" over the
-- rows (the worker scores the rows as one matrix product, predict_proba one row at a
-- time: a probability may differ in its last bit, hence the 1e-12 slack); the curve starts at (0, 0) with threshold Infinity, ends at (1, 1), has at most
-- 200 points, and its area is the metrics' roc_auc within the thinning's 1/398.
WITH roc AS (SELECT * FROM automl.roc_curve(:model)),
     recomputed AS (
       SELECT r.threshold, r.fpr, r.tpr,
              count(*) FILTER (WHERE s.p_yes >= r.threshold - 1e-12 AND s.label = 'no')::float8 / count(*) FILTER (WHERE s.label = 'no') AS fpr_sql,
              count(*) FILTER (WHERE s.p_yes >= r.threshold - 1e-12 AND s.label = 'yes')::float8 / count(*) FILTER (WHERE s.label = 'yes') AS tpr_sql
         FROM roc r CROSS JOIN scored s GROUP BY 1, 2, 3)
SELECT (SELECT count(*) FROM roc) <= 200 AS bounded,
       (SELECT count(DISTINCT class) FROM roc) AS classes,
       (SELECT min(class) FROM roc) AS positive_class,
       count(*) FILTER (WHERE abs(fpr - fpr_sql) > 1e-12 OR abs(tpr - tpr_sql) > 1e-12) AS points_off_the_curve,
       (SELECT threshold FROM roc LIMIT 1) AS first_threshold
  FROM recomputed;
WITH roc AS (SELECT fpr, tpr, lag(fpr) OVER w AS fpr0, lag(tpr) OVER w AS tpr0
               FROM automl.roc_curve(:model) WINDOW w AS (ORDER BY threshold DESC))
SELECT abs(sum((fpr - fpr0) * (tpr + tpr0) / 2) - (SELECT (metrics->>'roc_auc')::float8 FROM automl.models WHERE id = :model))
       < 1.0 / 398 AS auc_from_curve
  FROM roc WHERE fpr0 IS NOT NULL;

-- Precision and recall at each stored threshold, the same way.
SELECT count(*) FILTER (WHERE abs(r."precision" - p.precision_sql) > 1e-12 OR abs(r.recall - p.recall_sql) > 1e-12) AS pr_points_off,
       count(*) <= 200 AS bounded
  FROM automl.pr_curve(:model) r,
       LATERAL (SELECT coalesce(count(*) FILTER (WHERE s.p_yes >= r.threshold - 1e-12 AND s.label = 'yes')::float8
                                / nullif(count(*) FILTER (WHERE s.p_yes >= r.threshold - 1e-12), 0), 1) AS precision_sql,
                       count(*) FILTER (WHERE s.p_yes >= r.threshold - 1e-12 AND s.label = 'yes')::float8
                                / count(*) FILTER (WHERE s.label = 'yes') AS recall_sql
                  FROM scored s) p;

-- Calibration: ten bins of P(yes), a probability on an edge in the bin below it.
WITH binned AS (
  SELECT (SELECT count(*) FROM generate_series(1, 9) e WHERE e * 0.1::float8 < s.p_yes) AS bin, s.p_yes, s.label FROM scored s),
     sql_bins AS (SELECT bin, avg(p_yes) AS mean_predicted, avg((label = 'yes')::int::float8) AS fraction_positive, count(*) AS n
                    FROM binned GROUP BY bin)
SELECT count(*) AS bins,
       count(*) FILTER (WHERE abs(c.mean_predicted - b.mean_predicted) > 1e-12
                           OR abs(c.fraction_positive - b.fraction_positive) > 1e-12 OR c.count <> b.n) AS bins_off
  FROM automl.calibration_curve(:model) c JOIN sql_bins b ON b.bin = round(c.lower * 10);

-- Feature importance: mean |contribution| per column (explain's), normalised.
WITH per_column AS (SELECT key AS feature, avg(abs(value::text::float8)) AS m FROM scored, jsonb_each(contributions) GROUP BY key)
SELECT f.feature, abs(f.importance - p.m / sum(p.m) OVER ()) < 1e-9 AS matches_explain
  FROM automl.feature_importance(:model) f JOIN per_column p USING (feature) ORDER BY f.importance DESC;

-- Regression: every evaluation row's actual and predicted value (400 rows: no
-- sampling), and the residual quantiles PostgreSQL's percentile_cont gives.
CREATE TABLE rep_reg AS
  SELECT x, 2 * x + 10 * sin(x) AS y FROM (SELECT i * 0.05 AS x FROM generate_series(1, 400) i) s;
SELECT automl.train('rep_reg', 'rep_reg', 'y', algorithm => 'linear', test_size => 0) AS job \gset
SELECT status FROM automl.wait(:job);
SELECT id AS reg_model FROM automl.models WHERE project = 'rep_reg' \gset
CREATE TEMP TABLE reg_scored AS SELECT y, automl.predict('rep_reg', ARRAY[x]) AS p FROM rep_reg;
SELECT (SELECT count(*) FROM automl.residuals(:reg_model)) AS rows,
       (SELECT count(*) FROM (SELECT actual, predicted FROM automl.residuals(:reg_model)
                              EXCEPT SELECT y, p FROM reg_scored) d) AS rows_not_from_predict,
       (SELECT count(*) FROM automl.residuals(:reg_model) WHERE residual <> actual - predicted) AS bad_residuals;
SELECT count(*) FILTER (WHERE abs((q->>1)::float8 - (SELECT percentile_cont((q->>0)::float8) WITHIN GROUP (ORDER BY y - p) FROM reg_scored)) > 1e-9)
         AS quantiles_off, count(*) AS quantiles
  FROM automl.models m, jsonb_array_elements(m.evaluation->'residuals'->'quantiles') q WHERE m.id = :reg_model;

-- Held out (the default test_size): the counts are the test rows, the matrix's
-- diagonal is the accuracy and the curve's area the roc_auc the metrics report.
SELECT automl.train('rep_held', 'rep_bin_in', 'label', algorithm => 'xgboost') AS job \gset
SELECT status FROM automl.wait(:job);
SELECT m.id AS held_model FROM automl.models m WHERE m.project = 'rep_held' \gset
SELECT (SELECT sum(count) FROM automl.confusion_matrix(:held_model)) = (m.info->>'test_rows')::bigint AS counts_are_test_rows,
       (SELECT sum(count) FILTER (WHERE actual = predicted)::float8 / sum(count) FROM automl.confusion_matrix(:held_model))
         = (m.metrics->>'accuracy')::float8 AS accuracy_from_matrix,
       m.evaluation->>'evaluated_on' AS evaluated_on,
       (SELECT abs(sum((fpr - fpr0) * (tpr + tpr0) / 2) - (m.metrics->>'roc_auc')::float8) < 1.0 / 398
          FROM (SELECT fpr, tpr, lag(fpr) OVER w AS fpr0, lag(tpr) OVER w AS tpr0
                  FROM automl.roc_curve(:held_model) WINDOW w AS (ORDER BY threshold DESC)) c WHERE fpr0 IS NOT NULL) AS auc_from_curve,
       (SELECT array_agg(feature ORDER BY importance DESC) FROM automl.feature_importance(:held_model)) AS importance_order,
       m.evaluation->>'importance_method' AS method,
       jsonb_array_length(m.evaluation->'profile') AS profiled_columns,
       m.info ? 'evaluation' AS evaluation_left_in_info
  FROM automl.models m WHERE m.id = :held_model;
SELECT result ? 'evaluation' AS evaluation_in_job_result FROM automl.jobs WHERE id = :job;

-- Multiclass: one-vs-rest curves, one per class.
CREATE TABLE rep_three AS
  SELECT a, b, CASE WHEN a > 0.7 THEN 'high' WHEN a < -0.7 THEN 'low' ELSE 'mid' END AS band FROM rep_bin_in;
SELECT automl.train('rep_three', 'rep_three', 'band', algorithm => 'xgboost') AS job \gset
SELECT status FROM automl.wait(:job);
SELECT m.id AS three_model FROM automl.models m WHERE m.project = 'rep_three' \gset
SELECT (SELECT array_agg(DISTINCT class ORDER BY class) FROM automl.roc_curve(:three_model)) AS roc_classes,
       (SELECT count(*) FROM automl.confusion_matrix(:three_model)) AS cells,
       (SELECT count(DISTINCT class) FROM automl.pr_curve(:three_model)) AS pr_classes;

-- The pages: one self-contained document with the charts of its kind.
CREATE FUNCTION charts(page text) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(DISTINCT m[1] ORDER BY m[1]) FROM regexp_matches(page, 'data-chart="([a-z-]+)"', 'g') m
$$;
CREATE FUNCTION self_contained(page text) RETURNS boolean LANGUAGE sql AS $$
  SELECT page ~ '^<!DOCTYPE html>' AND page !~* '<script|https?://(?!www\.w3\.org/2000/svg)|url\(|@import|<link|<img|<iframe'
$$;
SELECT charts(automl.report(:model)) AS binary_charts, self_contained(automl.report(:model)) AS self_contained;
SELECT charts(automl.report(:reg_model)) AS regression_charts;
SELECT charts(automl.report(:three_model)) AS multiclass_charts;
SELECT automl.report(:model) LIKE '%rep_bin%' AS names_project;
SELECT charts(automl.describe_report('rep_bin')) AS data_charts, self_contained(automl.describe_report('rep_bin')) AS data_self_contained;
SELECT charts(automl.describe_report('SELECT a, b FROM rep_bin WHERE a > 0')) AS query_charts;
-- NaN, infinities, an all-NULL column and an empty table draw without failing.
CREATE TABLE rep_odd (x float8, y float8, t text);
SELECT length(automl.describe_report('rep_odd')) > 0 AS empty_table_draws;
INSERT INTO rep_odd VALUES ('NaN', NULL, NULL), ('Infinity', NULL, 'a'), ('-Infinity', NULL, 'a'), (1, NULL, 'b'), (2, NULL, NULL);
SELECT charts(automl.describe_report('rep_odd')) AS odd_charts;

-- Errors name the culprit.
SELECT error_of($$SELECT automl.report(NULL)$$);
SELECT error_of($$SELECT automl.report(987654321)$$);
SELECT error_of($$SELECT * FROM automl.confusion_matrix(987654321)$$);
SELECT masked(format('SELECT * FROM automl.confusion_matrix(%s)', :reg_model));
SELECT masked(format('SELECT * FROM automl.residuals(%s)', :model));
SELECT error_of($$SELECT automl.describe_report('no_such_table')$$);
-- An imported model has no evaluation: the table functions say so, the page draws.
SELECT automl.import_model('rep_imported', automl.export_model(:model)) AS imported \gset
SELECT masked(format('SELECT * FROM automl.roc_curve(%s)', :imported));
SELECT charts(automl.report(:imported)) AS imported_charts;
