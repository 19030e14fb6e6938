-- reports: the numbers behind a model's charts (confusion_matrix, roc_curve, pr_curve,
-- calibration_curve, feature_importance, residuals) recomputed here from
-- automl.predict, predict_proba and explain over the rows each model was evaluated
-- on, and the HTML pages (report, describe_report). SQL knows those rows exactly:
-- with test_size => 0 they are the whole table; with split_column they are the rows
-- the column marks true. refit => false keeps the evaluated model as the stored one.
SELECT setseed(0.19);
CREATE TABLE rep_bin AS
  SELECT i AS id, round((random() * 4 - 2)::numeric, 3)::float8 AS a, round((random() * 4 - 2)::numeric, 3)::float8 AS b
    FROM generate_series(1, 400) i;
ALTER TABLE rep_bin ADD COLUMN label text;
UPDATE rep_bin SET label = CASE WHEN a + 0.5 * b + (random() - 0.5) > 0 THEN 'yes' ELSE 'no' END;
CREATE VIEW rep_bin_in AS SELECT a, b, label FROM rep_bin;

-- Every evaluation row of a classifier as SQL scores it: one row per model.
CREATE TABLE scored (model bigint, label text, predicted text, proba float8[], contributions jsonb);

-- Cells of the stored matrix, zeros included, unlike the one predict_label gives.
CREATE FUNCTION matrix_cells_off(mid bigint) RETURNS bigint LANGUAGE sql AS $$
  WITH classes AS (SELECT unnest(classes) AS c FROM automl.models WHERE id = mid),
       recomputed AS (SELECT a.c AS actual, p.c AS predicted, count(s.label) AS count
                        FROM classes a CROSS JOIN classes p
                        LEFT JOIN scored s ON s.model = mid AND s.label = a.c AND s.predicted = p.c
                       GROUP BY 1, 2),
       stored AS (SELECT actual, predicted, count FROM automl.confusion_matrix(mid))
  SELECT count(*) FROM ((TABLE stored EXCEPT TABLE recomputed) UNION ALL (TABLE recomputed EXCEPT TABLE stored)) d
$$;
-- What "predict the class when its probability >= threshold" does over a model's
-- scored rows: true and false positives, and the rows of the class and of the others.
-- The worker scores rows as one matrix, predict_proba one row at a time: a
-- probability may differ in its last bit, hence the 1e-12 slack.
CREATE FUNCTION counts_at(mid bigint, class text, threshold float8,
                          OUT tp float8, OUT fp float8, OUT pos float8, OUT neg float8)
LANGUAGE sql AS $$
  SELECT count(*) FILTER (WHERE h.hit AND s.label = class)::float8, count(*) FILTER (WHERE h.hit AND s.label <> class)::float8,
         count(*) FILTER (WHERE s.label = class)::float8, count(*) FILTER (WHERE s.label <> class)::float8
    FROM automl.models m, scored s,
         LATERAL (SELECT s.proba[array_position(m.classes, class)] >= threshold - 1e-12 AS hit) h
   WHERE m.id = mid AND s.model = mid
$$;
-- ROC points (one curve per class: binary the positive class, multiclass one-vs-rest)
-- that are not the (fpr, tpr) of that rule.
CREATE FUNCTION roc_points_off(mid bigint) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FILTER (WHERE abs(r.fpr - c.fp / c.neg) > 1e-12 OR abs(r.tpr - c.tp / c.pos) > 1e-12)
    FROM automl.roc_curve(mid) r, counts_at(mid, r.class, r.threshold) c
$$;
-- Precision and recall at each stored threshold, the same way (precision 1 where
-- nothing is predicted positive).
CREATE FUNCTION pr_points_off(mid bigint) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FILTER (WHERE abs(r."precision" - coalesce(c.tp / nullif(c.tp + c.fp, 0), 1)) > 1e-12
                             OR abs(r.recall - c.tp / c.pos) > 1e-12)
    FROM automl.pr_curve(mid) r, counts_at(mid, r.class, r.threshold) c
$$;
-- Calibration bins that differ from ten bins of P(classes[2]) (binary; a hit is that
-- class) or of the predicted class's probability (multiclass; a hit is a right
-- answer), a probability on an inner edge in the bin below it; bins missing on either
-- side count too.
CREATE FUNCTION calibration_bins_off(mid bigint) RETURNS bigint LANGUAGE sql AS $$
  WITH confidence AS (
         SELECT CASE WHEN cardinality(m.classes) = 2 THEN s.proba[2] ELSE s.proba[array_position(m.classes, s.predicted)] END AS p,
                CASE WHEN cardinality(m.classes) = 2 THEN s.label = m.classes[2] ELSE s.label = s.predicted END AS hit
           FROM scored s JOIN automl.models m ON m.id = s.model WHERE s.model = mid),
       bins AS (SELECT (SELECT count(*) FROM generate_series(1, 9) e WHERE e * 0.1::float8 < c.p) AS bin,
                       avg(c.p) AS mean_predicted, avg(c.hit::int::float8) AS fraction_positive, count(*) AS n
                  FROM confidence c GROUP BY 1)
  SELECT count(*) FILTER (WHERE c.count IS NULL OR b.n IS NULL OR c.count <> b.n
                             OR abs(c.mean_predicted - b.mean_predicted) > 1e-12
                             OR abs(c.fraction_positive - b.fraction_positive) > 1e-12)
    FROM automl.calibration_curve(mid) c FULL JOIN bins b ON b.bin = round(c.lower * 10)
$$;
-- The largest gap between a column's importance and its share of the mean |explain|
-- contribution over the scored rows (a column missing on either side: 1).
CREATE FUNCTION importance_gap(mid bigint) RETURNS float8 LANGUAGE sql AS $$
  WITH per_column AS (SELECT key AS feature, avg(abs(value::text::float8)) AS m
                        FROM scored s, jsonb_each(s.contributions) WHERE s.model = mid GROUP BY key),
       shares AS (SELECT feature, m / sum(m) OVER () AS share FROM per_column)
  SELECT max(coalesce(abs(f.importance - s.share), 1))
    FROM automl.feature_importance(mid) f FULL JOIN shares s USING (feature)
$$;

SELECT automl.train('rep_bin', 'rep_bin_in', 'label', algorithm => 'logistic', test_size => 0) AS job \gset
SELECT status FROM automl.wait(:job);
SELECT id AS model FROM automl.models WHERE project = 'rep_bin' \gset
INSERT INTO scored
  SELECT :model, label, automl.predict_label('rep_bin', ARRAY[a, b]), automl.predict_proba('rep_bin', ARRAY[a, b]),
         automl.explain('rep_bin', jsonb_build_object('a', a, 'b', b))->'features'
    FROM rep_bin_in;

-- The matrix is the one predict gives; its diagonal is the accuracy.
SELECT * FROM automl.confusion_matrix(:model);
SELECT matrix_cells_off(:model) AS cells_that_differ,
       (SELECT sum(count) FILTER (WHERE actual = predicted)::float8 / sum(count) FROM automl.confusion_matrix(:model))
         = (m.metrics->>'accuracy')::float8 AS accuracy_from_matrix
  FROM automl.models m WHERE m.id = :model;

-- The ROC curve starts at (0, 0) with threshold Infinity, ends at (1, 1), has at most
-- 200 points, and its area is the metrics' roc_auc within the thinning's 1/398.
SELECT (SELECT count(*) FROM automl.roc_curve(:model)) <= 200 AS bounded,
       (SELECT count(DISTINCT class) FROM automl.roc_curve(:model)) AS classes,
       (SELECT min(class) FROM automl.roc_curve(:model)) AS positive_class,
       roc_points_off(:model) AS points_off_the_curve,
       (SELECT threshold FROM automl.roc_curve(:model) LIMIT 1) AS first_threshold;
WITH roc AS (SELECT fpr, tpr, lag(fpr) OVER w AS fpr0, lag(tpr) OVER w AS tpr0
               FROM automl.roc_curve(:model) WINDOW w AS (ORDER BY threshold DESC))
SELECT abs(sum((fpr - fpr0) * (tpr + tpr0) / 2) - (SELECT (metrics->>'roc_auc')::float8 FROM automl.models WHERE id = :model))
       < 1.0 / 398 AS auc_from_curve
  FROM roc WHERE fpr0 IS NOT NULL;
SELECT pr_points_off(:model) AS pr_points_off, (SELECT count(*) <= 200 FROM automl.pr_curve(:model)) AS bounded;
SELECT (SELECT count(*) FROM automl.calibration_curve(:model)) AS bins, calibration_bins_off(:model) AS bins_off;

-- Feature importance: mean |contribution| per column (explain's), normalised.
SELECT importance_gap(:model) < 1e-9 AS importance_is_mean_abs_explain,
       (SELECT array_agg(feature ORDER BY importance DESC) FROM automl.feature_importance(:model)) AS importance_order;

-- Regression: every evaluation row's actual and predicted value (400 rows: no
-- sampling), and the residual quantiles PostgreSQL's percentile_cont gives.
CREATE TABLE rep_reg AS
  SELECT x, 2 * x + 10 * sin(x) AS y, round(x * 20)::int % 4 = 0 AS held_out
    FROM (SELECT i * 0.05 AS x FROM generate_series(1, 400) i) s;
CREATE VIEW rep_reg_in AS SELECT x, y FROM rep_reg;
SELECT automl.train('rep_reg', 'rep_reg_in', 'y', algorithm => 'linear', test_size => 0) AS job \gset
SELECT status FROM automl.wait(:job);
SELECT id AS reg_model FROM automl.models WHERE project = 'rep_reg' \gset
CREATE TABLE reg_scored AS SELECT :reg_model AS model, y, automl.predict('rep_reg', ARRAY[x]) AS p FROM rep_reg;
-- Residual rows that are not an evaluation row's (actual, predict), and quantiles off.
CREATE FUNCTION residual_rows_off(mid bigint) RETURNS TABLE (rows bigint, rows_not_from_predict bigint, bad_residuals bigint)
LANGUAGE sql AS $$
  SELECT (SELECT count(*) FROM automl.residuals(mid)),
         (SELECT count(*) FROM (SELECT actual, predicted FROM automl.residuals(mid)
                                EXCEPT SELECT y, p FROM reg_scored WHERE model = mid) d),
         (SELECT count(*) FROM automl.residuals(mid) WHERE residual <> actual - predicted)
$$;
CREATE FUNCTION residual_quantiles_off(mid bigint) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FILTER (WHERE abs((q->>1)::float8 - (SELECT percentile_cont((q->>0)::float8) WITHIN GROUP (ORDER BY y - p)
                                                         FROM reg_scored WHERE model = mid)) > 1e-9)
    FROM automl.models m, jsonb_array_elements(m.evaluation->'residuals'->'quantiles') q WHERE m.id = mid
$$;
SELECT * FROM residual_rows_off(:reg_model);
SELECT residual_quantiles_off(:reg_model) AS quantiles_off,
       (SELECT jsonb_array_length(evaluation->'residuals'->'quantiles') > 0 FROM automl.models WHERE id = :reg_model) AS has_quantiles;

-- Held out by a column (BigQuery ML's DATA_SPLIT_COL): split_column => 'held_out'
-- names the evaluation rows, never a feature. SQL scores exactly those rows.
CREATE TABLE rep_split AS SELECT a, b, label, id % 3 = 0 AS held_out FROM rep_bin;
SELECT automl.train('rep_held', 'rep_split', 'label', algorithm => 'xgboost', split_column => 'held_out',
                    refit => false) AS job \gset
SELECT status FROM automl.wait(:job);
SELECT m.id AS held_model FROM automl.models m WHERE m.project = 'rep_held' \gset
SELECT spec->>'split_column' AS split_column FROM automl.jobs WHERE id = :job;
INSERT INTO scored
  SELECT :held_model, label, automl.predict_label('rep_held', ARRAY[a, b]), automl.predict_proba('rep_held', ARRAY[a, b]),
         automl.explain('rep_held', jsonb_build_object('a', a, 'b', b))->'features'
    FROM rep_split WHERE held_out;
SELECT m.feature_names,
       (m.info->>'test_rows')::bigint = (SELECT count(*) FROM rep_split WHERE held_out) AS test_rows_are_the_marked_rows,
       (m.info->>'train_rows')::bigint = (SELECT count(*) FROM rep_split WHERE NOT held_out) AS train_rows_are_the_others,
       m.evaluation->>'evaluated_on' AS evaluated_on,
       (m.evaluation->>'importance_rows')::bigint = (SELECT count(*) FROM rep_split WHERE held_out) AS importance_over_held_out_rows,
       m.evaluation->>'importance_method' AS method
  FROM automl.models m WHERE m.id = :held_model;
SELECT matrix_cells_off(:held_model) AS cells_that_differ,
       (SELECT sum(count) FROM automl.confusion_matrix(:held_model)) = (SELECT count(*) FROM rep_split WHERE held_out) AS counts_are_held_out_rows,
       (SELECT sum(count) FILTER (WHERE actual = predicted)::float8 / sum(count) FROM automl.confusion_matrix(:held_model))
         = (m.metrics->>'accuracy')::float8 AS accuracy_from_matrix,
       (SELECT count(*) > 1 FROM automl.roc_curve(:held_model)) AS has_roc,
       roc_points_off(:held_model) AS roc_points_off,
       (SELECT abs(sum((fpr - fpr0) * (tpr + tpr0) / 2) - (m.metrics->>'roc_auc')::float8) < 1.0 / 398
          FROM (SELECT fpr, tpr, lag(fpr) OVER w AS fpr0, lag(tpr) OVER w AS tpr0
                  FROM automl.roc_curve(:held_model) WINDOW w AS (ORDER BY threshold DESC)) c WHERE fpr0 IS NOT NULL) AS auc_from_curve,
       pr_points_off(:held_model) AS pr_points_off,
       (SELECT count(*) > 0 FROM automl.calibration_curve(:held_model)) AS has_bins,
       calibration_bins_off(:held_model) AS bins_off
  FROM automl.models m WHERE m.id = :held_model;
-- Trees: the importance is mean |TreeSHAP| (explain's) per input column over the
-- held-out rows.
SELECT importance_gap(:held_model) < 1e-9 AS importance_is_mean_abs_shap,
       (SELECT array_agg(feature ORDER BY importance DESC) FROM automl.feature_importance(:held_model)) AS importance_order;
SELECT (SELECT m.info ? 'evaluation' FROM automl.models m WHERE m.id = :held_model) AS evaluation_left_in_info,
       result ? 'evaluation' AS evaluation_in_job_result FROM automl.jobs WHERE id = :job;

-- A held-out regressor: the residuals are its held-out rows' (actual, predict).
CREATE VIEW rep_reg_split AS SELECT x, y, held_out FROM rep_reg;
SELECT automl.train('rep_reg_held', 'rep_reg_split', 'y', algorithm => 'xgboost', split_column => 'held_out',
                    refit => false) AS job \gset
SELECT status FROM automl.wait(:job);
SELECT id AS reg_held_model FROM automl.models WHERE project = 'rep_reg_held' \gset
INSERT INTO reg_scored SELECT :reg_held_model, y, automl.predict('rep_reg_held', ARRAY[x]) FROM rep_reg WHERE held_out;
SELECT r.*, r.rows = (SELECT count(*) FROM rep_reg WHERE held_out) AS rows_are_held_out_rows
  FROM residual_rows_off(:reg_held_model) r;
SELECT residual_quantiles_off(:reg_held_model) AS quantiles_off,
       (SELECT abs((metrics->>'r2')::float8 - (1 - sum((y - p) ^ 2) / sum((y - avg_y) ^ 2)))
          FROM reg_scored, (SELECT avg(y) AS avg_y FROM reg_scored WHERE model = :reg_held_model) a
         WHERE model = :reg_held_model) < 1e-9 AS r2_from_predict
  FROM automl.models WHERE id = :reg_held_model;

-- Multiclass, held out by the same column: a one-vs-rest curve per class and
-- calibration of the predicted class's probability, recomputed over those rows.
CREATE TABLE rep_three AS
  SELECT a, b, CASE WHEN a > 0.7 THEN 'high' WHEN a < -0.7 THEN 'low' ELSE 'mid' END AS band, held_out FROM rep_split;
SELECT automl.train('rep_three', 'rep_three', 'band', algorithm => 'xgboost', split_column => 'held_out',
                    refit => false) AS job \gset
SELECT status FROM automl.wait(:job);
SELECT m.id AS three_model FROM automl.models m WHERE m.project = 'rep_three' \gset
INSERT INTO scored
  SELECT :three_model, band, automl.predict_label('rep_three', ARRAY[a, b]), automl.predict_proba('rep_three', ARRAY[a, b])
    FROM rep_three WHERE held_out;
SELECT (SELECT array_agg(DISTINCT class ORDER BY class) FROM automl.roc_curve(:three_model)) AS roc_classes,
       (SELECT array_agg(DISTINCT class ORDER BY class) FROM automl.pr_curve(:three_model)) AS pr_classes,
       (SELECT count(*) FROM automl.confusion_matrix(:three_model)) AS cells,
       matrix_cells_off(:three_model) AS cells_that_differ,
       roc_points_off(:three_model) AS roc_points_off,
       pr_points_off(:three_model) AS pr_points_off,
       (SELECT count(*) > 0 FROM automl.calibration_curve(:three_model)) AS has_bins,
       calibration_bins_off(:three_model) AS bins_off;
-- Each class's curve area is its one-vs-rest AUC over the held-out rows, as SQL
-- counts it: the share of (class row, other row) pairs ranked right, ties half.
WITH classes AS (SELECT c, array_position(m.classes, c) AS k FROM automl.models m, unnest(m.classes) c WHERE m.id = :three_model),
     pairs AS (SELECT c.c AS class, avg(CASE WHEN p.proba[c.k] > n.proba[c.k] THEN 1 WHEN p.proba[c.k] = n.proba[c.k] THEN 0.5 ELSE 0 END) AS auc
                 FROM classes c JOIN scored p ON p.model = :three_model AND p.label = c.c
                 JOIN scored n ON n.model = :three_model AND n.label <> c.c GROUP BY 1),
     areas AS (SELECT class, sum((fpr - fpr0) * (tpr + tpr0) / 2) AS area
                 FROM (SELECT class, fpr, tpr, lag(fpr) OVER w AS fpr0, lag(tpr) OVER w AS tpr0
                         FROM automl.roc_curve(:three_model) WINDOW w AS (PARTITION BY class ORDER BY threshold DESC)) r
                WHERE fpr0 IS NOT NULL GROUP BY 1)
SELECT count(*) AS classes, count(*) FILTER (WHERE abs(a.area - p.auc) >= 1.0 / 398) AS areas_off
  FROM pairs p JOIN areas a USING (class);

-- split_column is checked at INSERT, naming the culprit.
SELECT error_of($$SELECT automl.train('rep_x', 'rep_split', 'label', split_column => 'no_such')$$);
SELECT error_of($$SELECT automl.train('rep_x', 'rep_split', 'label', split_column => 'a')$$);
SELECT error_of($$SELECT automl.train('rep_x', 'rep_split', 'label', split_column => 'label')$$);
SELECT error_of($$SELECT automl.train('rep_x', 'rep_split', 'label', split_column => 'held_out', test_size => 0)$$);
SELECT error_of($$SELECT automl.train('rep_x', 'rep_split', NULL, task => 'clustering', split_column => 'held_out')$$);
SELECT error_of($$INSERT INTO automl.jobs (kind, project, spec)
                  VALUES ('train', 'rep_x', '{"relation": "rep_split", "target": "label", "split_column": true}')$$);
-- The worker checks a query's split column, and what only the rows tell.
SELECT automl.train('rep_x', 'SELECT a, b, label, a > 0 AS held_out, b::text AS t FROM rep_split', 'label',
                    split_column => 't', max_attempts => 1) AS job \gset
SELECT status, error FROM automl.wait(:job);
SELECT automl.train('rep_x', 'SELECT a, b, label, false AS held_out FROM rep_split', 'label',
                    split_column => 'held_out', max_attempts => 1) AS job \gset
SELECT status, error FROM automl.wait(:job);
SELECT automl.train('rep_x', 'SELECT a, b, label, CASE WHEN a > 1 THEN NULL ELSE a > 0 END AS held_out FROM rep_split',
                    'label', split_column => 'held_out', max_attempts => 1) AS job \gset
SELECT status, error FROM automl.wait(:job);
-- A column name that needs quoting reaches the tenant's own read quoted.
SELECT automl.train('rep_quoted', 'SELECT a, b, label, held_out AS "Held; out"" " FROM rep_split', 'label',
                    algorithm => 'logistic', split_column => 'Held; out" ') AS job \gset
SELECT status FROM automl.wait(:job);
SELECT (info->>'test_rows')::bigint = (SELECT count(*) FROM rep_split WHERE held_out) AS held_out_rows
  FROM automl.models WHERE job_id = :job;

-- Sampling: describe_report(rel, sample_rows => N) of a larger relation says it
-- profiled a sample of N rows, as describe(rel, N) does, and the numbers describe
-- computes over every row (rows, nulls, min, max) are the same on the page; distinct
-- counts come from the sample on both.
CREATE TABLE rep_many AS SELECT i AS k, CASE WHEN i % 10 <> 0 THEN i % 7 END AS v FROM generate_series(1, 20000) i;
CREATE FUNCTION profile_cells(page text, col text) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(c[1] ORDER BY n)
    FROM regexp_matches((regexp_match(page, '<tr><td>' || col || '</td><td>[^<]*</td>(.*?)</tr>'))[1],
                        '<td class="num">([^<]*)</td>', 'g') WITH ORDINALITY AS t(c, n)
$$;
CREATE TEMP TABLE many_pages AS
  SELECT automl.describe_report('rep_many', sample_rows => 2000) AS sampled_page, automl.describe_report('rep_many') AS full_page;
SELECT sampled_page LIKE '%<th scope="row">Sampled</th><td>yes, a sample of the rows</td>%' AS page_says_sampled,
       sampled_page LIKE '%<th scope="row">Rows profiled</th><td>2000</td>%' AS page_profiled_2000,
       full_page LIKE '%<th scope="row">Sampled</th><td>no, every row</td>%' AS full_page_says_every_row,
       (SELECT bool_and(sampled) FROM automl.describe('rep_many', 2000)) AS describe_says_sampled,
       (SELECT bool_or(sampled) FROM automl.describe('rep_many')) AS describe_of_every_row_sampled
  FROM many_pages;
SELECT d.column_name,
       ARRAY[c[1], c[2], c[7], c[11]] = ARRAY[d.rows::text, d.nulls::text, d.min, d.max] AS exact_numbers_agree,
       c[4]::bigint < d.rows - d.nulls AND d.distinct_values < d.rows - d.nulls AS distinct_from_samples
  FROM automl.describe('rep_many', 2000) d, many_pages p, LATERAL profile_cells(p.sampled_page, d.column_name) c
 ORDER BY 1;

-- A search's page draws its trials: as many as automl.trials holds.
SELECT automl.train('rep_search', 'rep_bin_in', 'label', search => 'auto', time_budget => '2 seconds') AS job \gset
SELECT status FROM automl.wait(:job);
SELECT id AS search_model FROM automl.models WHERE job_id = :job \gset
SELECT 'trials' = ANY (charts(p)) AS has_trials_chart,
       (regexp_match(p, '([0-9]+) trials, '))[1]::bigint = (SELECT count(*) FROM automl.trials WHERE job_id = :job) AS every_trial,
       (SELECT count(*) > 0 FROM automl.trials WHERE job_id = :job) AS has_trials
  FROM automl.report(:search_model) p;

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
