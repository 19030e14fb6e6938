-- Job specs: one parser shared with the worker (C++, extension/spec_functions.cpp)
-- Validates a job spec and fills in defaults; one parser shared with the worker.
CREATE OR REPLACE FUNCTION automl_internal._normalize_job_spec(kind text, spec jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'automl_normalize_job_spec' LANGUAGE C STABLE PARALLEL SAFE;

-- Refuses a training query that is not exactly one read-only SELECT (22023).
CREATE OR REPLACE FUNCTION automl_internal._check_training_query(query text) RETURNS void
  AS 'MODULE_PATHNAME', 'automl_check_training_query' LANGUAGE C STRICT STABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION automl_internal._metric_higher_is_better(metric text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'automl_metric_higher_is_better' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
