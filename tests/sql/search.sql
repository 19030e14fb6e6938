-- search: grid, random and budgeted 'auto' search; every trial lands in automl.trials.
CREATE TABLE quadrants AS
SELECT ((i * 7919) % 1000) / 500.0 - 1 AS x, ((i * 104729) % 997) / 498.5 - 1 AS y FROM generate_series(1, 2000) i;
ALTER TABLE quadrants ADD COLUMN side text;
UPDATE quadrants SET side = CASE WHEN x * y > 0 THEN 'same' ELSE 'opposite' END;

SELECT automl.train('quadrants', 'quadrants', 'side', algorithm => 'xgboost', search => 'grid', folds => 3,
                    search_params => '{"max_depth": [1, 4], "n_estimators": [5, 40]}') AS grid_job \gset
SELECT status, result->'search'->>'trials' AS trials,
       result->'metrics'->'cv'->>'folds' AS folds, (result->'metrics'->'cv'->>'mean')::float8 > 0.9 AS cv_good,
       result ? 'trials' AS trials_in_result
  FROM automl.wait(:grid_job);
SELECT hyperparams->>'max_depth' AS best_depth FROM automl.models WHERE job_id = :grid_job;
SELECT trial, algorithm, hyperparams->>'max_depth' AS depth, hyperparams->>'n_estimators' AS trees, metric,
       value > 0.9 AS good, std IS NOT NULL AS has_std, status
  FROM automl.trials WHERE job_id = :grid_job ORDER BY trial;

SELECT automl.train('quadrants_random', 'quadrants', 'side', algorithm => 'logistic', search => 'random',
                    search_params => '{"C": {"min": 0.001, "max": 100, "log": true}, "n_trials": 4}') AS random_job \gset
SELECT status FROM automl.wait(:random_job);
-- (a new statement: the one that waited still sees the snapshot it started with)
SELECT count(*) AS trials, bool_and((hyperparams->>'C')::float8 BETWEEN 0.001 AND 100) AS in_range,
       count(DISTINCT hyperparams->>'C') AS distinct_values
  FROM automl.trials WHERE job_id = :random_job;

-- 'auto' on two interleaved rings with a 30 s budget: a tree model, accurate, on time.
CREATE TABLE rings_auto AS
SELECT r * cos(a) AS x, r * sin(a) AS y, CASE WHEN inner_ring THEN 'inner' ELSE 'outer' END AS ring
  FROM (SELECT i % 2 = 0 AS inner_ring,
               CASE WHEN i % 2 = 0 THEN 1.0 ELSE 2.0 END + ((i * 7919) % 100 - 50) / 400.0 AS r,
               (i * 104729 % 3600) / 3600.0 * 2 * pi() AS a
          FROM generate_series(1, 3000) i) s;
SELECT automl.train('rings_auto', 'rings_auto', 'ring', search => 'auto', time_budget => '30 seconds') AS auto_job \gset
SELECT status, result->>'algorithm' <> 'logistic' AS nonlinear_model,
       (result->'metrics'->>'accuracy')::float8 >= 0.97 AS accurate,
       extract(epoch FROM finished_at - started_at) <= 30 * 1.05 + 1 AS within_budget,
       (result->'search'->>'trials')::int >= 5 AS explored
  FROM automl.wait(:auto_job, '2 minutes');
SELECT count(DISTINCT algorithm) >= 3 AS families_tried, count(*) FILTER (WHERE status = 'ok') >= 5 AS trials_ok
  FROM automl.trials WHERE job_id = :auto_job;
SELECT d.model_id = m.id AS deployed FROM automl.deployed_models d JOIN automl.models m ON m.job_id = :auto_job
 WHERE d.project = 'rings_auto';

SELECT error_of($$SELECT automl.train('p', 'rings_auto', 'ring', search => 'auto')$$);
SELECT error_of($$SELECT automl.train('p', 'rings_auto', 'ring', search => 'grid', search_params => '{"C": [1]}')$$);
SELECT error_of($$SELECT automl.train('p', 'rings_auto', 'ring', algorithm => 'logistic', search => 'grid', search_params => '{"C": [0]}')$$);
SELECT error_of($$SELECT automl.train('p', 'rings_auto', 'ring', time_budget => '10 seconds')$$);
SELECT error_of($$SELECT automl.train('p', 'rings_auto', 'ring', search => 'auto', time_budget => '2 days')$$);

-- However large the table: a 2 s budget reads a sample of 200,000 rows and says so.
CREATE TABLE big_rings AS SELECT x, y, ring FROM rings_auto, generate_series(1, 67) g;
SELECT automl.train('big_rings', 'big_rings', 'ring', search => 'auto', time_budget => '2 seconds') AS big_job \gset
SELECT status, extract(epoch FROM finished_at - started_at) <= 2 * 1.05 + 1 AS within_budget,
       result ? 'read_sample' AS sampled_read, (result->>'rows_read')::int < 200000 AS read_less
  FROM automl.wait(:big_job, '1 minute');
