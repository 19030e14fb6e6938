-- Inference (C++, inside the backend)

-- Coefficients of a linear model, read straight from its stored file, in the scaled
-- feature space the model was fitted in (docs/model-format.md).
CREATE OR REPLACE FUNCTION automl.coefficients(model_id bigint)
RETURNS TABLE (output integer, feature text, coefficient float8)
LANGUAGE sql STABLE AS $$
  WITH f AS (SELECT convert_from(m.model, 'UTF8')::jsonb AS doc, m.feature_names
               FROM automl.models m WHERE m.id = coefficients.model_id)
  -- Coefficients are per encoded feature (city=oslo, signup.year, …); format version 1
  -- models had one per input column.
  SELECT (o.ord - 1)::integer, coalesce(f.doc->'encoded_features'->>(c.ord::integer - 1), f.feature_names[c.ord]),
         c.value::text::float8
    FROM f, jsonb_array_elements(f.doc->'estimator'->'coef') WITH ORDINALITY AS o(row, ord),
         jsonb_array_elements(o.row) WITH ORDINALITY AS c(value, ord)
  UNION ALL
  SELECT (i.ord - 1)::integer, '(intercept)', i.value::text::float8
    FROM f, jsonb_array_elements(f.doc->'estimator'->'intercept') WITH ORDINALITY AS i(value, ord)
  ORDER BY 1, 2;
$$;

CREATE OR REPLACE FUNCTION automl.predict(project text, features float8[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_proba(project text, features float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_label(project text, features float8[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label' LANGUAGE C STRICT STABLE PARALLEL SAFE;

-- Named features: a jsonb object, or a table row / composite (columns the model does
-- not take, such as the target or an id, are ignored). Any other number array goes
-- through the anyelement overload positionally, like float8[].
CREATE OR REPLACE FUNCTION automl.predict(project text, features jsonb) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict(project text, features anyelement) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_proba(project text, features jsonb) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_proba(project text, features anyelement) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_label(project text, features jsonb) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_label(project text, features anyelement) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

-- With an A/B split, split_key picks the arm by its hash: one key, one model.
CREATE OR REPLACE FUNCTION automl.predict(project text, features float8[], split_key text) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict(project text, features jsonb, split_key text) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_label(project text, features jsonb, split_key text) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_proba(project text, features jsonb, split_key text) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STABLE PARALLEL SAFE;

-- Arrays of other number types, positionally like float8[]: without these exact
-- matches, ARRAY[1.5, 2] (numeric[]) would be ambiguous between float8[] and anyelement.
CREATE OR REPLACE FUNCTION automl.predict(project text, features numeric[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict(project text, features integer[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict(project text, features bigint[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict(project text, features real[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_proba(project text, features numeric[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_proba(project text, features integer[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_proba(project text, features bigint[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_proba(project text, features real[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_label(project text, features numeric[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_label(project text, features integer[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_label(project text, features bigint[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_label(project text, features real[]) RETURNS text
  AS 'MODULE_PATHNAME', 'automl_predict_label_named' LANGUAGE C STRICT STABLE PARALLEL SAFE;

-- Per-feature contributions to the raw score (coefficient × scaled value for linear
-- models, SHAP values for trees) plus the bias; they add up to raw_score.
CREATE OR REPLACE FUNCTION automl.explain(project text, features jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_explain' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.explain(project text, features anyelement) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_explain' LANGUAGE C STRICT STABLE PARALLEL SAFE;

-- Short-text tagging with the project's deployed CRF (task 'tagging'), or with the
-- bundled respirator rules when it has none ("source": "rules"). Tokens: the input
-- split on spaces, like string_to_array(input, ' ') without empty tokens.
CREATE OR REPLACE FUNCTION automl.tag(project text, input text) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_tag' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.tag(project text, inputs text[]) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_tag_batch' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_model(model_id bigint, features float8[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'automl_predict_model' LANGUAGE C STRICT STABLE PARALLEL SAFE;

-- Many rows in one call: features[i] is row i (a float8[][]); one answer per row, each
-- exactly what automl.predict answers for that row. A split project draws one arm
-- per call; a logged call logs every row.
CREATE OR REPLACE FUNCTION automl.predict_batch(project text, features float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_batch' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl.predict_proba_batch(project text, features float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'automl_predict_proba_batch' LANGUAGE C STRICT STABLE PARALLEL SAFE;

-- The server's shared cache of parsed models (automl.shared_model_cache_size), and
-- of who is served what (deployments: current entries; their hits and stores);
-- pinned_models: images some backend serves in place, which are not evicted.
CREATE OR REPLACE FUNCTION automl.shared_model_cache_status(
  OUT available boolean, OUT models bigint, OUT bytes bigint, OUT capacity_bytes bigint,
  OUT parses bigint, OUT image_loads bigint, OUT evictions bigint,
  OUT deployments bigint, OUT deployment_hits bigint, OUT deployment_stores bigint,
  OUT pinned_models bigint)
  AS 'MODULE_PATHNAME', 'automl_shared_model_cache_status' LANGUAGE C VOLATILE;
