-- shadow: deploy_shadow validates, rides along with later deployments while it can,
-- comes back on rollback, never answers; set_logging validates and says what it needs.
-- (The log itself is exercised end to end in tests/integration/prediction_log_test.cpp,
-- in the database the cluster's automl.log_database names.)
CREATE TABLE shade AS
  SELECT x1, x2, 2 * x1 - x2 + 0.01 * sin(i) AS y
    FROM (SELECT i, (i % 37) / 4.0 AS x1, ((i * 31) % 29) / 3.0 AS x2 FROM generate_series(1, 600) i) s;
SELECT automl.train('shade', 'shade', 'y', algorithm => 'linear', deploy => 'always') AS j1 \gset
SELECT status FROM automl.wait(:j1);
SELECT automl.train('shade', 'shade', 'y', algorithm => 'ridge', hyperparams => '{"alpha": 50}', deploy => 'never') AS j2 \gset
SELECT status FROM automl.wait(:j2);
SELECT automl.train('shade', 'SELECT x1, y FROM shade', 'y', algorithm => 'linear', deploy => 'never') AS j3 \gset
SELECT status FROM automl.wait(:j3);
SELECT (result->>'model_id')::bigint AS live FROM automl.jobs WHERE id = :j1 \gset
SELECT (result->>'model_id')::bigint AS ridge FROM automl.jobs WHERE id = :j2 \gset
SELECT (result->>'model_id')::bigint AS narrow FROM automl.jobs WHERE id = :j3 \gset

SELECT automl.train('unshaded', 'shade', 'y', algorithm => 'linear', deploy => 'never') AS j4 \gset
SELECT status FROM automl.wait(:j4);
SELECT (result->>'model_id')::bigint AS foreign_model FROM automl.jobs WHERE id = :j4 \gset

-- Refusals. Ids depend on earlier tests: mask(text, id, label) hides them.
CREATE FUNCTION mask(t text, id bigint, label text) RETURNS text LANGUAGE sql AS
  $$ SELECT regexp_replace(t, '\m' || id || '\M', label, 'g') $$;
SELECT error_of($$SELECT automl.deploy_shadow('nowhere', 1)$$);
SELECT mask(error_of(format('SELECT automl.deploy_shadow(%L, %s)', 'shade', :live)), :live, 'LIVE');
SELECT mask(mask(error_of(format('SELECT automl.deploy_shadow(%L, %s)', 'shade', :narrow)), :narrow, 'NARROW'), :live, 'LIVE');
SELECT error_of($$SELECT automl.deploy_shadow('shade', 999999)$$);
SELECT mask(error_of(format('SELECT automl.deploy_shadow(%L, %s)', 'shade', :foreign_model)), :foreign_model, 'FOREIGN');
SELECT error_of(format('SELECT automl.deploy_shadow(%L, %s)', 'unshaded', :foreign_model));

-- A shadow never answers: predict is the serving model's, before and after.
SELECT automl.predict('shade', ARRAY[3.0, 1.0]) = automl.predict_model(:live, ARRAY[3.0, 1.0]) AS serving_answers;
SELECT automl.deploy_shadow('shade', :ridge) = :ridge AS shadowed;
SELECT strategy, shadow_model_id = :ridge AS ridge_shadows, model_id = :live AS live_serves FROM automl.deployed_models WHERE project = 'shade';
SELECT automl.predict('shade', ARRAY[3.0, 1.0]) = automl.predict_model(:live, ARRAY[3.0, 1.0]) AS serving_answers,
       automl.predict('shade', ARRAY[3.0, 1.0]) <> automl.predict_model(:ridge, ARRAY[3.0, 1.0]) AS shadow_differs;
SELECT automl.predict('shade', jsonb_build_object('x1', 3.0, 'x2', 1.0)) = automl.predict_model(:live, ARRAY[3.0, 1.0]) AS named_too;

-- Later deployments keep the shadow while it can run beside them. (Their NOTICEs
-- name model ids; the deployments table shows the same.)
SET client_min_messages = warning;
SELECT automl.deploy('shade', :live) IS NOT NULL AS redeployed;
SELECT strategy, shadow_model_id = :ridge AS ridge_shadows FROM automl.deployed_models WHERE project = 'shade';
SELECT automl.deploy('shade', :narrow) IS NOT NULL AS narrow_deployed;  -- other features: the shadow goes
SELECT strategy, shadow_model_id FROM automl.deployed_models WHERE project = 'shade';
SELECT automl.deploy('shade', 'rollback') = :live AS rolled_back;       -- and rollback brings it back
SELECT strategy, shadow_model_id = :ridge AS ridge_shadows FROM automl.deployed_models WHERE project = 'shade';
SELECT automl.deploy('shade', :ridge) IS NOT NULL AS ridge_serves;      -- the shadow itself now serves
SELECT strategy, shadow_model_id FROM automl.deployed_models WHERE project = 'shade';
SELECT automl.deploy('shade', 'rollback') = :live AS rolled_back;
SELECT automl.deploy_split('shade', ARRAY[:live, :ridge], ARRAY[1, 1]) IS NOT NULL AS split;  -- an arm now
SELECT strategy, shadow_model_id FROM automl.deployed_models WHERE project = 'shade';
SELECT automl.deploy('shade', 'rollback') = :live AS rolled_back;
SELECT automl.deploy_shadow('shade', NULL) IS NULL AS unshadowed;
SELECT strategy, shadow_model_id FROM automl.deployed_models WHERE project = 'shade';
RESET client_min_messages;

-- set_logging: the rate is checked, the project must exist, and turning logging on
-- says what is missing. This database is not the cluster's automl.log_database.
SELECT error_of($$SELECT automl.set_logging('shade', 1.5)$$);
SELECT error_of($$SELECT automl.set_logging('shade', -0.1)$$);
SELECT error_of($$SELECT automl.set_logging('shade', 'NaN')$$);
SELECT error_of($$SELECT automl.set_logging('shade', NULL)$$);
SELECT error_of($$SELECT automl.set_logging('nowhere', 0)$$);
SELECT error_of($$SELECT automl.set_logging('shade', 0.5)$$);
SELECT automl.set_logging('shade', 0) AS off;
SELECT log_sample_rate FROM automl.projects WHERE name = 'shade';
SELECT available, log_database, enqueued FROM automl.prediction_log_status();
SELECT automl.prune_prediction_log('1 day');
