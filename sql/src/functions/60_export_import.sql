-- Export and import of models

-- A self-contained document: the model file (preprocessing, estimator, feature schema,
-- format version) plus its catalogue row (metrics, hyper-parameters, provenance).
CREATE OR REPLACE FUNCTION automl.export_model(model_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  m automl.models;
BEGIN
  PERFORM automl_internal._require_read(automl_internal._model_project(model_id), 'manage');  -- reads: works on a standby
  SELECT * INTO m FROM automl.models WHERE id = model_id;
  RETURN jsonb_build_object(
    'format', 'pg_automl.export', 'export_version', 1,
    'project', m.project, 'version', m.version, 'algorithm', m.algorithm, 'task', m.task,
    'hyperparams', m.hyperparams, 'metrics', m.metrics, 'feature_names', to_jsonb(m.feature_names),
    'feature_version', m.feature_version, 'target', m.target, 'classes', to_jsonb(m.classes),
    'created_at', m.created_at, 'evaluation', m.evaluation, 'model', convert_from(m.model, 'UTF8')::jsonb);
END
$$;

-- Adds an exported model to a project as its next version (not deployed: use
-- automl.deploy(project, id)). The model file is checked by the serving parser;
-- the catalogue row is derived from it, not taken on trust from the wrapper.
CREATE OR REPLACE FUNCTION automl.import_model(project text, model jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  summary jsonb;
  bytes bytea;
  proj automl.projects;
  new_id bigint;
  new_version integer;
BEGIN
  PERFORM automl_internal._require_primary('automl.import_model');
  IF project IS NULL OR project = '' THEN
    RAISE EXCEPTION 'import_model needs a project name' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF model IS NULL OR jsonb_typeof(model) <> 'object' OR model->>'format' IS DISTINCT FROM 'pg_automl.export'
     OR jsonb_typeof(model->'model') IS DISTINCT FROM 'object' THEN
    RAISE EXCEPTION 'import_model needs a document made by automl.export_model'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Expected an object with "format": "pg_automl.export" and a "model" object.';
  END IF;
  IF automl_internal._project_exists(project) THEN
    PERFORM automl_internal._require(project, 'manage');
  END IF;
  bytes := convert_to((model->'model')::text, 'UTF8');
  BEGIN
    summary := automl_internal._model_summary(bytes);
  EXCEPTION WHEN data_corrupted OR feature_not_supported OR invalid_parameter_value THEN
    RAISE EXCEPTION 'the exported model cannot be imported: %', SQLERRM USING ERRCODE = 'invalid_parameter_value';
  END;
  INSERT INTO automl.projects (name, task, target, metric)
  VALUES (project, summary->>'task', summary->>'target',
          CASE summary->>'task' WHEN 'classification' THEN 'f1' WHEN 'tagging' THEN 'entity_f1'
                                WHEN 'clustering' THEN 'silhouette' ELSE 'r2' END)
  ON CONFLICT (name) DO NOTHING;
  SELECT * INTO proj FROM automl.projects p WHERE p.name = import_model.project FOR UPDATE;
  IF proj.task <> summary->>'task' THEN
    RAISE EXCEPTION 'project "%" is a % project; the model is a % model', proj.name, proj.task, summary->>'task'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT coalesce(max(m.version), 0) + 1 INTO new_version FROM automl.models m WHERE m.project = proj.name;
  new_id := automl_internal._insert_model(proj.name, new_version, bytes,
          CASE WHEN jsonb_typeof(model->'metrics') = 'object' THEN model->'metrics' ELSE '{}' END,
          jsonb_build_object('imported_from', jsonb_build_object('project', model->'project', 'version', model->'version',
                                                                 'created_at', model->'created_at')));
  RETURN new_id;
END
$$;
