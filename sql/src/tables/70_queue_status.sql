-- The queue at a glance (automl.queue_status): one row per job kind. Counts come from
-- the partial indexes on queued and running jobs and on finished_at, so the view stays
-- cheap however many finished jobs the table keeps. security_invoker: a tenant counts
-- the jobs it can see (its own and its managed projects'), automl_admin all of them.
CREATE VIEW automl.queue_status WITH (security_invoker = true) AS
WITH kinds (kind) AS (
  SELECT k FROM unnest(ARRAY['train', 'import', 'design']) k
  UNION SELECT j.kind FROM automl.jobs j WHERE j.status IN ('queued', 'running')
  UNION SELECT p.kind FROM automl.queue_pauses p WHERE p.kind <> '*'
)
SELECT k.kind,
       EXISTS (SELECT 1 FROM automl.queue_pauses p WHERE p.kind IN ('*', k.kind)) AS paused,
       q.queued, q.runnable, q.oldest_queued_age,
       r.running, r.running_by_worker,
       f.succeeded_last_hour, f.failed_last_hour, f.cancelled_last_hour
  FROM kinds k
 CROSS JOIN LATERAL (
   SELECT count(*) AS queued, count(*) FILTER (WHERE j.run_after <= now()) AS runnable,
          now() - min(j.created_at) AS oldest_queued_age
     FROM automl.jobs j WHERE j.status = 'queued' AND j.kind = k.kind) q
 CROSS JOIN LATERAL (
   SELECT coalesce(sum(w.n), 0)::bigint AS running,
          coalesce(jsonb_object_agg(w.worker, w.n) FILTER (WHERE w.worker IS NOT NULL), '{}') AS running_by_worker
     FROM (SELECT j.worker, count(*) AS n FROM automl.jobs j
            WHERE j.status = 'running' AND j.kind = k.kind GROUP BY j.worker) w) r
 CROSS JOIN LATERAL (
   SELECT count(*) FILTER (WHERE j.status = 'succeeded') AS succeeded_last_hour,
          count(*) FILTER (WHERE j.status = 'failed') AS failed_last_hour,
          count(*) FILTER (WHERE j.status = 'cancelled') AS cancelled_last_hour
     FROM automl.jobs j WHERE j.finished_at > now() - interval '1 hour' AND j.kind = k.kind) f;
