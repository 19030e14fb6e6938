-- Written by the background worker "pg_automl prediction logger", never by predict
-- itself (automl.set_logging). Rows of one call share call_id: the serving model's
-- (shadow = false) and the shadow's. arm is the split arm (1-based), NULL without a split.
CREATE TABLE automl.prediction_log (
  logged_at      timestamptz NOT NULL,
  project        text NOT NULL,
  model_id       bigint NOT NULL,
  shadow         boolean NOT NULL,
  arm            integer,
  call_id        bigint NOT NULL,
  function_name  text NOT NULL,      -- predict, predict_label or predict_proba
  features       jsonb NOT NULL,     -- {input name: value}
  prediction     jsonb NOT NULL      -- a number, a label, or {label: probability}
);
CREATE INDEX prediction_log_project_time ON automl.prediction_log (project, logged_at);
CREATE INDEX prediction_log_call ON automl.prediction_log (call_id);
