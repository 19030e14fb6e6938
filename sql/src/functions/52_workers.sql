-- The worker registry and the rescue of stale jobs

CREATE OR REPLACE FUNCTION automl_internal._heartbeat(job_id bigint, claim_lease bigint, progress real, message text)
RETURNS boolean
LANGUAGE sql AS $$
  UPDATE automl.jobs j SET heartbeat_at = now(),
         progress = coalesce(_heartbeat.progress, j.progress),
         message = coalesce(_heartbeat.message, j.message)
   WHERE j.id = job_id AND j.lease = claim_lease AND j.status = 'running'
  RETURNING NOT j.cancel_requested;
$$;

-- Returns running jobs whose worker stopped heartbeating (killed, machine lost,
-- partitioned) to the queue, or fails them when out of attempts. The lease fence
-- keeps a worker that is merely slow from finishing a job it no longer owns.
CREATE OR REPLACE FUNCTION automl_internal._rescue_stale_jobs(stale_after interval) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs;
  rescued integer := 0;
  reason text;
BEGIN
  FOR job IN SELECT * FROM automl.jobs
              WHERE status = 'running' AND heartbeat_at < now() - stale_after
              FOR UPDATE SKIP LOCKED LOOP
    reason := format('worker %s stopped heartbeating', job.worker);
    UPDATE automl.jobs
       SET errors = errors || jsonb_build_object('attempt', job.attempts, 'worker', job.worker,
                                                 'at', now(), 'error', reason),
           error = reason
     WHERE id = job.id;
    IF job.cancel_requested THEN
      PERFORM automl_internal._finish_job(job.id, 'cancelled', NULL, 'cancelled; its worker stopped');
    ELSIF job.attempts < job.max_attempts THEN
      UPDATE automl.jobs
         SET status = 'queued', worker = NULL, lease = NULL, heartbeat_at = NULL, progress = 0,
             run_after = now(), message = 'rescued: ' || reason
       WHERE id = job.id;
      PERFORM pg_notify('automl_jobs', job.id::text);
    ELSE
      PERFORM automl_internal._finish_job(job.id, 'failed', NULL, format('failed after %s attempt(s)', job.attempts));
    END IF;
    rescued := rescued + 1;
  END LOOP;
  DELETE FROM automl.workers WHERE last_seen < now() - stale_after;
  RETURN rescued;
END
$$;

CREATE OR REPLACE FUNCTION automl_internal._register_worker(worker_name text, host text, pid integer, concurrency integer,
                                        version text) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO automl.workers (id, host, pid, concurrency, version)
  VALUES (worker_name, host, pid, concurrency, version)
  ON CONFLICT (id) DO UPDATE
     SET host = EXCLUDED.host, pid = EXCLUDED.pid, concurrency = EXCLUDED.concurrency,
         version = EXCLUDED.version, started_at = now(), last_seen = now();
$$;

CREATE OR REPLACE FUNCTION automl_internal._worker_seen(worker_name text) RETURNS void
LANGUAGE sql AS $$
  UPDATE automl.workers SET last_seen = now() WHERE id = worker_name;
$$;

CREATE OR REPLACE FUNCTION automl_internal._unregister_worker(worker_name text) RETURNS void
LANGUAGE sql AS $$
  DELETE FROM automl.workers WHERE id = worker_name;
$$;

-- A worker's heartbeat: refreshes its row, or writes it again when it is missing (a
-- DELETE, a stall past --rescue-after, the extension re-created). Returns whether it
-- had to register again.
CREATE OR REPLACE FUNCTION automl_internal._worker_alive(worker_name text, host text, pid integer, concurrency integer,
                                     version text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE automl.workers w SET last_seen = now() WHERE w.id = worker_name;
  IF FOUND THEN
    RETURN false;
  END IF;
  PERFORM automl_internal._register_worker(worker_name, host, pid, concurrency, version);
  RETURN true;
END
$$;
