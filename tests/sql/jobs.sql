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

-- Fails twice, then succeeds: both failures kept, and the second retry waited
-- longer than the first (exponential backoff: about 2 s, then about 4 s).
INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{"fail_attempts": 2}') RETURNING id AS twice \gset
SELECT status, attempts, jsonb_array_length(errors) AS failures,
       array(SELECT e->>'attempt' FROM jsonb_array_elements(errors) e) AS failed_attempts,
       started_at - (errors->1->>'at')::timestamptz >= interval '3 s' AS backed_off,
       (errors->1->>'at')::timestamptz - (errors->0->>'at')::timestamptz >= interval '1.5 s' AS backed_off_before
  FROM automl.wait(:twice, '60 s');

-- retry: a failed (dead-letter) job goes back to the queue with fresh attempts and
-- its history; jobs in other states are left alone.
SELECT automl.retry(:doomed) AS retried;
SELECT status, attempts, jsonb_array_length(errors) AS failures FROM automl.wait(:doomed);
SELECT automl.retry(:twice) AS retry_succeeded;
SELECT automl.retry(:later) AS retry_cancelled;
SELECT status, attempts FROM automl.wait(:later);
SELECT replace(error_of('SELECT automl.retry(-1)'), '-1', 'N') AS error_of;

-- prune_jobs: deletes finished jobs older than the interval, keeps their models and
-- every queued or running job.
SELECT error_of($$SELECT automl.prune_jobs('-1 day')$$);
SELECT error_of($$SELECT automl.prune_jobs(NULL)$$);
INSERT INTO automl.jobs (kind, spec, run_after) VALUES ('noop', '{}', now() + interval '1 hour') RETURNING id AS waiting \gset
UPDATE automl.jobs SET finished_at = finished_at - interval '2 days' WHERE id IN (:job, :flaky);
SELECT automl.prune_jobs('1 day') AS pruned;
SELECT count(*) AS left_of_the_two FROM automl.jobs WHERE id IN (:job, :flaky);
SELECT automl.prune_jobs('0 s') > 0 AS pruned_all_finished;
SELECT status, count(*) FROM automl.jobs GROUP BY status ORDER BY status;
SELECT count(*) > 0 AND count(*) = count(*) FILTER (WHERE job_id IS NULL) AS models_kept FROM automl.models;
SELECT automl.cancel(:waiting);

-- automl.train takes the queue options as named arguments.
CREATE TABLE later_data AS SELECT i::float8 AS x, (i % 2 = 0) AS even FROM generate_series(1, 20) i;
SELECT automl.train('later', 'later_data', 'even', priority => 7, max_attempts => 5,
                    run_after => now() + interval '1 day') AS later_job \gset
SELECT status, priority, max_attempts, run_after > now() + interval '23 hours' AS scheduled
  FROM automl.jobs WHERE id = :later_job;
SELECT automl.cancel(:later_job);
