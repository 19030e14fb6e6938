-- Deployments: what serves a project

CREATE OR REPLACE FUNCTION automl.deploy(project text, strategy text DEFAULT 'best_score') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  proj automl.projects;
  chosen bigint;
  live automl.deployments;
  back automl.deployments;
BEGIN
  PERFORM automl_internal._require(project, 'manage');
  SELECT * INTO proj FROM automl.projects p WHERE p.name = deploy.project FOR UPDATE;
  SELECT * INTO live FROM automl.deployments d WHERE d.project = proj.name ORDER BY d.id DESC LIMIT 1;
  IF strategy = 'best_score' THEN
    SELECT m.id INTO chosen FROM automl.models m
     WHERE m.project = proj.name AND m.metrics ? proj.metric
     ORDER BY CASE WHEN automl_internal._metric_higher_is_better(proj.metric)
                   THEN -(m.metrics->>proj.metric)::float8
                   ELSE (m.metrics->>proj.metric)::float8 END, m.id DESC
     LIMIT 1;
  ELSIF strategy = 'most_recent' THEN
    SELECT max(m.id) INTO chosen FROM automl.models m WHERE m.project = proj.name;
  ELSIF strategy = 'rollback' THEN
    IF live.previous_id IS NULL THEN
      RAISE EXCEPTION 'project "%" has no earlier deployment to roll back to', proj.name
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO back FROM automl.deployments d WHERE d.id = live.previous_id;
    RETURN automl_internal._record_deployment(proj.name, back.model_id, 'rollback', back.previous_id, back.arms,
                                     back.shadow_model_id, keep_shadow => false);
  ELSE
    RAISE EXCEPTION 'unknown deployment strategy "%"', strategy
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Strategies: best_score, most_recent, rollback.';
  END IF;
  IF chosen IS NULL THEN
    RAISE EXCEPTION 'project "%" has no model to deploy', proj.name USING ERRCODE = 'undefined_object';
  END IF;
  RETURN automl_internal._record_deployment(proj.name, chosen, strategy, live.id);
END
$$;

-- A/B split: every predict call picks one of the models by weight — at random, or by
-- a hash of the caller's split_key so one user always meets the same model. All arms
-- must take the same features (feature_version). Returns the first arm's model id.
CREATE OR REPLACE FUNCTION automl.deploy_split(project text, model_ids bigint[], weights float8[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  current_id bigint;
  total float8;
  versions integer;
  arms jsonb;
BEGIN
  PERFORM automl_internal._require(project, 'manage');
  PERFORM 1 FROM automl.projects p WHERE p.name = deploy_split.project FOR UPDATE;
  IF model_ids IS NULL OR weights IS NULL OR cardinality(model_ids) < 2 OR cardinality(model_ids) > 8
     OR cardinality(weights) <> cardinality(model_ids) THEN
    RAISE EXCEPTION 'deploy_split needs 2 to 8 model ids and one weight each' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(weights) w WHERE w IS NULL OR NOT w > 0 OR w = 'Infinity')
     OR (SELECT count(DISTINCT id) FROM unnest(model_ids) id) <> cardinality(model_ids) THEN
    RAISE EXCEPTION 'split weights must be positive and finite, and model ids distinct' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(model_ids) AS wanted(model_id) WHERE NOT EXISTS (
               SELECT 1 FROM automl.models m WHERE m.id = wanted.model_id AND m.project = deploy_split.project)) THEN
    RAISE EXCEPTION 'every model of a split must exist and belong to project "%"', project
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT count(DISTINCT coalesce(m.feature_version, m.feature_names::text)) INTO versions
    FROM automl.models m WHERE m.id = ANY (model_ids);
  IF versions > 1 THEN
    RAISE EXCEPTION 'the models of a split must take the same features' USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'Their feature_version differs: a caller could not pass one row to both.';
  END IF;
  SELECT sum(w) INTO total FROM unnest(weights) w;
  SELECT jsonb_agg(jsonb_build_object('model_id', id, 'weight', w / total) ORDER BY ord) INTO arms
    FROM unnest(model_ids, weights) WITH ORDINALITY AS a(id, w, ord);
  SELECT max(d.id) INTO current_id FROM automl.deployments d WHERE d.project = deploy_split.project;
  RETURN automl_internal._record_deployment(project, model_ids[1], 'split', current_id, arms);
END
$$;

CREATE OR REPLACE FUNCTION automl.deploy(project text, model_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  owner_project text;
  current_id bigint;
BEGIN
  PERFORM automl_internal._require(project, 'manage');
  PERFORM 1 FROM automl.projects p WHERE p.name = deploy.project FOR UPDATE;
  owner_project := automl_internal._model_project(model_id);
  IF owner_project <> project THEN
    RAISE EXCEPTION 'model % belongs to project "%", not "%"', model_id, owner_project, project
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT max(d.id) INTO current_id FROM automl.deployments d WHERE d.project = deploy.project;
  RETURN automl_internal._record_deployment(project, model_id, 'manual', current_id);
END
$$;

-- Shadow: the model predicts beside what serves on every call, never answers, and
-- its output is logged next to the serving model's for the sampled calls (same
-- call_id in automl.prediction_log). NULL removes the shadow. Returns the model id.
CREATE OR REPLACE FUNCTION automl.deploy_shadow(project text, model_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  proj automl.projects;
  live automl.deployments;
  owner_project text;
BEGIN
  PERFORM automl_internal._require(project, 'manage');
  SELECT * INTO proj FROM automl.projects p WHERE p.name = deploy_shadow.project FOR UPDATE;
  SELECT * INTO live FROM automl.deployments d WHERE d.project = proj.name ORDER BY d.id DESC LIMIT 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'project "%" has no deployment to shadow', proj.name USING ERRCODE = 'undefined_object',
      HINT = 'Deploy a model first: automl.deploy(project, model_id).';
  END IF;
  IF model_id IS NOT NULL THEN
    owner_project := automl_internal._model_project(model_id);
    IF owner_project <> proj.name THEN
      RAISE EXCEPTION 'model % belongs to project "%", not "%"', model_id, owner_project, proj.name
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF model_id = live.model_id OR coalesce(live.arms @> jsonb_build_array(jsonb_build_object('model_id', model_id)), false) THEN
      RAISE EXCEPTION 'model % already serves project "%"; a shadow runs beside what serves', model_id, proj.name
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT automl_internal._same_features(model_id, live.model_id) THEN
      RAISE EXCEPTION 'shadow model % takes other features than model %, which serves project "%"',
        model_id, live.model_id, proj.name USING ERRCODE = 'invalid_parameter_value',
        DETAIL = 'Their feature_version differs: a caller could not pass one row to both.';
    END IF;
    IF proj.log_sample_rate = 0 THEN
      RAISE NOTICE 'project "%" logs no predictions, so the shadow''s output is not kept', proj.name
        USING HINT = format('Turn logging on: SELECT automl.set_logging(%L, 0.01);', proj.name);
    END IF;
  END IF;
  PERFORM automl_internal._record_deployment(proj.name, live.model_id, CASE WHEN model_id IS NULL THEN 'unshadow' ELSE 'shadow' END,
                                    live.id, live.arms, model_id, keep_shadow => false);
  RETURN model_id;
END
$$;
