-- The worker's interface: claiming. Each function is one transaction's worth of work.

-- Claims the next runnable job: the lowest priority first; among equal priorities
-- the submitter whose turn it is (least recently claimed), then the oldest job, so
-- one submitter's thousand jobs do not keep another's waiting. A submitter at its
-- max_running is passed over, and so is a paused kind (automl.pause_queue). SKIP LOCKED lets many workers claim concurrently
-- without waiting on each other: a locked candidate is passed for the next.
CREATE OR REPLACE FUNCTION automl_internal._claim_job(worker_name text) RETURNS SETOF automl.jobs
LANGUAGE plpgsql AS $$
DECLARE
  candidate record;
  claimed automl.jobs;
BEGIN
  FOR candidate IN
    SELECT q.id, q.created_by, l.max_running
      FROM automl.jobs q
      LEFT JOIN automl.submitter_turns t ON t.role = q.created_by
      LEFT JOIN automl.role_limits l ON l.role = q.created_by
     WHERE q.status = 'queued' AND q.run_after <= now()
       AND NOT EXISTS (SELECT 1 FROM automl.queue_pauses p WHERE p.kind IN ('*', q.kind))
       AND (l.max_running IS NULL
            OR (SELECT count(*) FROM automl.jobs r WHERE r.status = 'running' AND r.created_by = q.created_by)
               < l.max_running)
     ORDER BY q.priority, t.last_claimed_at NULLS FIRST, q.id
     LIMIT 64
  LOOP
    IF candidate.max_running IS NOT NULL THEN
      -- Count again under the role's lock: a concurrent claim of the same role has
      -- committed (and is counted) or not started.
      PERFORM pg_advisory_xact_lock(automl_internal._role_lock_space(), hashtext(candidate.created_by::text));
      CONTINUE WHEN (SELECT count(*) FROM automl.jobs r
                      WHERE r.status = 'running' AND r.created_by = candidate.created_by) >= candidate.max_running;
    END IF;
    UPDATE automl.jobs j
       SET status = 'running', attempts = j.attempts + 1, worker = worker_name,
           lease = nextval('automl.job_leases'),
           started_at = now(), heartbeat_at = now(), progress = 0,
           message = 'claimed by ' || worker_name
     WHERE j.id = (SELECT q.id FROM automl.jobs q WHERE q.id = candidate.id AND q.status = 'queued'
                   FOR UPDATE SKIP LOCKED)
    RETURNING j.* INTO claimed;
    IF FOUND THEN
      INSERT INTO automl.submitter_turns AS t (role, last_claimed_at) VALUES (candidate.created_by, clock_timestamp())
      ON CONFLICT (role) DO UPDATE SET last_claimed_at = EXCLUDED.last_claimed_at;
      RETURN NEXT claimed;
      RETURN;
    END IF;
  END LOOP;
END
$$;

-- Called by the worker in its claim transaction: a session-level lock that wakes
-- automl.wait when the job ends. The worker drops it after the job's final commit.
CREATE OR REPLACE FUNCTION automl_internal._hold_job_lock(job_id bigint) RETURNS boolean
LANGUAGE sql AS $$
  SELECT pg_try_advisory_lock(automl_internal._job_lock_space(), automl_internal._job_lock_key(job_id));
$$;

-- Locks a running job for its final transaction, fenced by the claim's lease: a
-- worker whose claim was lost (the job was rescued, released or re-claimed) cannot
-- finish it, so a job takes effect at most once.
CREATE OR REPLACE FUNCTION automl_internal._lock_claimed_job(job_id bigint, claim_lease bigint) RETURNS automl.jobs
LANGUAGE plpgsql AS $$
DECLARE
  job automl.jobs;
BEGIN
  SELECT * INTO job FROM automl.jobs j WHERE j.id = job_id FOR UPDATE;
  IF NOT FOUND OR job.status <> 'running' OR job.lease IS DISTINCT FROM claim_lease THEN
    RAISE EXCEPTION 'job % is no longer claimed by this worker (lease %)', job_id, claim_lease
      USING ERRCODE = 'lock_not_available';
  END IF;
  RETURN job;
END
$$;
