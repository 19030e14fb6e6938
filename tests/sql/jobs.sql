-- jobs: the queue basics through SQL — noop jobs, wait, cancel, retry, priorities.
-- A plain INSERT cannot forge queue state: the trigger resets it.
INSERT INTO automl.jobs (kind, spec, status, attempts, result, created_by)
VALUES ('noop', '{"seconds": 0}', 'succeeded', 7, '{"forged": true}', 'nobody')
RETURNING id AS job, status, attempts, result IS NULL AS no_result, created_by = current_user AS mine,
          spec \gset
SELECT :'status' AS status, :attempts AS attempts, :'no_result' AS no_result, :'mine' AS mine, :'spec' AS spec;
SELECT status, attempts, result, progress, worker IS NOT NULL AS has_worker,
       started_at IS NOT NULL AND finished_at >= started_at AS timed
  FROM automl.wait(:job);

-- A job that fails once is retried and then succeeds; the failure is in the history.
INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{"fail_attempts": 1}') RETURNING id AS flaky \gset
SELECT status, attempts, jsonb_array_length(errors) AS failures, errors->0->>'error' AS first_error
  FROM automl.wait(:flaky, '30 s');
-- Out of attempts: failed, with every error kept.
INSERT INTO automl.jobs (kind, spec, max_attempts) VALUES ('noop', '{"fail_attempts": 5}', 1) RETURNING id AS doomed \gset
SELECT status, attempts, jsonb_array_length(errors) AS failures, error FROM automl.wait(:doomed);

-- Cancel a queued job (scheduled for later): cancelled at once.
INSERT INTO automl.jobs (kind, spec, run_after) VALUES ('noop', '{}', now() + interval '1 hour') RETURNING id AS later \gset
SELECT automl.cancel(:later) AS cancelled;
SELECT status, finished_at IS NOT NULL AS finished FROM automl.jobs WHERE id = :later;
SELECT automl.cancel(:later) AS cancel_again;
-- Cancel a running job: the worker stops it within seconds.
INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{"seconds": 60}') RETURNING id AS long \gset
DO $$
BEGIN
  FOR i IN 1..200 LOOP
    EXIT WHEN (SELECT status FROM automl.jobs WHERE id = (SELECT max(id) FROM automl.jobs)) = 'running';
    PERFORM pg_sleep(0.05);
  END LOOP;
END
$$;
SELECT status FROM automl.jobs WHERE id = :long;
SELECT automl.cancel(:long) AS cancelled;
SELECT status, finished_at - started_at < interval '10 s' AS stopped_quickly FROM automl.wait(:long, '20 s');

-- wait: timeout and unknown ids.
INSERT INTO automl.jobs (kind, spec, run_after) VALUES ('noop', '{}', now() + interval '1 hour') RETURNING id AS parked \gset
SELECT replace(error_of(format('SELECT automl.wait(%s, %L)', :parked, '0.2 s')), :'parked', 'N') AS error_of;
SELECT automl.cancel(:parked);

-- Priorities: lower runs first, then oldest. Park the jobs, then release them at once.
BEGIN;
INSERT INTO automl.jobs (kind, spec, priority, run_after)
SELECT 'noop', '{}', p, now() + interval '1 hour' FROM unnest(ARRAY[5, 1, 3, 1, -2]) p;
COMMIT;
UPDATE automl.jobs SET run_after = now() WHERE status = 'queued' AND run_after > now();
SELECT array_agg(w.priority ORDER BY w.started_at, w.id) AS run_order
  FROM (SELECT id FROM automl.jobs ORDER BY id DESC LIMIT 5) j, LATERAL automl.wait(j.id) w;
