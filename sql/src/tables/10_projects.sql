-- Projects and who may use them (docs/security.md).

CREATE TABLE automl.projects (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (name <> ''),
  task        text NOT NULL CHECK (task IN ('classification', 'regression', 'tagging', 'clustering')),
  target      text NOT NULL,
  metric      text NOT NULL,                  -- decides best_score and if_better
  -- Share of predict calls written to automl.prediction_log (automl.set_logging).
  log_sample_rate float8 NOT NULL DEFAULT 0 CHECK (log_sample_rate BETWEEN 0 AND 1),
  owner       name NOT NULL DEFAULT current_user,
  created_by  name NOT NULL DEFAULT current_user,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A project belongs to its owner; the owner (or a manager) shares it.
CREATE TABLE automl.project_grants (
  project    text NOT NULL REFERENCES automl.projects (name) ON UPDATE CASCADE ON DELETE CASCADE,
  grantee    name NOT NULL,
  privilege  text NOT NULL CHECK (privilege IN ('predict', 'manage')),
  granted_by name NOT NULL DEFAULT current_user,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project, grantee)
);
