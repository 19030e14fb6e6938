-- Prediction logging

-- Logs this share of the project's predict calls (0 turns logging off) into
-- automl.prediction_log, through shared memory and a background worker: needs
-- shared_preload_libraries = 'pg_automl' (see docs/operations.md).
CREATE OR REPLACE FUNCTION automl_internal._prediction_log_check() RETURNS void
  AS 'MODULE_PATHNAME', 'automl_prediction_log_check' LANGUAGE C;

CREATE OR REPLACE FUNCTION automl.set_logging(project text, sample_rate float8) RETURNS float8
LANGUAGE plpgsql AS $$
BEGIN
  IF sample_rate IS NULL OR NOT sample_rate BETWEEN 0 AND 1 THEN
    RAISE EXCEPTION 'sample_rate must be between 0 and 1, got %', coalesce(sample_rate::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM automl_internal._require(project, 'manage');
  IF sample_rate > 0 THEN
    PERFORM automl_internal._prediction_log_check();
  END IF;
  UPDATE automl.projects p SET log_sample_rate = sample_rate WHERE p.name = set_logging.project;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'project "%" does not exist', project USING ERRCODE = 'undefined_object';
  END IF;
  RETURN sample_rate;
END
$$;

-- Whether this session can log, and the shared queue's counters since server start.
CREATE OR REPLACE FUNCTION automl.prediction_log_status(
  OUT available boolean, OUT log_database text, OUT worker_pid integer, OUT queued_bytes bigint,
  OUT capacity_bytes bigint, OUT enqueued bigint, OUT written bigint, OUT dropped bigint)
  AS 'MODULE_PATHNAME', 'automl_prediction_log_status' LANGUAGE C VOLATILE;

-- Deletes log rows older than the interval; returns how many.
CREATE OR REPLACE FUNCTION automl.prune_prediction_log(older_than interval) RETURNS bigint
LANGUAGE sql AS $$
  WITH gone AS (DELETE FROM automl.prediction_log l WHERE l.logged_at < now() - older_than RETURNING 1)
  SELECT count(*) FROM gone;
$$;
