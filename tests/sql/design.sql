-- design: D-optimal designs through automl.design and the worker — a 2^3 factorial
-- for three two-level factors, a constrained case checked against every possible
-- design (exhaustive search over the candidate set, in SQL), augmentation of runs
-- already done, I-optimal designs with a categorical factor, and the refusals.

-- 2^3: the eight corners once each, 100 % D-efficient, log det X'X = 4 log 8.
SELECT automl.design('{"A": {"min": -1, "max": 1}, "B": {"min": 0, "max": 10}, "C": {"min": 5, "max": 6}}',
                     runs => 8, into_table => 'doe_factorial', options => '{"levels": 2}') AS job \gset
SELECT status, error FROM automl.wait(:job);
SELECT result->>'criterion' AS criterion, round((result->>'d_efficiency')::numeric, 9) AS d_efficiency,
       abs((result->>'log_det')::float8 - 4 * ln(8)) < 1e-9 AS log_det_is_4_log_8, result->'columns' AS columns,
       result->>'rows' AS rows, result->>'into_table' AS into_table
  FROM automl.jobs WHERE id = :job;
SELECT * FROM doe_factorial ORDER BY "A", "B", "C";
SELECT count(DISTINCT ("A", "B", "C")) AS distinct_corners FROM doe_factorial;

-- A constraint (A + B <= 1 on coded factors) removes the corner (1, 1) of a 3 x 3
-- grid; the worker's 5-run design for the linear model has the largest det X'X of
-- all 792 multisets of 5 of the 8 remaining candidates.
SELECT automl.design('{"A": {"min": -1, "max": 1}, "B": {"min": -1, "max": 1}}', runs => 5,
                     options => '{"constraints": [{"terms": {"A": 1, "B": 1}, "max": 1}], "restarts": 5}') AS job \gset
SELECT status, error FROM automl.wait(:job);
CREATE TEMP TABLE cand AS
  SELECT row_number() OVER (ORDER BY a, b) AS k, a, b
    FROM generate_series(-1, 1) a, generate_series(-1, 1) b WHERE a + b <= 1;
CREATE TEMP TABLE best AS
WITH RECURSIVE pick(last, n, s_a, s_b, s_aa, s_bb, s_ab) AS (
  SELECT k, 1, a::float8, b::float8, (a * a)::float8, (b * b)::float8, (a * b)::float8 FROM cand
  UNION ALL
  SELECT c.k, p.n + 1, p.s_a + c.a, p.s_b + c.b, p.s_aa + c.a * c.a, p.s_bb + c.b * c.b, p.s_ab + c.a * c.b
    FROM pick p JOIN cand c ON c.k >= p.last WHERE p.n < 5)
SELECT max(5 * (s_aa * s_bb - s_ab * s_ab) - s_a * (s_a * s_bb - s_ab * s_b) + s_b * (s_a * s_ab - s_aa * s_b)) AS det,
       count(*) AS designs
  FROM pick WHERE n = 5;
SELECT designs, det AS best_det, abs((j.result->>'log_det')::float8 - ln(det)) < 1e-9 AS worker_found_the_best,
       jsonb_array_length(j.result->'rows') AS runs,
       bool_and((r->>'A')::float8 + (r->>'B')::float8 <= 1) AS every_run_meets_the_constraint
  FROM best, automl.jobs j, jsonb_array_elements(j.result->'rows') r WHERE j.id = :job GROUP BY 1, 2, 3, 4;

-- Augmentation: two runs already done (with their measured response) stay, first.
CREATE TABLE doe_done (temp float8, time float8, yield float8);
INSERT INTO doe_done VALUES (150, 10, 61.2), (200, 30, 70.8);
SELECT automl.design('[{"name": "temp", "min": 150, "max": 200}, {"name": "time", "min": 10, "max": 30}]',
                     model => 'interactions', runs => 6, into_table => 'public.doe_augmented',
                     options => '{"include": "doe_done", "seed": 7}') AS job \gset
SELECT status, error FROM automl.wait(:job);
SELECT run, temp, time, included FROM doe_augmented WHERE run <= 2 ORDER BY run;
SELECT count(*) AS runs, count(*) FILTER (WHERE included) AS included FROM doe_augmented;
SELECT result->'columns' AS columns FROM automl.jobs WHERE id = :job;

-- I-optimal, a categorical factor and a term list.
SELECT automl.design('{"temp": {"min": 150, "max": 200}, "catalyst": {"categories": ["a", "b", "c"]}}',
                     model => 'temp, catalyst, temp^2', runs => 9, criterion => 'I',
                     into_table => 'doe_catalyst') AS job \gset
SELECT status, error FROM automl.wait(:job);
SELECT result->>'criterion' AS criterion, result->'columns' AS columns, (result->>'i_criterion')::float8 > 0 AS has_i
  FROM automl.jobs WHERE id = :job;
SELECT catalyst, count(*) > 0 AS used FROM doe_catalyst GROUP BY 1 ORDER BY 1;
SELECT pg_typeof(catalyst) AS catalyst_type, pg_typeof(temp) AS temp_type FROM doe_catalyst LIMIT 1;

-- Refusals, at submission: the spec is checked when the job row is inserted.
SELECT error_of($$SELECT automl.design('{"A": {"min": 0, "max": 1}, "B": {"min": 0, "max": 1}}', 'interactions', runs => 3)$$);
SELECT error_of($$SELECT automl.design('{"A": {"min": 0, "max": 1}}', 'A, Z')$$);
SELECT error_of($$SELECT automl.design('{"A": {"min": 1, "max": 0}}')$$);
SELECT error_of($$SELECT automl.design('{}')$$);
SELECT error_of($$SELECT automl.design('{"A": {"min": 0, "max": 1}}', criterion => 'E')$$);
SELECT error_of($$SELECT automl.design('{"A": {"min": 0, "max": 1}}', into_table => 'doe_factorial')$$);
SELECT error_of($$SELECT automl.design('{"A": {"min": 0, "max": 1}}', into_table => 'automl.evil')$$);
SELECT error_of($$SELECT automl.design('{"A": {"min": 0, "max": 1}}', options => '{"include": "no_such_runs"}')$$);
SELECT error_of($$SELECT automl.design('{"temp": {"min": 0, "max": 1}, "speed": {"min": 0, "max": 1}}', options => '{"include": "doe_done"}')$$);
SELECT error_of($$SELECT automl.design('{"A": {"min": 0, "max": 1}}', options => '{"include": "SELECT 1 AS \"A\"; DROP TABLE doe_done"}')$$);
