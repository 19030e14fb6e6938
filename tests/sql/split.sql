-- split: an A/B split serves each call from one arm by weight — at random, or by the
-- hash of a split_key so one key always meets one model; rollback returns to it.
CREATE TABLE ab AS SELECT i / 10.0 AS x, 2 * i / 10.0 + 1 AS y FROM generate_series(1, 300) i;
SELECT automl.train('ab', 'ab', 'y', algorithm => 'linear') AS a_job,
       automl.train('ab', 'ab', 'y', algorithm => 'ridge', hyperparams => '{"alpha": 1e7}', deploy => 'never') AS b_job \gset
SELECT a.status, b.status FROM automl.wait(:a_job) a, automl.wait(:b_job) b;
SELECT (SELECT id FROM automl.models WHERE job_id = :a_job) AS a, (SELECT id FROM automl.models WHERE job_id = :b_job) AS b \gset
-- The two models answer differently at x = 10: linear 21, a heavily penalised ridge near the mean.
SELECT round(automl.predict_model(:a, ARRAY[10.0])::numeric, 3) AS a_says, abs(automl.predict_model(:b, ARRAY[10.0]) - 21) > 1 AS b_differs;

SELECT automl.deploy_split('ab', ARRAY[:a, :b]::bigint[], ARRAY[3, 1]) = :a AS split_deployed;
SELECT strategy, jsonb_array_length(arms) AS arms, (arms->0->>'weight')::float8 AS first_weight
  FROM automl.deployed_models WHERE project = 'ab';
-- 4000 calls: the share of arm a is 0.75 within 5 standard errors (± 0.034).
SELECT abs(avg((abs(automl.predict('ab', ARRAY[10.0]) - 21) < 1e-6)::int) - 0.75) < 0.034 AS weights_respected
  FROM generate_series(1, 4000);
-- A split_key always meets the same arm; different keys spread over both.
SELECT count(DISTINCT round(automl.predict('ab', ARRAY[10.0], 'user-42')::numeric, 6)) AS answers_for_one_key
  FROM generate_series(1, 200);
SELECT count(DISTINCT round(automl.predict('ab', ARRAY[10.0], 'user-' || i)::numeric, 6)) AS answers_for_many_keys
  FROM generate_series(1, 200) i;
SELECT automl.predict('ab', NULL::float8[], 'k') IS NULL AS null_in_null_out;
-- Rolling back from the split returns to the single model; rolling forward again restores the split.
SELECT automl.deploy('ab', 'rollback') = :a AS rolled_back;
SELECT strategy, arms IS NULL AS single FROM automl.deployed_models WHERE project = 'ab';

SELECT error_of(format('SELECT automl.deploy_split(%L, ARRAY[%s]::bigint[], ARRAY[1])', 'ab', :a));
SELECT error_of(format('SELECT automl.deploy_split(%L, ARRAY[%s, %s]::bigint[], ARRAY[1, 0])', 'ab', :a, :b));
SELECT error_of(format('SELECT automl.deploy_split(%L, ARRAY[%s, %s]::bigint[], ARRAY[1, 1])', 'ab', :a, :a));
SELECT error_of(format('SELECT automl.deploy_split(%L, ARRAY[%s, -1]::bigint[], ARRAY[1, 1])', 'ab', :a));
SELECT error_of($$SELECT automl.deploy_split('nope', ARRAY[1, 2]::bigint[], ARRAY[1, 1])$$);
-- Models that take different features cannot share a split.
CREATE TABLE ab2 AS SELECT x, y, x * 2 AS z FROM ab;
SELECT automl.train('ab', 'ab2', 'y', algorithm => 'linear', deploy => 'never') AS c_job \gset
SELECT status FROM automl.wait(:c_job);
SELECT error_of(format('SELECT automl.deploy_split(%L, ARRAY[%s, %s]::bigint[], ARRAY[1, 1])', 'ab', :a,
                       (SELECT id FROM automl.models WHERE job_id = :c_job)));
