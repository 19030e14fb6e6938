-- operations: the queue's controls (queue_status, pause_queue/resume_queue, unique
-- jobs, also under concurrent submissions), retrain, drift on shifted and unshifted
-- data, retrain if_drifted, and a pg_cron schedule that fires and retrains as its owner.
SELECT ensure_roles('ops_alice', 'ops_bob', 'ops_admin');
SET client_min_messages = warning;  -- the roles may be members already (another run)
GRANT automl_user TO ops_alice, ops_bob;
GRANT automl_admin TO ops_admin;
RESET client_min_messages;
CREATE SCHEMA ops;
GRANT USAGE, CREATE ON SCHEMA ops TO ops_alice, ops_bob;
SET ROLE ops_alice;
CREATE TABLE ops.sales AS
  SELECT i, (i % 50)::float8 AS price, (ARRAY['north', 'south', 'east', 'west'])[1 + i % 4] AS region,
         3.0 * (i % 50) + (i % 4) + (i % 7) * 0.01 AS revenue
    FROM generate_series(1, 4000) i;
GRANT SELECT ON ops.sales TO ops_bob;

-- Unique jobs: the same key while queued or running returns the same job.
SELECT automl.train('ops_sales', 'ops.sales', 'revenue', algorithm => 'linear', unique_key => 'nightly') AS first \gset
SELECT automl.train('ops_sales', 'ops.sales', 'revenue', algorithm => 'linear', unique_key => 'nightly') = :first AS same_job;
SELECT unique_key FROM automl.jobs WHERE id = :first;
SELECT masked($$SELECT automl.train('ops_sales', 'ops.sales', 'revenue', unique_key => '')$$);
SELECT status FROM automl.wait(:first);
-- Finished: the key is free again.
SELECT automl.train('ops_sales', 'ops.sales', 'revenue', algorithm => 'linear', unique_key => 'nightly') <> :first AS new_job;
SELECT status FROM automl.wait((SELECT max(id) FROM automl.jobs WHERE project = 'ops_sales'));
RESET ROLE;

-- Concurrent submissions with one key: the second waits on the first's uncommitted
-- row and, once it commits, returns its id.
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('one', format('dbname=%s user=%s host=%s port=%s', current_database(), current_user,
                      current_setting('listen_addresses'), current_setting('port'))),
       dblink_connect('two', format('dbname=%s user=%s host=%s port=%s', current_database(), current_user,
                      current_setting('listen_addresses'), current_setting('port')));
SELECT dblink_exec('one', 'SET ROLE ops_alice'), dblink_exec('two', 'SET ROLE ops_alice');
SELECT dblink_exec('one', 'BEGIN');
SELECT * FROM dblink('one', $$SELECT automl.train('ops_sales', 'ops.sales', 'revenue', algorithm => 'linear',
                                                  unique_key => 'race', run_after => now() + interval '1 hour')$$)
  AS t(id bigint) \gset one_
SELECT dblink_send_query('two', $$SELECT automl.train('ops_sales', 'ops.sales', 'revenue', algorithm => 'linear',
                                                      unique_key => 'race', run_after => now() + interval '1 hour')$$);
SELECT pg_sleep(0.5);
SELECT dblink_is_busy('two') AS second_waits_for_the_first;
SELECT dblink_exec('one', 'COMMIT');
SELECT id = :one_id AS second_got_the_first_job FROM dblink_get_result('two') AS t(id bigint);
SELECT count(*) AS race_jobs FROM automl.jobs WHERE unique_key = 'race';
SELECT dblink_disconnect('one'), dblink_disconnect('two');
SELECT automl.cancel(:one_id);

-- Pausing: only automl_admin; a paused kind is not claimed, queued jobs wait, and
-- resume wakes the workers.
SET ROLE ops_alice;
SELECT error_of($$SELECT automl.pause_queue()$$);
RESET ROLE;
SET ROLE ops_admin;
SELECT automl.pause_queue('train') AS paused, automl.pause_queue('train') AS again;
SELECT error_of($$SELECT automl.pause_queue('bogus')$$);
RESET ROLE;
SET ROLE ops_alice;
SELECT kind, paused FROM automl.queue_status ORDER BY kind;
SELECT automl.train('ops_sales', 'ops.sales', 'revenue', algorithm => 'linear') AS held \gset
SELECT pg_sleep(3);
SELECT status AS still FROM automl.jobs WHERE id = :held;
SELECT kind, queued, runnable, oldest_queued_age > interval '2 s' AS waited, running
  FROM automl.queue_status WHERE kind = 'train';
RESET ROLE;
SET ROLE ops_admin;
SELECT automl.resume_queue() AS resumed, automl.resume_queue() AS nothing_left;
RESET ROLE;
SET ROLE ops_alice;
SELECT status FROM automl.wait(:held);
SELECT kind, paused, queued, succeeded_last_hour >= 3 AS recent_successes FROM automl.queue_status WHERE kind = 'train';
-- A tenant counts its own jobs only.
RESET ROLE;
SET ROLE ops_bob;
SELECT kind, queued, succeeded_last_hour FROM automl.queue_status WHERE kind = 'train';
RESET ROLE;

-- The whole queue (kind NULL): no kind is claimed, resuming one kind does not lift it,
-- resume_queue(NULL) does and the held jobs run.
SET ROLE ops_admin;
SELECT automl.pause_queue(NULL) AS paused_all;
RESET ROLE;
SET ROLE ops_alice;
SELECT kind, paused FROM automl.queue_status ORDER BY kind;
SELECT automl.train('ops_paused', 'ops.sales', 'revenue', algorithm => 'linear') AS held_train \gset
INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{}') RETURNING id AS held_noop \gset
SELECT automl.design('{"A": {"min": -1, "max": 1}, "B": {"min": 0, "max": 10}}', runs => 4,
                     into_table => 'ops.paused_design', options => '{"levels": 2}') AS held_design \gset
SELECT pg_sleep(3);
SELECT kind, status FROM automl.jobs WHERE id IN (:held_train, :held_noop, :held_design) ORDER BY kind;
RESET ROLE;
SET ROLE ops_admin;
SELECT automl.resume_queue('train') AS train_was_not_paused_alone;
SELECT kind, paused FROM automl.queue_status WHERE kind IN ('train', 'noop') ORDER BY kind;
SELECT automl.resume_queue(NULL) AS resumed_all;
RESET ROLE;
SET ROLE ops_alice;
SELECT j.kind, w.status FROM automl.jobs j, automl.wait(j.id) w
 WHERE j.id IN (:held_train, :held_noop, :held_design) ORDER BY j.kind;
SELECT count(*) FILTER (WHERE paused) AS kinds_paused FROM automl.queue_status;
RESET ROLE;

-- running_by_worker and failed_last_hour, for rows set as workers leave them: three of
-- bob's jobs running on two workers, one failed ten minutes ago, one two hours ago.
SET ROLE ops_bob;
INSERT INTO automl.jobs (kind, spec, run_after) SELECT 'noop', '{}', 'infinity' FROM generate_series(1, 5);
RESET ROLE;
WITH b AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM automl.jobs
            WHERE created_by = 'ops_bob' AND kind = 'noop' AND status = 'queued')
UPDATE automl.jobs j
   SET status = CASE WHEN b.n <= 3 THEN 'running' ELSE 'failed' END,
       worker = CASE WHEN b.n <= 2 THEN 'ops-worker-a' ELSE 'ops-worker-b' END,
       attempts = 1, started_at = now() - interval '3 hours',
       heartbeat_at = CASE WHEN b.n <= 3 THEN now() END,
       finished_at = CASE b.n WHEN 4 THEN now() - interval '10 minutes' WHEN 5 THEN now() - interval '2 hours' END
  FROM b WHERE j.id = b.id;
SET ROLE ops_bob;
SELECT kind, queued, running, running_by_worker, failed_last_hour FROM automl.queue_status WHERE kind = 'noop';
RESET ROLE;
DELETE FROM automl.jobs WHERE created_by = 'ops_bob' AND kind = 'noop';

-- Retrain: the last successful spec, with overrides.
SET ROLE ops_alice;
SELECT automl.retrain('ops_sales', '{"algorithm": "ridge", "unique_key": "re"}') AS re \gset
SELECT spec->>'algorithm' AS algorithm, spec->>'relation' AS relation, spec->>'target' AS target, unique_key
  FROM automl.jobs WHERE id = :re;
SELECT status FROM automl.wait(:re);
SELECT error_of($$SELECT automl.retrain('ops_nowhere')$$);
SELECT error_of($$SELECT automl.retrain('ops_sales', '[1]')$$);
SELECT error_of($$SELECT automl.retrain('ops_sales', '{"algorithm": "bogus"}')$$);

-- Drift: the training relation as it is (none), shifted copies (numbers and
-- categories), and the refusals.
SELECT feature, kind, statistic, round(value::numeric, 6) AS value, threshold, drifted
  FROM automl.drift('ops_sales') ORDER BY feature, statistic;
CREATE TABLE ops.sales_shifted AS
  SELECT i, (i % 50)::float8 + 20 AS price, (ARRAY['north', 'north', 'east', 'mars'])[1 + i % 4] AS region
    FROM generate_series(1, 3000) i;
SELECT feature, statistic, drifted FROM automl.drift('ops_sales', 'ops.sales_shifted') ORDER BY feature, statistic;
SELECT feature, statistic, drifted FROM automl.drift('ops_sales', 'SELECT i, price, NULL::text AS region FROM ops.sales')
 WHERE drifted ORDER BY 1, 2;
SELECT count(*) FILTER (WHERE drifted) AS drifted_with_loose_thresholds
  FROM automl.drift('ops_sales', 'ops.sales_shifted', '{"psi": 100, "ks": 1, "chi2": 1e12}');
SELECT error_of($$SELECT * FROM automl.drift('ops_sales', 'ops.nowhere')$$);
SELECT regexp_replace(error_of($$SELECT * FROM automl.drift('ops_sales', 'SELECT i FROM ops.sales')$$),
                      'automl_describe_[0-9]+', 'automl_describe_<pid>');
SELECT error_of($$SELECT * FROM automl.drift('ops_sales', NULL, '{"psi": -1}')$$);
SELECT error_of($$SELECT * FROM automl.drift('ops_sales', NULL, '{"bogus": 1}')$$);
SELECT error_of($$SELECT * FROM automl.drift('ops_nowhere')$$);
-- The contract's shapes: drift(project, relation DEFAULT NULL) is a function of its
-- own, and answers what the thresholds overload does with none, in the caller's
-- search_path too.
SELECT 'automl.drift(text,text)'::regprocedure AS contract, 'automl.drift(text,text,jsonb)'::regprocedure AS overload;
SELECT count(*) AS rows, count(*) FILTER (WHERE drifted) AS drifted, NOT EXISTS (
         (SELECT * FROM automl.drift('ops_sales', 'ops.sales_shifted')
          EXCEPT ALL SELECT * FROM automl.drift('ops_sales', 'ops.sales_shifted', '{}'))
         UNION ALL
         (SELECT * FROM automl.drift('ops_sales', 'ops.sales_shifted', '{}')
          EXCEPT ALL SELECT * FROM automl.drift('ops_sales', 'ops.sales_shifted'))) AS same_answers
  FROM automl.drift('ops_sales', 'ops.sales_shifted');
SELECT count(*) AS rows, NOT EXISTS (
         (SELECT * FROM automl.drift('ops_sales') EXCEPT ALL SELECT * FROM automl.drift('ops_sales', NULL, '{}'))
         UNION ALL
         (SELECT * FROM automl.drift('ops_sales', NULL, '{}') EXCEPT ALL SELECT * FROM automl.drift('ops_sales'))) AS same_answers
  FROM automl.drift(project => 'ops_sales');
SET search_path = ops, public;
SELECT count(*) FILTER (WHERE drifted) AS drifted_unqualified FROM automl.drift('ops_sales', 'sales_shifted');
RESET search_path;
-- if_drifted: nothing queued on unchanged data, a job on drifted data.
SELECT automl.retrain('ops_sales', '{"if_drifted": true}') IS NULL AS nothing_queued;
CREATE TABLE ops.sales_new AS SELECT i, price + 20 AS price, region, revenue FROM ops.sales;
SELECT automl.retrain('ops_sales', '{"if_drifted": true, "relation": "ops.sales_new"}') AS drifted_job \gset
SELECT spec->>'relation' AS relation FROM automl.jobs WHERE id = :drifted_job;
SELECT status FROM automl.wait(:drifted_job);
RESET ROLE;

-- Another manager of the project may retrain a relation, not a query alice wrote.
SET ROLE ops_alice;
SELECT automl.grant_project('ops_sales', 'ops_bob', 'manage');
SELECT automl.train('ops_sales', 'SELECT i, price, region, revenue FROM ops.sales', 'revenue',
                    algorithm => 'linear') AS q \gset
SELECT status FROM automl.wait(:q);
RESET ROLE;
SET ROLE ops_bob;
SELECT error_of($$SELECT automl.retrain('ops_sales')$$);
SELECT automl.retrain('ops_sales', '{"relation": "ops.sales"}') AS bob_job \gset
SELECT created_by, spec->>'relation' AS relation, status FROM automl.wait(:bob_job);
RESET ROLE;

-- Schedules through pg_cron: refused while the database lacks it (the hint says what
-- to install) and without its rights, then one that fires each minute and queues a
-- retrain as its owner.
SELECT count(*) AS pg_cron_yet FROM pg_extension WHERE extname = 'pg_cron';
SET ROLE ops_alice;
SELECT error_of($$SELECT automl.schedule('every_minute', '* * * * *', 'ops_sales')$$);
\set SHOW_CONTEXT never
SELECT automl.schedule('every_minute', '* * * * *', 'ops_sales');
\set SHOW_CONTEXT errors
RESET ROLE;
CREATE EXTENSION IF NOT EXISTS pg_cron;
SET ROLE ops_alice;
SELECT error_of($$SELECT automl.schedule('every_minute', '* * * * *', 'ops_sales')$$);
RESET ROLE;
GRANT USAGE ON SCHEMA cron TO ops_alice, ops_bob;
SET ROLE ops_alice;
SELECT error_of($$SELECT automl.schedule('every_minute', '* * * * *', 'ops_sales')$$);
RESET ROLE;
ALTER ROLE ops_alice LOGIN;  -- pg_cron logs in as a schedule's owner
SET ROLE ops_alice;
SELECT error_of($$SELECT automl.schedule('bad name!', '* * * * *', 'ops_sales')$$);
SELECT error_of($$SELECT automl.schedule('never', 'not a cron', 'ops_sales')$$);
SELECT error_of($$SELECT automl.schedule('elsewhere', '* * * * *', 'ops_nowhere')$$);
SELECT automl.schedule('every_minute', '* * * * *', 'ops_sales', '{"algorithm": "linear"}') > 0 AS scheduled;
SELECT name, cron, project, overrides FROM automl.schedules;
RESET ROLE;
SELECT jobname, schedule, username, command FROM cron.job WHERE jobname LIKE 'automl:%';
SET ROLE ops_bob;
SELECT count(*) AS bob_sees_no_schedule FROM automl.schedules;
SELECT automl.unschedule('every_minute') AS bob_cannot_unschedule_it;
RESET ROLE;
-- Wait (up to 90 s) for pg_cron's next minute.
DO $$
BEGIN
  FOR i IN 1 .. 180 LOOP
    EXIT WHEN EXISTS (SELECT 1 FROM automl.jobs WHERE unique_key = 'schedule:every_minute');
    PERFORM pg_sleep(0.5);
  END LOOP;
END
$$;
SELECT created_by, kind, spec->>'algorithm' AS algorithm FROM automl.jobs WHERE unique_key = 'schedule:every_minute';
SELECT status FROM automl.wait((SELECT max(id) FROM automl.jobs WHERE unique_key = 'schedule:every_minute'));
SET ROLE ops_alice;
SELECT automl.unschedule('every_minute') AS removed, automl.unschedule('every_minute') AS again;
RESET ROLE;
SELECT count(*) AS cron_jobs_left FROM cron.job WHERE jobname LIKE 'automl:%';
ALTER ROLE ops_alice NOLOGIN;
