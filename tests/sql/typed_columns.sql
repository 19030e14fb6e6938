-- typed_columns: a table as it comes — numbers with NULLs, text, booleans, dates,
-- arrays, timestamps — trained with task 'auto' and served by column name.
CREATE TABLE customers AS
SELECT i AS id,
       18 + (i * 7919) % 60 AS age,
       CASE WHEN i % 10 = 0 THEN NULL ELSE ((i * 104729) % 1000) / 10.0 END AS income,
       (ARRAY['oslo', 'bergen', 'paris', 'rome', NULL])[1 + (i * 31) % 5] AS city,
       (i % 3 = 0) AS member,
       date '2020-01-01' + (i * 37) % 1000 AS signup
  FROM generate_series(1, 4000) i;
-- The target follows a rule over the encoded features; NULL income counts as average.
ALTER TABLE customers ADD COLUMN churned text;
UPDATE customers SET churned = CASE WHEN 0.06 * (coalesce(income, 50) - 50)
                                         + CASE city WHEN 'oslo' THEN 1.5 WHEN 'paris' THEN -1.5 ELSE 0 END
                                         - CASE WHEN member THEN 2 ELSE 0 END + 0.04 * (age - 48) > 0
                                    THEN 'yes' ELSE 'no' END;

SELECT automl.train('churn', 'customers', 'churned', preprocess => '{"exclude": ["id"]}') AS job \gset
SELECT status, result->>'task' AS task, result->>'task_reason' AS reason,
       (result->'metrics'->>'accuracy')::float8 >= 0.95 AS accurate,
       result->'inputs' AS inputs, result->'encoded_features' AS encoded
  FROM automl.wait(:job);
SELECT feature_names, length(feature_version) AS version_length FROM automl.models WHERE job_id = :job;

-- A row and its jsonb give the same answer; extra columns (id, the target) are ignored.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE automl.predict_proba('churn', c) = automl.predict_proba('churn', to_jsonb(c))) AS same,
       avg((automl.predict_label('churn', c) = churned)::int) >= 0.95 AS accurate
  FROM customers c;
-- NULLs are imputed; an unseen city is "no city we know"; strings are parsed per type.
SELECT automl.predict_label('churn', '{"age": 70, "income": 90, "city": "oslo", "member": false, "signup": "2021-06-01"}'::jsonb) AS yes,
       automl.predict_label('churn', '{"age": 20, "income": 5, "city": "paris", "member": true, "signup": null}'::jsonb) AS no,
       automl.predict_label('churn', '{"age": 70, "income": null, "city": "tokyo", "member": "f", "signup": "2021-06-01"}'::jsonb) AS unseen,
       automl.predict('churn', '{"age": "70", "income": 90, "city": "oslo", "member": false, "signup": "2021-06-01T12:00:00Z"}'::jsonb) IN (0, 1) AS parsed;
SELECT error_of($$SELECT automl.predict('churn', '{"age": 70}'::jsonb)$$);
SELECT error_of($$SELECT automl.predict('churn', '{"age": "old", "income": 1, "city": "oslo", "member": true, "signup": null}'::jsonb)$$);
SELECT error_of($$SELECT automl.predict('churn', '{"age": [70], "income": 1, "city": "oslo", "member": true, "signup": null}'::jsonb)$$);
SELECT error_of($$SELECT automl.predict('churn', '{"age": 1, "income": 1, "city": "oslo", "member": 7, "signup": null}'::jsonb)$$);
SELECT error_of($$SELECT automl.predict('churn', '{"age": 1, "income": 1, "city": "oslo", "member": true, "signup": "someday"}'::jsonb)$$);
SELECT error_of($$SELECT automl.predict('churn', '[1, 2]'::jsonb)$$);
SELECT error_of($$SELECT automl.predict('churn', ARRAY[1.0, 2.0, 3.0, 4.0, 5.0])$$);
SELECT error_of($$SELECT automl.predict('churn', ROW(1, 2))$$);
SELECT error_of($$SELECT automl.predict('churn', now())$$);

-- Arrays and timestamps expand into features; a numeric target with many values is regression.
CREATE TABLE sensors AS
SELECT ARRAY[sin(i), cos(i * 0.5), (i % 17) / 17.0] AS readings,
       timestamptz '2024-03-01 00:00:00+00' + i * interval '7 minutes' AS measured_at,
       i AS n
  FROM generate_series(1, 1500) i;
ALTER TABLE sensors ADD COLUMN y float8;
UPDATE sensors SET y = 2 * readings[1] - readings[3] + 0.25 * extract(hour FROM measured_at AT TIME ZONE 'UTC');
SELECT automl.train('sensors', 'sensors', 'y', algorithm => 'linear', preprocess => '{"exclude": ["n"]}') AS job \gset
SELECT status, result->>'task' AS task, (result->'metrics'->>'r2')::float8 > 0.9999 AS exact_fit,
       result->'encoded_features' AS encoded FROM automl.wait(:job);
SELECT round(automl.predict('sensors', s)::numeric, 6) = round(s.y::numeric, 6) AS row_ok,
       round(automl.predict('sensors', jsonb_build_object('readings', s.readings, 'measured_at', s.measured_at))::numeric, 6)
         = round(s.y::numeric, 6) AS jsonb_ok
  FROM sensors s WHERE n = 777;
SELECT error_of($$SELECT automl.predict('sensors', '{"readings": [1, 2], "measured_at": null}'::jsonb)$$);

-- Balanced class weights find more of a rare class than plain weights do.
CREATE TABLE rare AS
SELECT (i % 20 = 0)::int + ((i * 7919) % 100) / 100.0 * 1.5 AS x,
       CASE WHEN i % 20 = 0 THEN 'rare' ELSE 'common' END AS label
  FROM generate_series(1, 4000) i;
SELECT automl.train('rare_plain', 'rare', 'label', algorithm => 'logistic') AS plain,
       automl.train('rare_balanced', 'rare', 'label', algorithm => 'logistic',
                    hyperparams => '{"class_weight": "balanced"}') AS balanced \gset
SELECT (b.result->'metrics'->>'recall')::float8 > (p.result->'metrics'->>'recall')::float8 AS balanced_recalls_more,
       b.result->'classes' AS classes
  FROM automl.wait(:plain) p, automl.wait(:balanced) b;

-- describe: one row per column, exact below sample_rows, sampled above it.
SELECT column_name, type, rows, nulls, distinct_values, round(mean::numeric, 3) AS mean, min, max,
       q1, median, q3, top_values->0 AS top, sampled
  FROM automl.describe('customers');
SELECT column_name, rows, nulls, sampled FROM automl.describe('SELECT age, city FROM customers WHERE member');
SELECT bool_and(sampled) AS sampled, bool_and(rows = 4000) AS exact_counts FROM automl.describe('customers', 500);
SELECT error_of($$SELECT * FROM automl.describe('no_such_table')$$);
SELECT error_of($$SELECT * FROM automl.describe('customers', 0)$$);

-- explain a linear model: coefficient × scaled value per encoded feature, summed per column.
SELECT e->>'prediction' AS prediction, e->>'explains' AS explains,
       abs((SELECT sum(value::text::float8) FROM jsonb_each(e->'features')) + (e->>'bias')::float8
           - (e->>'raw_score')::float8) < 1e-9 AS adds_up,
       (SELECT array_agg(key ORDER BY key) FROM jsonb_object_keys(e->'features') key) AS features,
       (e->'contributions'->>'city=oslo')::float8 > 0 AS oslo_pushes_to_yes
  FROM automl.explain('churn', '{"age": 70, "income": 90, "city": "oslo", "member": false, "signup": "2021-06-01"}'::jsonb) e;
SELECT error_of($$SELECT automl.explain('churn', '{"age": 70}'::jsonb)$$);

-- Target encoding: 300 shops, each with its own level of sales, overflow the 20 one-hot
-- columns; shop.target_mean follows them and keeps the pooled shops' levels apart.
CREATE TABLE shop_sales AS
SELECT 's' || (i % 300) AS shop, ((i * 7919) % 100) / 100.0 AS promo,
       (i % 300) + 5 * ((i * 7919) % 100) / 100.0 + ((i * 31) % 7 - 3) * 0.1 AS sales,
       (i / 300) % 4 = 0 AS held_out
  FROM generate_series(1, 6000) i;
SELECT automl.train('shops', 'shop_sales', 'sales', algorithm => 'ridge', split_column => 'held_out') AS encoded,
       automl.train('shops_one_hot', 'shop_sales', 'sales', algorithm => 'ridge', split_column => 'held_out',
                    preprocess => '{"target_encode": "none"}') AS one_hot \gset
SELECT e.status, (e.result->'metrics'->'feature_importance') ? 'shop.target_mean' AS encoded,
       (o.result->'metrics'->'feature_importance') ? 'shop.target_mean' AS encoded_without,
       (e.result->>'encoded_features')::int - (o.result->>'encoded_features')::int AS extra,
       (e.result->'metrics'->>'r2')::float8 > 0.99 AS held_out_r2_high,
       (o.result->'metrics'->>'r2')::float8 < 0.5 AS one_hot_r2_low
  FROM automl.wait(:encoded) e, automl.wait(:one_hot) o;
-- Served by row and by jsonb alike; a pooled shop keeps its level, an unseen one gets
-- the overall mean (about 152).
SELECT count(*) FILTER (WHERE automl.predict('shops', s) = automl.predict('shops', to_jsonb(s))) = count(*) AS same,
       avg(abs(automl.predict('shops', s) - sales)) < 3 AS close,
       avg(abs(automl.predict('shops_one_hot', s) - sales)) > 10 * avg(abs(automl.predict('shops', s) - sales)) AS far_better_than_one_hot
  FROM shop_sales s WHERE held_out;
SELECT abs(automl.predict('shops', '{"shop": "s250", "promo": 0.5}'::jsonb) - 252.5) < 3 AS pooled_shop_level,
       abs(automl.predict('shops', '{"shop": "nowhere", "promo": 0.5}'::jsonb) - 152) < 5 AS unseen_is_the_mean,
       abs(automl.predict('shops', '{"shop": null, "promo": 0.5}'::jsonb)) < 400 AS null_is_served;
SELECT automl.train('bad_te', 'shop_sales', 'sales', preprocess => '{"target_encode": ["promo"]}') AS bad \gset
SELECT status, error FROM automl.wait(:bad);
SELECT error_of($$SELECT automl.train('bad_te', 'shop_sales', 'sales', preprocess => '{"target_encode": 1}')$$);
