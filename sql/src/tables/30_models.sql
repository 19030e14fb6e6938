-- Models, the trials that chose them, and what serves each project.

CREATE TABLE automl.models (
  id             bigserial PRIMARY KEY,
  project        text NOT NULL REFERENCES automl.projects (name) ON UPDATE CASCADE,
  version        integer NOT NULL,
  algorithm      text NOT NULL,
  task           text NOT NULL,
  hyperparams    jsonb NOT NULL,
  metrics        jsonb NOT NULL,
  feature_names  text[] NOT NULL,             -- the input columns, in float8[] order
  -- Hash of the input schema and encoded features: equal versions take the same rows.
  feature_version text,
  target         text NOT NULL,
  classes        text[],                      -- predict_proba's column order
  format_version integer NOT NULL,
  model          bytea NOT NULL,              -- docs/model-format.md
  size_bytes     integer GENERATED ALWAYS AS (octet_length(model)) STORED,
  -- UNIQUE: a job produces at most one model, however often it is retried.
  job_id         bigint UNIQUE REFERENCES automl.jobs (id) ON DELETE SET NULL,
  info           jsonb NOT NULL DEFAULT '{}',
  created_by     name NOT NULL DEFAULT current_user,
  created_at     timestamptz NOT NULL DEFAULT now(),
  -- The numbers behind the report's charts, from the evaluation rows (0.2.0;
  -- docs/report-documents.md). NULL for models trained before.
  evaluation     jsonb,
  UNIQUE (project, version),
  UNIQUE (id, project)  -- lets deployments reference (model, project) pairs
);

-- One row per configuration a search tried, written with the job's model in its final
-- (fenced) transaction, so a retried job never records its trials twice.
CREATE TABLE automl.trials (
  job_id      bigint NOT NULL REFERENCES automl.jobs (id) ON DELETE CASCADE,
  trial       integer NOT NULL,
  algorithm   text NOT NULL,
  hyperparams jsonb NOT NULL,
  metric      text NOT NULL,
  value       float8,           -- validation metric (mean over folds with folds > 1)
  std         float8,           -- over folds
  seconds     float8 NOT NULL,
  rows        bigint NOT NULL,  -- training rows the trial saw
  status      text NOT NULL CHECK (status IN ('ok', 'failed')),
  error       text,
  PRIMARY KEY (job_id, trial)
);

CREATE TABLE automl.deployments (
  id           bigserial PRIMARY KEY,
  project      text NOT NULL REFERENCES automl.projects (name) ON UPDATE CASCADE,
  model_id     bigint NOT NULL REFERENCES automl.models (id),
  strategy     text NOT NULL,
  -- The deployment a rollback from this one returns to; a stack, so rollback repeats.
  previous_id  bigint REFERENCES automl.deployments (id),
  -- A/B split: [{"model_id": …, "weight": …}, …] with weights summing to 1; NULL: model_id alone.
  arms         jsonb,
  -- Runs beside the serving model(s) on every call, never answers; logged with them.
  shadow_model_id bigint REFERENCES automl.models (id),
  deployed_by  name NOT NULL DEFAULT current_user,
  deployed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX deployments_newest ON automl.deployments (project, id DESC);
-- A deployment's models belong to its project, however the row was written.
ALTER TABLE automl.deployments
  ADD FOREIGN KEY (model_id, project) REFERENCES automl.models (id, project) ON UPDATE CASCADE,
  ADD FOREIGN KEY (shadow_model_id, project) REFERENCES automl.models (id, project) ON UPDATE CASCADE;

CREATE VIEW automl.deployed_models WITH (security_invoker = true) AS
  SELECT DISTINCT ON (d.project)
         d.project, d.model_id, m.algorithm, m.task, m.metrics, d.strategy, d.deployed_at, d.arms,
         d.shadow_model_id
    FROM automl.deployments d
    JOIN automl.models m ON m.id = d.model_id
   ORDER BY d.project, d.id DESC;
