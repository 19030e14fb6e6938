-- bayes_optimal: data drawn from a known logistic model (20k rows, 4 features).
-- The deployed model must be within 0.02 accuracy of the Bayes-optimal rule on fresh
-- data from the same distribution, and calibrated deep on the positive side.
SELECT setseed(0.42);
CREATE TABLE draws AS
  SELECT i, x1, x2, x3, x4,
         -- true weights (1.5, -2, 0.5, 0) and bias 0.25
         1.5 * x1 - 2 * x2 + 0.5 * x3 + 0 * x4 + 0.25 AS margin
    FROM (SELECT i,
                 sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS x1,
                 sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS x2,
                 sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS x3,
                 sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS x4
            FROM generate_series(1, 40000) i) s;
CREATE TABLE train_set AS
  SELECT x1, x2, x3, x4, (random() < 1 / (1 + exp(-margin)))::int AS y FROM draws WHERE i <= 20000;
CREATE TABLE fresh_set AS
  SELECT x1, x2, x3, x4, margin, (random() < 1 / (1 + exp(-margin)))::int AS y FROM draws WHERE i > 20000;

SELECT automl.train('bayes', 'train_set', 'y', algorithm => 'logistic') AS job \gset
SELECT status, result->>'task' AS task, result->>'train_rows' AS train_rows FROM automl.wait(:job);
SELECT abs(model_accuracy - bayes_accuracy) < 0.02 AS within_two_points,
       bayes_accuracy BETWEEN 0.75 AND 0.9 AS sane_bayes_rate
  FROM (SELECT avg((automl.predict('bayes', ARRAY[x1, x2, x3, x4]) = y)::int) AS model_accuracy,
               avg(((margin > 0)::int = y)::int) AS bayes_accuracy
          FROM fresh_set) s;
-- Calibration: deep on the positive side P(1) > 0.9, deep on the negative side < 0.1.
SELECT (automl.predict_proba('bayes', ARRAY[3, -3, 1, 0]))[2] > 0.9 AS confident_positive,
       (automl.predict_proba('bayes', ARRAY[-3, 3, -1, 0]))[2] < 0.1 AS confident_negative;
-- On average, predicted probabilities match observed frequencies per decile.
SELECT max(abs(mean_p - rate)) < 0.05 AS calibrated_by_decile FROM (
  SELECT avg(p) AS mean_p, avg(y) AS rate FROM (
    SELECT (automl.predict_proba('bayes', ARRAY[x1, x2, x3, x4]))[2] AS p, y,
           ntile(10) OVER (ORDER BY (automl.predict_proba('bayes', ARRAY[x1, x2, x3, x4]))[2]) AS decile
      FROM fresh_set) d GROUP BY decile) c;
-- Regression: the four linear regressors recover a noisy linear target.
CREATE TABLE reg_set AS
  SELECT x1, x2, x3, x4, 2 * x1 - x2 + 0.5 * x3 + 0.3 * (random() - 0.5) AS y FROM fresh_set;
SELECT count(automl.train('reg_' || a, 'reg_set', 'y', algorithm => a,
                    hyperparams => CASE WHEN a IN ('lasso', 'elastic_net') THEN '{"alpha": 0.01}' ELSE '{}' END::jsonb)) AS queued
  FROM unnest(ARRAY['linear', 'ridge', 'lasso', 'elastic_net']) a;
SELECT w.project, w.status, (w.result->'metrics'->>'r2')::float8 > 0.99 AS r2_high,
       (w.result->'metrics'->>'rmse')::float8 < 0.2 AS rmse_low
  FROM automl.jobs j, LATERAL automl.wait(j.id) w
 WHERE j.project LIKE 'reg\_%' ORDER BY j.project;
-- Lasso with a large penalty drops the irrelevant feature x4 (coefficient exactly 0).
SELECT automl.train('reg_sparse', 'reg_set', 'y', algorithm => 'lasso', hyperparams => '{"alpha": 0.1}') AS job \gset
SELECT status FROM automl.wait(:job);
SELECT feature, coefficient = 0 AS zero FROM automl.coefficients((SELECT id FROM automl.models WHERE project = 'reg_sparse'))
 WHERE feature IN ('x3', 'x4') ORDER BY feature;
