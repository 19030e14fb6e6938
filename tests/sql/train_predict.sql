-- train_predict: the walking skeleton end to end through SQL, the way a user works.
-- A worker is running (scripts/test.sh starts one); automl.wait blocks until done.
CREATE TABLE iris (sepal_length float8, sepal_width float8, petal_length float8,
                   petal_width float8, species text);
COPY iris FROM stdin WITH (FORMAT csv);
5.1,3.5,1.4,0.2,setosa
4.9,3.0,1.4,0.2,setosa
4.7,3.2,1.3,0.2,setosa
4.6,3.1,1.5,0.2,setosa
5.0,3.6,1.4,0.2,setosa
5.4,3.9,1.7,0.4,setosa
4.6,3.4,1.4,0.3,setosa
5.0,3.4,1.5,0.2,setosa
4.4,2.9,1.4,0.2,setosa
4.9,3.1,1.5,0.1,setosa
5.4,3.7,1.5,0.2,setosa
4.8,3.4,1.6,0.2,setosa
4.8,3.0,1.4,0.1,setosa
4.3,3.0,1.1,0.1,setosa
5.8,4.0,1.2,0.2,setosa
5.7,4.4,1.5,0.4,setosa
5.4,3.9,1.3,0.4,setosa
5.1,3.5,1.4,0.3,setosa
5.7,3.8,1.7,0.3,setosa
5.1,3.8,1.5,0.3,setosa
5.4,3.4,1.7,0.2,setosa
5.1,3.7,1.5,0.4,setosa
4.6,3.6,1.0,0.2,setosa
5.1,3.3,1.7,0.5,setosa
4.8,3.4,1.9,0.2,setosa
5.0,3.0,1.6,0.2,setosa
5.0,3.4,1.6,0.4,setosa
5.2,3.5,1.5,0.2,setosa
5.2,3.4,1.4,0.2,setosa
4.7,3.2,1.6,0.2,setosa
4.8,3.1,1.6,0.2,setosa
5.4,3.4,1.5,0.4,setosa
5.2,4.1,1.5,0.1,setosa
5.5,4.2,1.4,0.2,setosa
4.9,3.1,1.5,0.2,setosa
5.0,3.2,1.2,0.2,setosa
5.5,3.5,1.3,0.2,setosa
4.9,3.6,1.4,0.1,setosa
4.4,3.0,1.3,0.2,setosa
5.1,3.4,1.5,0.2,setosa
5.0,3.5,1.3,0.3,setosa
4.5,2.3,1.3,0.3,setosa
4.4,3.2,1.3,0.2,setosa
5.0,3.5,1.6,0.6,setosa
5.1,3.8,1.9,0.4,setosa
4.8,3.0,1.4,0.3,setosa
5.1,3.8,1.6,0.2,setosa
4.6,3.2,1.4,0.2,setosa
5.3,3.7,1.5,0.2,setosa
5.0,3.3,1.4,0.2,setosa
7.0,3.2,4.7,1.4,versicolor
6.4,3.2,4.5,1.5,versicolor
6.9,3.1,4.9,1.5,versicolor
5.5,2.3,4.0,1.3,versicolor
6.5,2.8,4.6,1.5,versicolor
5.7,2.8,4.5,1.3,versicolor
6.3,3.3,4.7,1.6,versicolor
4.9,2.4,3.3,1.0,versicolor
6.6,2.9,4.6,1.3,versicolor
5.2,2.7,3.9,1.4,versicolor
5.0,2.0,3.5,1.0,versicolor
5.9,3.0,4.2,1.5,versicolor
6.0,2.2,4.0,1.0,versicolor
6.1,2.9,4.7,1.4,versicolor
5.6,2.9,3.6,1.3,versicolor
6.7,3.1,4.4,1.4,versicolor
5.6,3.0,4.5,1.5,versicolor
5.8,2.7,4.1,1.0,versicolor
6.2,2.2,4.5,1.5,versicolor
5.6,2.5,3.9,1.1,versicolor
5.9,3.2,4.8,1.8,versicolor
6.1,2.8,4.0,1.3,versicolor
6.3,2.5,4.9,1.5,versicolor
6.1,2.8,4.7,1.2,versicolor
6.4,2.9,4.3,1.3,versicolor
6.6,3.0,4.4,1.4,versicolor
6.8,2.8,4.8,1.4,versicolor
6.7,3.0,5.0,1.7,versicolor
6.0,2.9,4.5,1.5,versicolor
5.7,2.6,3.5,1.0,versicolor
5.5,2.4,3.8,1.1,versicolor
5.5,2.4,3.7,1.0,versicolor
5.8,2.7,3.9,1.2,versicolor
6.0,2.7,5.1,1.6,versicolor
5.4,3.0,4.5,1.5,versicolor
6.0,3.4,4.5,1.6,versicolor
6.7,3.1,4.7,1.5,versicolor
6.3,2.3,4.4,1.3,versicolor
5.6,3.0,4.1,1.3,versicolor
5.5,2.5,4.0,1.3,versicolor
5.5,2.6,4.4,1.2,versicolor
6.1,3.0,4.6,1.4,versicolor
5.8,2.6,4.0,1.2,versicolor
5.0,2.3,3.3,1.0,versicolor
5.6,2.7,4.2,1.3,versicolor
5.7,3.0,4.2,1.2,versicolor
5.7,2.9,4.2,1.3,versicolor
6.2,2.9,4.3,1.3,versicolor
5.1,2.5,3.0,1.1,versicolor
5.7,2.8,4.1,1.3,versicolor
6.3,3.3,6.0,2.5,virginica
5.8,2.7,5.1,1.9,virginica
7.1,3.0,5.9,2.1,virginica
6.3,2.9,5.6,1.8,virginica
6.5,3.0,5.8,2.2,virginica
7.6,3.0,6.6,2.1,virginica
4.9,2.5,4.5,1.7,virginica
7.3,2.9,6.3,1.8,virginica
6.7,2.5,5.8,1.8,virginica
7.2,3.6,6.1,2.5,virginica
6.5,3.2,5.1,2.0,virginica
6.4,2.7,5.3,1.9,virginica
6.8,3.0,5.5,2.1,virginica
5.7,2.5,5.0,2.0,virginica
5.8,2.8,5.1,2.4,virginica
6.4,3.2,5.3,2.3,virginica
6.5,3.0,5.5,1.8,virginica
7.7,3.8,6.7,2.2,virginica
7.7,2.6,6.9,2.3,virginica
6.0,2.2,5.0,1.5,virginica
6.9,3.2,5.7,2.3,virginica
5.6,2.8,4.9,2.0,virginica
7.7,2.8,6.7,2.0,virginica
6.3,2.7,4.9,1.8,virginica
6.7,3.3,5.7,2.1,virginica
7.2,3.2,6.0,1.8,virginica
6.2,2.8,4.8,1.8,virginica
6.1,3.0,4.9,1.8,virginica
6.4,2.8,5.6,2.1,virginica
7.2,3.0,5.8,1.6,virginica
7.4,2.8,6.1,1.9,virginica
7.9,3.8,6.4,2.0,virginica
6.4,2.8,5.6,2.2,virginica
6.3,2.8,5.1,1.5,virginica
6.1,2.6,5.6,1.4,virginica
7.7,3.0,6.1,2.3,virginica
6.3,3.4,5.6,2.4,virginica
6.4,3.1,5.5,1.8,virginica
6.0,3.0,4.8,1.8,virginica
6.9,3.1,5.4,2.1,virginica
6.7,3.1,5.6,2.4,virginica
6.9,3.1,5.1,2.3,virginica
5.8,2.7,5.1,1.9,virginica
6.8,3.2,5.9,2.3,virginica
6.7,3.3,5.7,2.5,virginica
6.7,3.0,5.2,2.3,virginica
6.3,2.5,5.0,1.9,virginica
6.5,3.0,5.2,2.0,virginica
6.2,3.4,5.4,2.3,virginica
5.9,3.0,5.1,1.8,virginica
\.
SELECT automl.train(project => 'iris', relation => 'iris', target => 'species',
                    algorithm => 'logistic') AS job \gset
SELECT status, error, result->>'task' AS task, result->>'algorithm' AS algorithm,
       (result->'metrics'->>'accuracy')::float8 >= 0.9 AS accurate, result->'deployed' AS deployed,
       result->'classes' AS classes, result->>'train_rows' AS train_rows, result->>'test_rows' AS test_rows
  FROM automl.wait(:job);
SELECT project, version, algorithm, task, feature_names, classes, target, format_version,
       metrics ?& ARRAY['accuracy', 'precision', 'recall', 'f1', 'log_loss', 'train_accuracy'] AS has_metrics,
       NOT metrics ? 'roc_auc' AS no_auc_for_multiclass, job_id = :job AS from_job
  FROM automl.models WHERE project = 'iris';
-- (the projects of the files before this one whose results do not depend on machine speed)
SELECT project, algorithm, task, strategy FROM automl.deployed_models
 WHERE project IN ('bayes', 'iris', 'lin', 'odd_types', 'other', 'reg_elastic_net', 'reg_lasso', 'reg_linear',
                   'reg_ridge', 'reg_sparse', 'shapes_reg');

-- Serving: the class as float8 (text labels: the class index), its label, probabilities.
SELECT automl.predict('iris', ARRAY[5.1, 3.5, 1.4, 0.2]) AS setosa_index,
       automl.predict('iris', ARRAY[6.7, 3.0, 5.2, 2.3]) AS virginica_index;
SELECT automl.predict_label('iris', ARRAY[5.1, 3.5, 1.4, 0.2]) AS a,
       automl.predict_label('iris', ARRAY[5.9, 2.8, 4.5, 1.3]) AS b,
       automl.predict_label('iris', ARRAY[6.7, 3.0, 5.2, 2.3]) AS c;
SELECT array_length(p, 1) AS classes, p[1] > 0.9 AS confident, abs(p[1] + p[2] + p[3] - 1) < 1e-12 AS sums_to_one
  FROM (SELECT automl.predict_proba('iris', ARRAY[5.1, 3.5, 1.4, 0.2]) AS p) s;
SELECT automl.predict_model(m.id, ARRAY[6.7, 3.0, 5.2, 2.3]) = automl.predict('iris', ARRAY[6.7, 3.0, 5.2, 2.3]) AS same
  FROM automl.models m WHERE m.project = 'iris';
SELECT avg((automl.predict_label('iris', ARRAY[sepal_length, sepal_width, petal_length, petal_width]) = species)::int) > 0.95
       AS accurate_on_table
  FROM iris;
-- Integer arrays are accepted too (implicit cast to float8[]).
SELECT automl.predict_label('iris', ARRAY[7, 3, 6, 2]);

-- The same predictions from a parallel query.
CREATE TABLE iris_big AS SELECT i.* FROM iris i, generate_series(1, 200);
ANALYZE iris_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM iris_big
 WHERE automl.predict_label('iris', ARRAY[sepal_length, sepal_width, petal_length, petal_width]) = species;
SELECT count(*) = 200 * (SELECT count(*) FROM iris
                          WHERE automl.predict_label('iris', ARRAY[sepal_length, sepal_width, petal_length, petal_width]) = species)
       AS parallel_matches_serial
  FROM iris_big
 WHERE automl.predict_label('iris', ARRAY[sepal_length, sepal_width, petal_length, petal_width]) = species;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- A plain INSERT is a job too; relation names are stored schema-qualified.
INSERT INTO automl.jobs (kind, project, spec)
VALUES ('train', 'iris', '{"relation": "iris", "target": "species"}')
RETURNING id AS job2, status, spec->>'relation' AS relation, spec->>'algorithm' AS algorithm \gset
SELECT :'status' AS status, :'relation' AS relation, :'algorithm' AS algorithm;
SELECT status, result->>'algorithm' AS algorithm, result->>'version' AS version,
       result->>'task_reason' AS task_reason
  FROM automl.wait(:job2);

-- Coefficients are readable: 3 classes x (4 features + intercept).
SELECT output, count(*) FROM automl.coefficients((SELECT min(id) FROM automl.models WHERE project = 'iris'))
 GROUP BY output ORDER BY output;

-- Labels may be int or bool; predict returns the label itself when numeric.
CREATE TABLE points AS
  SELECT x, y, (x + y > 1)::int AS above_int, (x + y > 1) AS above_bool
    FROM (SELECT (i % 37) / 18.0 AS x, (i % 23) / 11.0 AS y FROM generate_series(1, 600) i) s;
SELECT automl.train('points_int', 'SELECT x, y, above_int FROM points', 'above_int',
                    hyperparams => NULL, algorithm => 'logistic') AS job_int \gset
SELECT automl.train('points_bool', 'SELECT x, y, above_bool FROM points', 'above_bool') AS job_bool \gset
SELECT status, result->>'task' AS task, result->'classes' AS classes, result->>'task_reason' AS reason
  FROM automl.wait(:job_int);
SELECT status, result->>'task' AS task, result->'classes' AS classes, result->>'algorithm' AS algorithm
  FROM automl.wait(:job_bool);
SELECT automl.predict('points_int', ARRAY[1.5, 1.5]) AS int_high, automl.predict('points_int', ARRAY[0.1, 0.1]) AS int_low,
       automl.predict('points_bool', ARRAY[1.5, 1.5]) AS bool_high,
       automl.predict_label('points_bool', ARRAY[1.5, 1.5]) AS bool_label,
       automl.predict_label('points_int', ARRAY[0.1, 0.1]) AS int_label;
SELECT (metrics ? 'roc_auc') AS binary_has_auc, (metrics->>'roc_auc')::float8 > 0.95 AS good_auc
  FROM automl.models WHERE project = 'points_int';
