-- tagging: a CRF trained as a job from tokens text[] and tags text[], served by
-- automl.tag. The bundled data (scripts/generate_respirators.py) holds out brands,
-- series and model numbers the training rows never contain; entity F1 on them is
-- computed here through SQL, from automl.tag's own output.
CREATE TABLE respirators_train (name text, tokens text[], tags text[]);
CREATE TABLE respirators_test (name text, tokens text[], tags text[]);
\copy respirators_train FROM 'data/respirators_train.csv' WITH (FORMAT csv, HEADER)
\copy respirators_test FROM 'data/respirators_test.csv' WITH (FORMAT csv, HEADER)

-- Before any model: the documented rules answer, and say so.
SELECT automl.tag('respirators', '3M Aura 9205+ N95 Large');

SELECT automl.train('respirators', 'respirators_train', 'tags', task => 'tagging', algorithm => 'crf') AS job \gset
SELECT status, error, result->>'metric' AS metric, (result->'metrics'->>'entity_f1')::float8 > 0.95 AS good_f1,
       (result->'metrics'->>'token_accuracy')::float8 > 0.97 AS good_accuracy,
       result->'metrics'->'per_label' ?& ARRAY['brand', 'model', 'filter_type', 'size'] AS per_label
  FROM automl.wait(:job);
SELECT task, metric FROM automl.projects WHERE name = 'respirators';
SELECT m.algorithm, m.task, m.feature_names, m.classes FROM automl.deployed_models d JOIN automl.models m ON m.id = d.model_id
 WHERE d.project = 'respirators';

-- One name: tokens, tags, components joined across tokens, a probability.
SELECT r->'tokens' AS tokens, r->'tags' AS tags, r->'components' AS components, r->>'source' AS source,
       (r->>'confidence')::float8 > 0 AND (r->>'confidence')::float8 <= 1 AS confidence_in_0_1
  FROM automl.tag('respirators', 'Portwest Cleanguard 7369-S FFP3 Medium') r;

-- The held-out names: brands and models the CRF never saw. Entity F1 over exact spans.
WITH tagged AS (
  SELECT t.tags AS truth, ARRAY(SELECT jsonb_array_elements_text(automl.tag('respirators', t.name)->'tags')) AS got
    FROM respirators_test t
), spans AS (
  SELECT 'truth' AS side, row_number() OVER () AS k, truth AS tags FROM tagged
  UNION ALL SELECT 'got', row_number() OVER (), got FROM tagged
), tokens AS (
  SELECT side, k, i, tags[i] AS tag,
         tags[i] IS DISTINCT FROM tags[i - 1] AS starts
    FROM spans, generate_subscripts(tags, 1) i
), entities AS (
  SELECT side, k, tag, min(i) AS first, max(i) AS last
    FROM (SELECT *, sum(starts::int) OVER (PARTITION BY side, k ORDER BY i) AS run FROM tokens) r
   WHERE tag <> 'O' GROUP BY side, k, tag, run
), scored AS (
  SELECT count(*) FILTER (WHERE side = 'got') AS predicted, count(*) FILTER (WHERE side = 'truth') AS actual,
         (SELECT count(*) FROM entities g JOIN entities t USING (k, tag, first, last)
           WHERE g.side = 'got' AND t.side = 'truth') AS right_entities
    FROM entities
)
SELECT actual, 2.0 * right_entities / (predicted + actual) > 0.95 AS entity_f1_above_095 FROM scored;

-- A batch answers in order; NULL elements stay null.
SELECT jsonb_array_length(b) AS results, b->0->'components'->>'brand' AS first_brand, b->1 AS second, b->2->>'source' AS source
  FROM automl.tag('respirators', ARRAY['Moldex 2200 N95 M', NULL, 'Honeywell DF300 N95']) b;
-- In a parallel query too (PARALLEL SAFE).
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT count(*) FILTER (WHERE automl.tag('respirators', name)->'components' ? 'brand') = count(*) AS every_name_has_a_brand
  FROM respirators_test;
RESET ALL;

-- Bad input: tags and tokens of different lengths name the row; NULL tokens; a tabular
-- model; an unknown project falls back to the rules; predict on a tagger refuses.
CREATE TABLE uneven (tokens text[], tags text[]);
INSERT INTO uneven VALUES ('{a,b}', '{x,y}'), ('{a,b,c}', '{x,y}');
SELECT automl.train('uneven', 'uneven', 'tags', task => 'tagging') AS job \gset
SELECT status, error, attempts FROM automl.wait(:job);
CREATE TABLE two_token_columns (tokens text[], more text[], tags text[]);
INSERT INTO two_token_columns VALUES ('{a}', '{b}', '{x}');
SELECT automl.train('two', 'two_token_columns', 'tags', task => 'tagging') AS job \gset
SELECT status, error FROM automl.wait(:job);
SELECT error_of($$SELECT automl.train('p', 'respirators_train', 'tags', task => 'tagging', algorithm => 'logistic')$$);
SELECT error_of($$SELECT automl.train('p', 'respirators_train', 'tags', task => 'tagging', hyperparams => '{"c2": -1}')$$);
SELECT error_of($$SELECT automl.train('p', 'respirators_train', 'tags', task => 'tagging', metric => 'r2')$$);
SELECT error_of($$SELECT automl.predict('respirators', '{"tokens": ["3M"]}'::jsonb)$$);
SELECT automl.tag('no_such_project', 'Moldex 2200 N95')->>'source' AS unknown_project_source;
SELECT automl.tag('respirators', '')->'tags' AS empty_input;
SELECT error_of($$SELECT automl.tag('respirators', ARRAY[['a'], ['b']])$$);

-- Export and import: the tagger travels as one jsonb document and tags the same.
SELECT automl.import_model('respirators_copy', automl.export_model(model_id)) AS copy_id
  FROM automl.deployed_models WHERE project = 'respirators' \gset
SELECT automl.deploy('respirators_copy', :copy_id) = :copy_id AS deployed;
SELECT task, metric FROM automl.projects WHERE name = 'respirators_copy';
SELECT automl.tag('respirators_copy', name) - 'model_id' = automl.tag('respirators', name) - 'model_id' AS same_output,
       count(*)
  FROM respirators_test GROUP BY 1;
