-- refit: the served model is the evaluated configuration fitted again on every row the
-- job read (refit => true, the default); its metrics stay the held-out evaluation's and
-- say so. Ordinary least squares makes it checkable: the served linear model must be
-- the one PostgreSQL's own regr_slope/regr_intercept give over the whole table, which a
-- model fitted on 75 % of the rows is not.
CREATE TABLE refit_pts AS
  SELECT i::float8 AS x, 3.0 * i + 2.0 + 40.0 * sin(i * 1.7) AS y FROM generate_series(1, 400) i;
SELECT regr_slope(y, x) AS slope, regr_intercept(y, x) AS intercept FROM refit_pts \gset

SELECT automl.train('refit_all', 'refit_pts', 'y', algorithm => 'linear') AS job \gset
SELECT status, result->'refit' AS refit, result->>'train_rows' AS evaluated_on_rows,
       result->'metrics'->>'evaluated_on' AS metrics_from, spec->'refit' AS spec_refit
  FROM automl.wait(:job);
SELECT abs(automl.predict('refit_all', ARRAY[123.0]) - (:intercept + :slope * 123.0)) < 1e-6 AS served_model_saw_every_row;
SELECT (m.metrics->>'evaluated_on') = 'held_out' AS catalogue_says_held_out,
       (m.info->'refit'->>'rows')::int AS refit_rows
  FROM automl.models m WHERE m.project = 'refit_all';

-- refit => false keeps the model that was evaluated: fitted on the training split only.
SELECT automl.train('refit_none', 'refit_pts', 'y', algorithm => 'linear', refit => false) AS job \gset
SELECT status, result->'refit' AS refit, spec->'refit' AS spec_refit FROM automl.wait(:job);
SELECT abs(automl.predict('refit_none', ARRAY[123.0]) - (:intercept + :slope * 123.0)) > 1e-3 AS served_split_model;

-- The same through a plain INSERT, and a spec value that is not a boolean.
INSERT INTO automl.jobs (kind, project, spec)
VALUES ('train', 'refit_row', '{"relation": "refit_pts", "target": "y", "algorithm": "linear", "refit": false}')
RETURNING id AS job \gset
SELECT status, spec->'refit' AS spec_refit, result->'refit' AS refit FROM automl.wait(:job);
SELECT error_of($$INSERT INTO automl.jobs (kind, project, spec)
  VALUES ('train', 'refit_bad', '{"relation": "refit_pts", "target": "y", "refit": "yes"}')$$);

-- A search with a budget reserves time for the refit (bench/automl.sh measures how
-- well the budget is kept); the result says whether the refit ran or why not.
SELECT automl.train('refit_search', 'refit_pts', 'y', search => 'auto', time_budget => '4 s') AS job \gset
SELECT status, result ? 'refit' AS reports_refit FROM automl.wait(:job);

-- test_size => 0 holds nothing out: the model is fitted on every row once. With folds
-- the metrics come from cross-validation (and decide if_better); without, they are the
-- training rows' own and the result warns.
SELECT automl.train('refit_cv', 'refit_pts', 'y', algorithm => 'linear', test_size => 0, folds => 5) AS job \gset
SELECT status, result->>'train_rows' AS trained_on, result->>'test_rows' AS held_out,
       result->'metrics'->>'evaluated_on' AS metrics_from,
       result->'metrics'->'r2' = result->'metrics'->'cv'->'mean' AS r2_is_the_cv_mean,
       result ? 'warning' AS warns
  FROM automl.wait(:job);
SELECT abs(automl.predict('refit_cv', ARRAY[123.0]) - (:intercept + :slope * 123.0)) < 1e-6 AS fitted_on_every_row;
SELECT automl.train('refit_train', 'refit_pts', 'y', algorithm => 'linear', test_size => 0) AS job \gset
SELECT status, result->'metrics'->>'evaluated_on' AS metrics_from, result->>'warning' AS warning
  FROM automl.wait(:job);
SELECT error_of($$SELECT automl.train('refit_tags', 'refit_pts', 'y', task => 'tagging', test_size => 0)$$);

-- Classification: labels that follow no rule (a hash of the row number), which a deep
-- boosted model can only memorise. Served after the refit it has seen every row and
-- predicts every label of the table; the split model (refit => false) never saw the
-- held-out quarter and gets about half of those wrong.
CREATE TABLE refit_noise AS
  SELECT i::float8 AS x, CASE WHEN hashint4(i) % 2 = 0 THEN 'even' ELSE 'odd' END AS label
    FROM generate_series(1, 240) i;
SELECT automl.train('refit_memory', 'refit_noise', 'label', algorithm => 'xgboost',
         hyperparams => '{"n_estimators": 300, "max_depth": 12, "learning_rate": 1, "min_child_weight": 0, "reg_lambda": 0, "early_stopping_rounds": 0}') AS job \gset
SELECT status, result->'refit'->'rows' AS refit_rows FROM automl.wait(:job);
SELECT automl.train('refit_memory_split', 'refit_noise', 'label', algorithm => 'xgboost', refit => false,
         hyperparams => '{"n_estimators": 300, "max_depth": 12, "learning_rate": 1, "min_child_weight": 0, "reg_lambda": 0, "early_stopping_rounds": 0}') AS job \gset
SELECT status FROM automl.wait(:job);
SELECT avg((automl.predict_label('refit_memory', ARRAY[x]) = label)::int) = 1 AS refit_knows_every_row,
       avg((automl.predict_label('refit_memory_split', ARRAY[x]) = label)::int) < 0.95 AS split_model_does_not
  FROM refit_noise;

-- eval: how a search scores its trials. 'auto' cross-validates small data (repeated
-- 3 times under 500 rows); 'holdout' and 'cv' say so; anything else is refused.
SELECT automl.train('eval_auto', 'refit_pts', 'y', search => 'auto', time_budget => '2 s',
                    search_params => '{"algorithms": ["ridge"]}') AS job \gset
SELECT status, result->'search'->>'eval' AS eval, result->'search'->'folds' AS folds,
       result->'search'->'repeats' AS repeats, spec->>'eval' AS spec_eval
  FROM automl.wait(:job);
SELECT count(*) = (SELECT (result->'search'->>'trials')::int FROM automl.jobs WHERE id = :job) AS one_row_per_trial
  FROM automl.trials WHERE job_id = :job;
SELECT automl.train('eval_holdout', 'refit_pts', 'y', search => 'auto', time_budget => '2 s', eval => 'holdout',
                    search_params => '{"algorithms": ["ridge"]}') AS job \gset
SELECT status, result->'search'->>'eval' AS eval, result->'search' ? 'folds' AS has_folds FROM automl.wait(:job);
SELECT automl.train('eval_grid', 'refit_pts', 'y', algorithm => 'ridge', search => 'grid', eval => 'cv',
                    search_params => '{"alpha": [0.1, 10]}') AS job \gset
SELECT status, result->'search'->>'eval' AS eval, result->'search'->'folds' AS folds FROM automl.wait(:job);
SELECT count(*) AS trials_with_std FROM automl.trials t WHERE t.job_id = :job AND t.std IS NOT NULL;
SELECT error_of($$SELECT automl.train('eval_bad', 'refit_pts', 'y', search => 'auto', time_budget => '2 s', eval => 'bootstrap')$$);
SELECT error_of($$SELECT automl.train('eval_none', 'refit_pts', 'y', eval => 'cv')$$);
