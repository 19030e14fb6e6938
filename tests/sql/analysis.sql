-- analysis: automl.pareto_front checked against the definition of fronts (brute
-- force, pairwise) and NSGA-II's crowding distance recomputed with window functions;
-- automl.linear_analysis against NIST's certified Longley results and against
-- group means (treatment coding); their errors.
SELECT setseed(0.2);
-- Small integer grids: many ties and duplicates.
CREATE TABLE par AS
  SELECT i AS id, round(random() * 12)::float8 AS strength, round(random() * 12)::float8 AS cost,
         round(random() * 6)::float8 AS weight
    FROM generate_series(1, 300) i;
INSERT INTO par VALUES (301, NULL, 1, 1), (302, 'NaN', 1, 1), (303, 3, 'Infinity', 1);

CREATE FUNCTION par_dominates(q par, p par, three boolean) RETURNS boolean LANGUAGE sql AS $$
  SELECT q.strength >= p.strength AND q.cost <= p.cost AND (NOT three OR q.weight <= p.weight)
     AND (q.strength > p.strength OR q.cost < p.cost OR (three AND q.weight < p.weight))
$$;

-- Two objectives. Rows 301-303 are left out, with a NOTICE.
CREATE TABLE pf2 AS
  SELECT (f.row ->> 'id')::int AS id, f.front, f.crowding, f.row
    FROM automl.pareto_front('par', '{"strength": "max", "cost": "min"}') f;
SELECT count(*) AS ranked, count(DISTINCT front) > 3 AS several_fronts, min(front) AS first_front FROM pf2;
SELECT row FROM pf2 WHERE id = 1;
-- Front f: nobody on front f or later dominates the row; someone on front f - 1 does.
CREATE FUNCTION rows_on_a_wrong_front(fronts regclass, three boolean) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  wrong bigint;
BEGIN
  EXECUTE format($q$
    SELECT count(*) FROM %1$s a JOIN par p USING (id)
     WHERE EXISTS (SELECT FROM %1$s b JOIN par q USING (id) WHERE b.front >= a.front AND par_dominates(q, p, $1))
        OR (a.front > 1 AND NOT EXISTS (SELECT FROM %1$s b JOIN par q USING (id)
                                         WHERE b.front = a.front - 1 AND par_dominates(q, p, $1)))$q$, fronts)
    INTO wrong USING three;
  RETURN wrong;
END
$$;
SELECT rows_on_a_wrong_front('pf2', false);
-- Crowding: per objective (as minimised: -strength), the members in order, the ends
-- at Infinity, the others the gap between their neighbours over the front's range.
CREATE FUNCTION expected_crowding(fronts regclass) RETURNS TABLE (id int, expected float8) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH m AS (SELECT f.id, f.front, -p.strength AS s, p.cost AS c, p.weight AS w FROM %s f JOIN par p USING (id)),
    gaps AS (
      SELECT m.id, CASE WHEN lag(s) OVER ws IS NULL OR lead(s) OVER ws IS NULL THEN 'Infinity'::float8
                        ELSE coalesce((lead(s) OVER ws - lag(s) OVER ws)
                                      / nullif(max(s) OVER f - min(s) OVER f, 0), 0) END AS d
        FROM m WINDOW ws AS (PARTITION BY front ORDER BY s, id), f AS (PARTITION BY front)
      UNION ALL
      SELECT m.id, CASE WHEN lag(c) OVER wc IS NULL OR lead(c) OVER wc IS NULL THEN 'Infinity'::float8
                        ELSE coalesce((lead(c) OVER wc - lag(c) OVER wc)
                                      / nullif(max(c) OVER f - min(c) OVER f, 0), 0) END
        FROM m WINDOW wc AS (PARTITION BY front ORDER BY c, id), f AS (PARTITION BY front))
    SELECT id, sum(d) FROM gaps GROUP BY id$q$, fronts);
END
$$;
SELECT count(*) AS crowding_that_differs
  FROM pf2 JOIN expected_crowding('pf2') e USING (id)
 WHERE NOT (crowding = expected OR abs(crowding - expected) < 1e-12);
SELECT count(*) FILTER (WHERE crowding = 'Infinity') > 0 AS edges_at_infinity FROM pf2 WHERE front = 1;

-- Three objectives, over a query.
CREATE TABLE pf3 AS
  SELECT (f.row ->> 'id')::int AS id, f.front
    FROM automl.pareto_front('SELECT * FROM par WHERE id <= 300', '{"strength": "max", "cost": "min", "weight": "min"}') f;
SELECT count(*) AS ranked FROM pf3;
SELECT rows_on_a_wrong_front('pf3', true);
-- An empty relation has no fronts.
SELECT count(*) AS ranked FROM automl.pareto_front('SELECT * FROM par WHERE false', '{"cost": "min"}');

-- Errors name the culprit.
SELECT error_of($$SELECT * FROM automl.pareto_front('par', '{"price": "min"}')$$);
SELECT error_of($$SELECT * FROM automl.pareto_front('par', '{"cost": "lowest"}')$$);
SELECT error_of($$SELECT * FROM automl.pareto_front('par', '{}')$$);
SELECT error_of($$SELECT * FROM automl.pareto_front('par', '["cost"]')$$);
SELECT error_of($$SELECT * FROM automl.pareto_front('SELECT id::text AS t, cost FROM par', '{"t": "min"}')$$);
SELECT error_of($$SELECT * FROM automl.pareto_front('no_such_table', '{"cost": "min"}')$$);
SELECT error_of($$SELECT * FROM automl.pareto_front(NULL, '{"cost": "min"}')$$);
SELECT error_of($$SELECT * FROM automl.pareto_front('SELECT * FROM par; DROP TABLE par', '{"cost": "min"}')$$);

-- Linear analysis on NIST's Longley data: coefficients and standard errors agree with
-- the certified values (https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml)
-- to at least 10 and 9 significant digits.
CREATE TABLE longley (y float8, x1 float8, x2 float8, x3 float8, x4 float8, x5 float8, x6 float8);
INSERT INTO longley VALUES
  (60323, 83.0, 234289, 2356, 1590, 107608, 1947), (61122, 88.5, 259426, 2325, 1456, 108632, 1948),
  (60171, 88.2, 258054, 3682, 1616, 109773, 1949), (61187, 89.5, 284599, 3351, 1650, 110929, 1950),
  (63221, 96.2, 328975, 2099, 3099, 112075, 1951), (63639, 98.1, 346999, 1932, 3594, 113270, 1952),
  (64989, 99.0, 365385, 1870, 3547, 115094, 1953), (63761, 100.0, 363112, 3578, 3350, 116219, 1954),
  (66019, 101.2, 397469, 2904, 3048, 117388, 1955), (67857, 104.6, 419180, 2822, 2857, 118734, 1956),
  (68169, 108.4, 442769, 2936, 2798, 120445, 1957), (66513, 110.8, 444546, 4681, 2637, 121950, 1958),
  (68655, 112.6, 482704, 3813, 2552, 123366, 1959), (69564, 114.2, 502601, 3931, 2514, 125368, 1960),
  (69331, 115.7, 518173, 4806, 2572, 127852, 1961), (70551, 116.9, 554894, 4007, 2827, 130081, 1962);
CREATE TABLE longley_certified (term text, coef float8, std_err float8);
INSERT INTO longley_certified VALUES
  ('intercept', -3482258.63459582, 890420.383607373), ('x1', 15.0618722713733, 84.9149257747669),
  ('x2', -0.358191792925910E-01, 0.334910077722432E-01), ('x3', -2.02022980381683, 0.488399681651699),
  ('x4', -1.03322686717359, 0.214274163161675), ('x5', -0.511041056535807E-01, 0.226073200069370),
  ('x6', 1829.15146461355, 455.478499142212);
SELECT a.term, abs(a.coef - c.coef) <= 1e-10 * abs(c.coef) AS coef_10_digits,
       abs(a.std_err - c.std_err) <= 1e-9 * abs(c.std_err) AS std_err_9_digits,
       round(a.t::numeric, 3) AS t, round(a.p_value::numeric, 4) AS p_value, a.ci_low < a.coef AND a.coef < a.ci_high AS ci,
       round(a.vif::numeric, 2) AS vif
  FROM automl.linear_analysis('longley', 'y') a LEFT JOIN longley_certified c USING (term);
SELECT n, df_model, df_resid, round(r_squared::numeric, 12) AS r_squared, round(adj_r_squared::numeric, 6) AS adj_r_squared,
       round(f_statistic::numeric, 6) AS f_statistic, f_p_value < 1e-9 AS f_significant,
       round(residual_std_err::numeric, 9) AS residual_std_err, round(log_likelihood::numeric, 4) AS log_likelihood,
       round(aic::numeric, 3) AS aic, round(bic::numeric, 3) AS bic, round((condition_number / 1e9)::numeric, 3) AS condition_number_e9
  FROM automl.linear_analysis_summary('longley', 'y');

-- Treatment coding: one text column alone gives the group means (intercept: the
-- first level's mean; each other level: its difference from it).
CREATE TABLE groups AS
  SELECT i, (ARRAY['b', 'a', 'c'])[1 + i % 3] AS g, (i % 4 = 0) AS flag,
         (1 + i % 3) * 10 + (i % 7) * 0.5 AS y, i * 0.01 AS x
    FROM generate_series(1, 90) i;
INSERT INTO groups VALUES (91, NULL, true, 5, 1), (92, 'a', false, NULL, 2);
SELECT a.term, abs(a.coef - CASE a.term WHEN 'intercept' THEN m.a WHEN 'g=b' THEN m.b - m.a ELSE m.c - m.a END) < 1e-9 AS group_mean
  FROM automl.linear_analysis('groups', 'y', '{"terms": ["g"]}') a,
       (SELECT avg(y) FILTER (WHERE g = 'a') AS a, avg(y) FILTER (WHERE g = 'b') AS b, avg(y) FILTER (WHERE g = 'c') AS c
          FROM groups WHERE g IS NOT NULL AND y IS NOT NULL) m;
SELECT term, vif IS NULL AS no_vif FROM automl.linear_analysis('SELECT g, flag, y, x FROM groups', 'y');
SELECT term, round(coef::numeric, 6) AS coef
  FROM automl.linear_analysis('SELECT (i % 2)::int AS odd, y FROM groups', 'y', '{"categorical": ["odd"]}');
SELECT term, round(coef::numeric, 6) AS coef FROM automl.linear_analysis('groups', 'y', '{"terms": ["x"], "intercept": false, "alpha": 0.01}');

-- Errors name the culprit.
SELECT error_of($$SELECT * FROM automl.linear_analysis('groups', 'g')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('groups', 'nope')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('groups', 'y', '{"terms": ["x", "zz"]}')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('SELECT y, x, 2 * x AS x2 FROM groups', 'y')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('SELECT y, x, 7 AS seven FROM groups', 'y')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('SELECT y, x FROM groups LIMIT 2', 'y')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('SELECT y, x FROM groups WHERE false', 'y')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('SELECT y, i::text AS id FROM groups', 'y')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('SELECT y, now() AS at FROM groups', 'y')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('groups', 'y', '{"robust": true}')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('groups', 'y', '{"alpha": 2, "terms": ["x"]}')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('groups', 'y', '{"terms": "x"}')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('groups', 'y', '{"terms": ["y"]}')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('SELECT y, ''NaN''::float8 AS z FROM groups', 'y')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('SELECT y, x FROM groups; DROP TABLE groups', 'y')$$);
SELECT error_of($$SELECT * FROM automl.linear_analysis('SELECT i % 150 AS k, i::float8 AS y FROM generate_series(1, 400) i', 'y', '{"categorical": ["k"]}')$$);
