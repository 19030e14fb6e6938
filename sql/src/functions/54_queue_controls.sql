-- Queue controls: pausing and resuming kinds of jobs (docs/operations.md, "Queue").

CREATE OR REPLACE FUNCTION automl_internal._check_job_kind(kind text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF kind IS NULL THEN
    RETURN '*';
  ELSIF kind NOT IN ('train', 'import', 'design', 'noop') THEN
    RAISE EXCEPTION 'unknown job kind "%"', kind USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Kinds: train, import, design, noop; NULL for the whole queue.';
  END IF;
  RETURN kind;
END
$$;

-- Refuses (42501) a caller that is not automl_admin, naming what it tried.
CREATE OR REPLACE FUNCTION automl_internal._require_admin(action text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF NOT automl_internal._member_of(current_user, 'automl_admin') THEN
    RAISE EXCEPTION 'only automl_admin may %', action USING ERRCODE = 'insufficient_privilege';
  END IF;
END
$$;

-- Whether workers may not claim jobs of `kind` now (NULL: whether the whole queue is
-- paused). The claim query and the worker's /healthz ask this.
CREATE OR REPLACE FUNCTION automl_internal._queue_paused(kind text) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM automl.queue_pauses p
                  WHERE p.kind = '*' OR (_queue_paused.kind IS NOT NULL AND p.kind = _queue_paused.kind));
$$;

-- Stops workers claiming jobs of `kind` (NULL: every kind) from their next poll on;
-- running jobs finish. Returns false when it was paused already. automl_admin only.
CREATE OR REPLACE FUNCTION automl.pause_queue(kind text DEFAULT NULL) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  scope text := automl_internal._check_job_kind(pause_queue.kind);
BEGIN
  PERFORM automl_internal._require_admin('pause the queue');
  PERFORM automl_internal._require_primary('automl.pause_queue');
  INSERT INTO automl.queue_pauses (kind) VALUES (scope) ON CONFLICT DO NOTHING;
  RETURN FOUND;
END
$$;

-- Lets workers claim `kind` again (NULL: lifts the whole-queue pause and every
-- kind's) and wakes them at once. Returns false when nothing was paused.
CREATE OR REPLACE FUNCTION automl.resume_queue(kind text DEFAULT NULL) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  scope text := automl_internal._check_job_kind(resume_queue.kind);
BEGIN
  PERFORM automl_internal._require_admin('resume the queue');
  PERFORM automl_internal._require_primary('automl.resume_queue');
  DELETE FROM automl.queue_pauses p WHERE scope = '*' OR p.kind = scope;
  IF FOUND THEN
    PERFORM pg_notify('automl_jobs', 'resumed');
    RETURN true;
  END IF;
  RETURN false;
END
$$;
