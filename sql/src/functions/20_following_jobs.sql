-- Following, cancelling and retrying jobs

-- The advisory lock a worker holds while it runs a job (two-key form: a space of our
-- own, so applications' advisory locks never collide with it). Job ids that differ by
-- a multiple of 2^31-1 share a key; a waiter then only looks again a little later.
CREATE OR REPLACE FUNCTION automl_internal._job_lock_space() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1635085676 $$;

  -- 'auml'
CREATE OR REPLACE FUNCTION automl_internal._job_lock_key(job_id bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (job_id % 2147483647)::integer $$;

CREATE OR REPLACE FUNCTION automl.wait(job_id bigint, timeout interval DEFAULT '10 min') RETURNS automl.jobs
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs;
  deadline timestamptz := clock_timestamp() + timeout;
  pause float8 := 0.005;
  old_lock_timeout text;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'automl.wait needs READ COMMITTED isolation'
      USING ERRCODE = 'feature_not_supported',
            DETAIL = 'A repeatable-read snapshot would never see the job finish.';
  END IF;
  LOOP
    SELECT * INTO job FROM automl.jobs j WHERE j.id = wait.job_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'job % does not exist', job_id USING ERRCODE = 'undefined_object';
    END IF;
    IF job.status IN ('succeeded', 'failed', 'cancelled') THEN
      RETURN job;
    END IF;
    -- A job inserted by this very transaction is invisible to workers until commit:
    -- waiting for it would only time out.
    IF job.status = 'queued' AND (SELECT j.xmin FROM automl.jobs j WHERE j.id = wait.job_id)
                                 = xid(pg_current_xact_id_if_assigned()) THEN
      RAISE EXCEPTION 'job % was submitted in this transaction; no worker can see it before COMMIT', job_id
        USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'Commit first, then call automl.wait in the next statement.';
    END IF;
    IF clock_timestamp() >= deadline THEN
      -- 55000, not 57014 (query_canceled): callers' WHEN OTHERS handlers can catch it.
      RAISE EXCEPTION 'timed out waiting for job %', job_id
        USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = format('The job is still %s after %s.', job.status, timeout);
    END IF;
    IF job.status = 'running' THEN
      -- Sleep on the running job's lock rather than polling: its worker releases it
      -- right after the job's final commit. At most 1 s per try, so a worker that
      -- lost its claim but still holds the lock delays a waiter, never strands it.
      old_lock_timeout := current_setting('lock_timeout');
      BEGIN
        PERFORM set_config('lock_timeout', ceil(1000 * least(1.0,
          greatest(extract(epoch FROM deadline - clock_timestamp()), 0.001)))::text || 'ms', true);
        PERFORM pg_advisory_lock_shared(automl_internal._job_lock_space(), automl_internal._job_lock_key(job.id));
        PERFORM pg_advisory_unlock_shared(automl_internal._job_lock_space(), automl_internal._job_lock_key(job.id));
      EXCEPTION WHEN lock_not_available THEN
        NULL;  -- still running: look again
      END;
      PERFORM set_config('lock_timeout', old_lock_timeout, true);
      pause := 0.005;
    ELSE
      PERFORM pg_sleep(pause);
      pause := least(pause * 2, 0.05);
    END IF;
  END LOOP;
END
$$;

-- The status of a job whose row this transaction now locks; 42704 for an unknown id.
CREATE OR REPLACE FUNCTION automl_internal._lock_job(job_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  current_status text;
BEGIN
  PERFORM automl_internal._require_primary('changing a job');
  SELECT status INTO current_status FROM automl.jobs WHERE id = job_id FOR UPDATE;
  IF NOT FOUND THEN
    IF automl_internal._job_exists(job_id) THEN
      RAISE EXCEPTION 'permission denied for job %', job_id USING ERRCODE = 'insufficient_privilege',
        DETAIL = 'Only its submitter, a manager of its project or automl_admin may change it.';
    END IF;
    RAISE EXCEPTION 'job % does not exist', job_id USING ERRCODE = 'undefined_object';
  END IF;
  RETURN current_status;
END
$$;

CREATE OR REPLACE FUNCTION automl.cancel(job_id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  current_status text := automl_internal._lock_job(job_id);
BEGIN
  IF current_status = 'queued' THEN
    UPDATE automl.jobs SET status = 'cancelled', finished_at = now(), message = 'cancelled while queued'
     WHERE id = job_id;
    PERFORM pg_notify('automl_job_done', json_build_object('id', job_id, 'status', 'cancelled')::text);
    RETURN true;
  ELSIF current_status = 'running' THEN
    UPDATE automl.jobs SET cancel_requested = true WHERE id = job_id;
    PERFORM pg_notify('automl_cancel', job_id::text);
    RETURN true;
  END IF;
  RETURN false;
END
$$;

-- Puts a failed or cancelled job back in the queue with a fresh set of attempts; its
-- error history is kept. Returns false for jobs in any other state.
CREATE OR REPLACE FUNCTION automl.retry(job_id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  current_status text := automl_internal._lock_job(job_id);
BEGIN
  IF current_status NOT IN ('failed', 'cancelled') THEN
    RETURN false;
  END IF;
  UPDATE automl.jobs
     SET status = 'queued', attempts = 0, run_after = now(), cancel_requested = false, lease = NULL,
         worker = NULL, heartbeat_at = NULL, progress = 0, error = NULL, result = NULL,
         started_at = NULL, finished_at = NULL, message = 'retried by ' || current_user
   WHERE id = job_id;
  PERFORM pg_notify('automl_jobs', job_id::text);
  RETURN true;
END
$$;

-- Deletes finished jobs older than the given age; models keep their rows (job_id
-- becomes NULL). Returns the number of jobs deleted.
CREATE OR REPLACE FUNCTION automl.prune_jobs(older_than interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  deleted bigint;
BEGIN
  IF older_than IS NULL OR older_than < interval '0' THEN
    RAISE EXCEPTION 'older_than must be a non-negative interval' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  DELETE FROM automl.jobs
   WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < now() - older_than;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END
$$;
