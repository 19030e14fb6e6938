-- Models and deployments: the rows, whoever writes them

-- Every backend caches which model serves a project; this trigger tells them all
-- (through a relcache invalidation) when that may have changed.
CREATE OR REPLACE FUNCTION automl_internal._deployments_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'automl_deployments_changed' LANGUAGE C;

-- A new deployment keeps the live shadow unless it now serves (is the model or an
-- arm) or takes other features than the new model; rollback and deploy_shadow say
-- which shadow they want (keep_shadow => false).
CREATE OR REPLACE FUNCTION automl_internal._record_deployment(project text, model_id bigint, strategy text,
                                          previous_id bigint, arms jsonb DEFAULT NULL,
                                          shadow_model_id bigint DEFAULT NULL,
                                          keep_shadow boolean DEFAULT true) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  live_shadow bigint;
BEGIN
  IF keep_shadow THEN
    SELECT d.shadow_model_id INTO live_shadow FROM automl.deployments d
     WHERE d.project = _record_deployment.project ORDER BY d.id DESC LIMIT 1;
    IF live_shadow IS NOT NULL AND live_shadow <> model_id
       AND NOT coalesce(arms @> jsonb_build_array(jsonb_build_object('model_id', live_shadow)), false)
       AND automl_internal._same_features(live_shadow, model_id) THEN
      shadow_model_id := live_shadow;
    ELSIF live_shadow IS NOT NULL THEN
      RAISE NOTICE 'shadow model % no longer runs beside project "%"', live_shadow, project;
    END IF;
  END IF;
  PERFORM automl_internal._insert_deployment(project, model_id, strategy, previous_id, arms, shadow_model_id);
  RETURN model_id;
END
$$;

-- Two models take the same input row (feature_version, or the column list for
-- models that predate it).
CREATE OR REPLACE FUNCTION automl_internal._same_features(a bigint, b bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT count(DISTINCT coalesce(m.feature_version, m.feature_names::text)) = 1
    FROM automl.models m WHERE m.id IN (a, b);
$$;

CREATE OR REPLACE FUNCTION automl_internal._model_summary(model bytea) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_model_summary' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

-- Whether every id is a model of the project (not subject to the caller's view).
CREATE OR REPLACE FUNCTION automl_internal._models_of_project(project text, model_ids bigint[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT count(DISTINCT m.id) = cardinality(model_ids)
    FROM automl.models m WHERE m.project = _models_of_project.project AND m.id = ANY (model_ids);
$$;

-- A deployment's split arms are models of its project that take the same
-- features, 2 to 8 of them, distinct, with positive weights summing to 1, the
-- first being model_id: what deploy_split writes, enforced for every writer.
CREATE OR REPLACE FUNCTION automl_internal._deployments_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[];
  weights float8[];
BEGIN
  IF NEW.arms IS NULL THEN
    RETURN NEW;
  END IF;
  IF jsonb_typeof(NEW.arms) <> 'array' OR jsonb_array_length(NEW.arms) NOT BETWEEN 2 AND 8
     OR EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.arms) a
                 WHERE jsonb_typeof(a) <> 'object' OR jsonb_typeof(a->'model_id') <> 'number'
                    OR jsonb_typeof(a->'weight') <> 'number' OR (SELECT count(*) FROM jsonb_object_keys(a)) <> 2) THEN
    RAISE EXCEPTION 'deployment arms must be 2 to 8 objects {"model_id": …, "weight": …}'
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT array_agg((a->>'model_id')::bigint ORDER BY i), array_agg((a->>'weight')::float8 ORDER BY i)
    INTO ids, weights FROM jsonb_array_elements(NEW.arms) WITH ORDINALITY x(a, i);
  IF ids[1] IS DISTINCT FROM NEW.model_id OR (SELECT count(DISTINCT id) FROM unnest(ids) id) <> cardinality(ids)
     OR EXISTS (SELECT 1 FROM unnest(weights) w WHERE NOT w > 0 OR w = 'Infinity')
     OR abs((SELECT sum(w) FROM unnest(weights) w) - 1) > 1e-9 THEN
    RAISE EXCEPTION 'deployment arms must be distinct models, the first being model_id, with positive weights summing to 1'
      USING ERRCODE = 'check_violation';
  END IF;
  IF NOT automl_internal._models_of_project(NEW.project, ids) THEN
    RAISE EXCEPTION 'every arm of a deployment of project "%" must be a model of that project', NEW.project
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NEW;
END
$$;

-- Tenants write models and deployments only through the extension's functions: these
-- C functions check that the calling role manages the project and insert as the
-- extension's owner, recording the caller (extension/registry_writes.cpp).
CREATE OR REPLACE FUNCTION automl_internal._insert_deployment(project text, model_id bigint, strategy text, previous_id bigint,
                                          arms jsonb, shadow_model_id bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'automl_insert_deployment' LANGUAGE C VOLATILE;

CREATE OR REPLACE FUNCTION automl_internal._insert_model(project text, version integer, model bytea, metrics jsonb, info jsonb)
RETURNS bigint
  AS 'MODULE_PATHNAME', 'automl_insert_model' LANGUAGE C VOLATILE;
