-- messages: the DETAIL and HINT of the main errors a user meets. A message names
-- the offending thing, the detail gives the facts, the hint says what to do; this
-- pins all three, so advice does not drift into the detail or out of the error.
CREATE FUNCTION message_of(statement text)
  RETURNS TABLE (code text, message text, detail text, hint text) LANGUAGE plpgsql AS $$
DECLARE
  c text;
  m text;
  d text;
  h text;
BEGIN
  EXECUTE statement;
  RETURN QUERY SELECT NULL::text, 'no error'::text, NULL::text, NULL::text;
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS c = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
                          h = PG_EXCEPTION_HINT;
  RETURN QUERY SELECT c, m, nullif(d, ''), nullif(h, '');
END
$$;

CREATE TABLE msg_points AS
  SELECT i::float8 AS x1, (i % 7)::float8 AS x2, 2 * i + 1.0 AS y FROM generate_series(1, 60) i;
SELECT automl.train('msg_reg', 'msg_points', 'y', algorithm => 'linear') AS job \gset
SELECT status FROM automl.wait(:job);
SELECT automl.train('msg_undeployed', 'msg_points', 'y', algorithm => 'linear', deploy => 'never') AS job \gset
SELECT status FROM automl.wait(:job);

\x on
-- Finding what serves.
SELECT * FROM message_of($$SELECT automl.predict('msg_nobody', ARRAY[1.0, 2.0])$$);
SELECT * FROM message_of($$SELECT automl.predict('msg_undeployed', ARRAY[1.0, 2.0])$$);
SELECT * FROM message_of($$SELECT automl.predict_model(-1, ARRAY[1.0, 2.0])$$);
SELECT * FROM message_of($$SELECT automl.predict_label('msg_reg', ARRAY[1.0, 2.0])$$);
-- The row.
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', ARRAY[1.0]::float8[])$$);
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', ARRAY[1.0, NULL]::float8[])$$);
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', ARRAY[1.0, 'NaN']::float8[])$$);
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', ARRAY[[1.0, 2.0]]::float8[])$$);
-- Any other array of numbers is positional too.
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', ARRAY[1, 2, 3])$$);
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', ARRAY[1, NULL])$$);
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', '{"x1": 1}'::jsonb)$$);
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', '[1, 2]'::jsonb)$$);
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', '{"x1": 1, "x2": "two"}'::jsonb)$$);
SELECT * FROM message_of($$SELECT automl.predict('msg_reg', 'one two'::text)$$);
-- Tagging.
SELECT * FROM message_of($$SELECT automl.tag('msg_reg', 'a b')$$);
SET automl.max_tag_tokens = 2;
SELECT * FROM message_of($$SELECT automl.tag('msg_nobody', 'a b c')$$);
RESET automl.max_tag_tokens;
-- Submitting and deploying.
SELECT * FROM message_of($$SELECT automl.train('msg_p', 'msg_no_such_table', 'y')$$);
SELECT * FROM message_of($$SELECT automl.train('msg_p', 'SELECT x1 FROM msg_points FOR UPDATE', 'x1')$$);
SELECT * FROM message_of($$SELECT automl.train('msg_p', 'msg_points', 'y', algorithm => 'logistic', hyperparams => '{"gamma": 1}')$$);
SELECT * FROM message_of($$SELECT automl.deploy('msg_reg', 'newest')$$);
SELECT * FROM message_of($$SELECT automl.describe('msg_no_such_table')$$);
\x off
