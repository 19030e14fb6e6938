-- Schedules (automl.schedule): periodic retraining through pg_cron. pg_cron runs
-- cron_job_id's command as `owner`; this table says which project and overrides.
CREATE TABLE automl.schedules (
  owner       name NOT NULL DEFAULT current_user,
  name        text NOT NULL CHECK (name ~ '^[A-Za-z0-9_.:-]{1,63}$'),
  cron        text NOT NULL,
  project     text NOT NULL,
  overrides   jsonb NOT NULL DEFAULT '{}',
  cron_job_id bigint NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner, name)
);
