-- tagging_training: the CRF's training alternatives as hyper-parameters — the averaged
-- perceptron, passive-aggressive (PA-I) and L1 by OWL-QN — trained as jobs by the
-- worker and served by automl.tag like the default L-BFGS tagger; bad values refused
-- at submission with 22023 naming the key.
CREATE TABLE training_names (name text, tokens text[], tags text[]);
\copy training_names FROM 'data/respirators_train.csv' WITH (FORMAT csv, HEADER)
-- 2,000 names are plenty for the toy checks here and keep the jobs short.
DELETE FROM training_names WHERE ctid NOT IN (SELECT ctid FROM training_names LIMIT 2000);

SELECT automl.train('names_perceptron', 'training_names', 'tags', task => 'tagging',
                    hyperparams => '{"training": "perceptron"}') AS job \gset
SELECT status, error, result->>'training' AS training, (result->'iterations')::int BETWEEN 1 AND 10 AS passes,
       (result->'metrics'->>'entity_f1')::float8 > 0.9 AS good_f1
  FROM automl.wait(:job);
SELECT m.algorithm, m.hyperparams->>'training' AS training, m.hyperparams->'epochs' AS epochs
  FROM automl.deployed_models d JOIN automl.models m ON m.id = d.model_id
 WHERE d.project = 'names_perceptron';
SELECT r->'tags' AS tags, r->'components' AS components, r->>'source' AS source,
       (r->>'confidence')::float8 > 0 AND (r->>'confidence')::float8 <= 1 AS confidence_in_0_1
  FROM automl.tag('names_perceptron', 'Moldex 2200 N95 Medium') r;

SELECT automl.train('names_pa', 'training_names', 'tags', task => 'tagging',
                    hyperparams => '{"training": "pa", "epochs": 5}') AS job \gset
SELECT status, error, result->>'training' AS training, (result->'iterations')::int BETWEEN 1 AND 5 AS passes,
       (result->'metrics'->>'entity_f1')::float8 > 0.9 AS good_f1
  FROM automl.wait(:job);
SELECT automl.tag('names_pa', 'Moldex 2200 N95 Medium')->'components' AS components;

-- L1 (and c2 with it, elastic net): the same file, many of its weights exactly zero.
SELECT automl.train('names_l1', 'training_names', 'tags', task => 'tagging',
                    hyperparams => '{"c1": 0.5}') AS job \gset
SELECT status, error, result->>'training' AS training,
       (result->'metrics'->>'entity_f1')::float8 > 0.9 AS good_f1
  FROM automl.wait(:job);
SELECT automl.tag('names_l1', 'Moldex 2200 N95 Medium')->'components' AS components;
WITH state AS (
  SELECT d.project, w::float8 AS w
    FROM automl.deployed_models d, jsonb_array_elements(automl.export_model(d.model_id)->'model'->'state') w
   WHERE d.project IN ('names_l1', 'names_perceptron')
)
SELECT project, avg((w = 0)::int) > 0.5 AS mostly_zero, bool_or(w <> 0) AS some_weights
  FROM state GROUP BY project ORDER BY project;

-- Bad values name the key.
SELECT error_of($$SELECT automl.train('p', 'training_names', 'tags', task => 'tagging', hyperparams => '{"training": "sgd"}')$$);
SELECT error_of($$SELECT automl.train('p', 'training_names', 'tags', task => 'tagging', hyperparams => '{"epochs": 0}')$$);
SELECT error_of($$SELECT automl.train('p', 'training_names', 'tags', task => 'tagging', hyperparams => '{"c1": -0.1}')$$);
SELECT error_of($$SELECT automl.train('p', 'training_names', 'tags', task => 'tagging',
                                      hyperparams => '{"training": "perceptron", "c1": 0.1}')$$);
