-- deploy: if_better / always / never at training time; best_score, most_recent,
-- rollback and by id afterwards; the next statement serves the new deployment.
-- y depends on x1 only; x2 is noise. A heavily regularised ridge is much worse.
CREATE TABLE lin AS
  SELECT x1, x2, 3 * x1 + 0.1 * sin(i) AS y
    FROM (SELECT i, (i % 101) / 10.0 AS x1, ((i * 7919) % 103) / 10.0 AS x2 FROM generate_series(1, 1000) i) s;

SELECT automl.train('lin', 'lin', 'y', algorithm => 'ridge', hyperparams => '{"alpha": 100000}') AS weak \gset
SELECT status, result->'deployed' AS deployed, result->>'metric' AS metric FROM automl.wait(:weak);
SELECT automl.train('lin', 'lin', 'y', algorithm => 'linear', deploy => 'never') AS never \gset
SELECT status, result->'deployed' AS deployed FROM automl.wait(:never);
SELECT algorithm, strategy FROM automl.deployed_models WHERE project = 'lin';
SELECT automl.train('lin', 'lin', 'y', algorithm => 'linear') AS better \gset
SELECT status, result->'deployed' AS deployed FROM automl.wait(:better);
SELECT algorithm, strategy FROM automl.deployed_models WHERE project = 'lin';
SELECT automl.train('lin', 'lin', 'y', algorithm => 'lasso', hyperparams => '{"alpha": 5}') AS worse \gset
SELECT status, result->'deployed' AS deployed FROM automl.wait(:worse);
SELECT algorithm FROM automl.deployed_models WHERE project = 'lin';
SELECT automl.train('lin', 'lin', 'y', algorithm => 'elastic_net', hyperparams => '{"alpha": 5}', deploy => 'always') AS always \gset
SELECT status, result->'deployed' AS deployed FROM automl.wait(:always);
SELECT algorithm FROM automl.deployed_models WHERE project = 'lin';
SELECT version, algorithm, (metrics->>'r2')::float8 > 0.99 AS fits FROM automl.models WHERE project = 'lin' ORDER BY version;

-- Each statement serves what is deployed when it starts.
SELECT round(automl.predict('lin', ARRAY[2.0, 5.0])::numeric, 1) AS elastic_net_prediction;
SELECT automl.deploy('lin', 'best_score') AS best \gset
SELECT m.algorithm, d.strategy FROM automl.models m JOIN automl.deployed_models d ON d.model_id = m.id
 WHERE m.id = :best;
SELECT round(automl.predict('lin', ARRAY[2.0, 5.0])::numeric, 1) AS linear_prediction;
SELECT automl.deploy('lin', 'most_recent') = (SELECT max(id) FROM automl.models WHERE project = 'lin') AS most_recent;
SELECT algorithm, strategy FROM automl.deployed_models WHERE project = 'lin';
-- Rollback walks back through history and can be repeated.
SELECT automl.deploy('lin', 'rollback') AS back \gset
SELECT algorithm, :back = (SELECT model_id FROM automl.deployed_models WHERE project = 'lin') AS serving FROM automl.models WHERE id = :back;
SELECT automl.deploy('lin', 'rollback') AS back \gset
SELECT algorithm, :back = (SELECT model_id FROM automl.deployed_models WHERE project = 'lin') AS serving FROM automl.models WHERE id = :back;
SELECT automl.deploy('lin', 'rollback') AS back \gset
SELECT algorithm, :back = (SELECT model_id FROM automl.deployed_models WHERE project = 'lin') AS serving FROM automl.models WHERE id = :back;
SELECT automl.deploy('lin', 'rollback') AS back \gset
SELECT algorithm, :back = (SELECT model_id FROM automl.deployed_models WHERE project = 'lin') AS serving FROM automl.models WHERE id = :back;
SELECT error_of($$SELECT automl.deploy('lin', 'rollback')$$);
-- By id; a model of another project is refused.
SELECT automl.deploy('lin', (SELECT id FROM automl.models WHERE project = 'lin' AND version = 3)) IS NOT NULL AS deployed_by_id;
SELECT algorithm, strategy FROM automl.deployed_models WHERE project = 'lin';
CREATE TABLE other AS SELECT x1, y FROM lin;
SELECT automl.train('other', 'other', 'y') AS other \gset
SELECT status FROM automl.wait(:other);
-- (ids depend on earlier tests: masked)
SELECT id AS other_model FROM automl.models WHERE project = 'other' \gset
SELECT replace(error_of(format('SELECT automl.deploy(%L, %s)', 'lin', :other_model)), :'other_model', 'N') AS error_of;
SELECT error_of($$SELECT automl.deploy('lin', 999999::bigint)$$);
SELECT error_of($$SELECT automl.deploy('lin', 'newest')$$);
SELECT error_of($$SELECT automl.deploy('nowhere', 1::bigint)$$);
-- A project keeps its task: training it for another task fails the job.
SELECT automl.train('lin', 'SELECT x1, (y > 10) AS big FROM lin', 'big') AS wrong_task \gset
SELECT status, error FROM automl.wait(:wrong_task);
-- With an explicit task, the mismatch is refused at submission.
SELECT error_of($$SELECT automl.train('lin', 'SELECT x1, (y > 10) AS big FROM lin', 'big', task => 'classification')$$);
