-- webhooks: the SQL surface of automl.create_webhook, automl.drop_webhook,
-- automl.webhooks and automl.webhook_deliveries (docs/webhooks.md) — who may create,
-- see and drop what, the refusals and their SQLSTATEs, and the outbox rows that events
-- write. Posting is the worker's and is tested with real receivers in
-- tests/integration/webhook_test.cpp: here endpoints point at a closed port, and only
-- what does not depend on the worker's timing is shown.
SELECT ensure_roles('hook_owner', 'hook_stranger', 'hook_reader', 'hook_admin');
GRANT automl_user TO hook_owner, hook_stranger;
GRANT automl_reader TO hook_reader;
GRANT automl_admin TO hook_admin;
CREATE TABLE hook_pts AS SELECT i::float8 AS x, 2.0 * i + 1 AS y FROM generate_series(1, 100) i;
GRANT SELECT ON hook_pts TO hook_owner;
-- Roles below automl_admin may post only under these prefixes (a superuser's setting).
SET automl.import_allowed_urls = 'http://127.0.0.1:9/hooks';
SET ROLE hook_owner;
SELECT automl.train('hook_proj', 'public.hook_pts', 'y', algorithm => 'linear') AS job \gset
SELECT status FROM automl.wait(:job);

-- Creating: the URL is normalised and must be allowed for the caller; events known.
SELECT automl.create_webhook('hook_proj', 'HTTP://127.0.0.1:9/hooks/a/../all#frag') AS hook_all \gset
SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hooks/signed',
                             ARRAY['model.deployed', 'job.cancelled', 'model.deployed'], 'sh', 3) AS hook_signed \gset
SELECT project, url, events, has_secret, max_attempts, owner FROM automl.webhooks ORDER BY id;
SELECT e AS create_webhook_error FROM unnest(ARRAY[
  error_of($$SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hooks', ARRAY['job.started'])$$),
  error_of($$SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hooks', ARRAY[]::text[])$$),
  error_of($$SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hooks', ARRAY[NULL])$$),
  error_of($$SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hooks', secret => '')$$),
  error_of($$SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hooks', max_attempts => 0)$$),
  error_of($$SELECT automl.create_webhook('hook_proj', NULL)$$),
  error_of($$SELECT automl.create_webhook('no_such_project', 'http://127.0.0.1:9/hooks')$$),
  error_of($$SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hookshot')$$),
  error_of($$SELECT automl.create_webhook('hook_proj', 'http://169.254.169.254/latest/meta-data/')$$),
  error_of($$SELECT automl.create_webhook('hook_proj', 'http://me:pw@127.0.0.1:9/hooks')$$),
  error_of($$SELECT automl.create_webhook('hook_proj', 'file:///etc/passwd')$$),
  error_of($$SELECT automl.create_webhook('hook_proj', 'ftp://127.0.0.1:9/hooks')$$)]) e;
-- A query string is kept (a receiver's own token) and plays no part in matching.
SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hooks?token=s3cr3t&x=../', ARRAY['job.failed'])
  AS hook_query \gset
SELECT url FROM automl.webhooks WHERE id = :hook_query;
-- The table behind the view: the owner column is not the caller's to write, nor the rows
-- to change; a plain INSERT is checked like create_webhook.
SELECT error_of($$INSERT INTO automl.webhook_endpoints (project, url, events, owner)
                  VALUES ('hook_proj', 'http://127.0.0.1:9/hooks', '{job.failed}', 'postgres')$$) AS insert_owner;
SELECT error_of($$INSERT INTO automl.webhook_endpoints (project, url, events)
                  VALUES ('hook_proj', 'http://10.0.0.1/', '{job.failed}')$$) AS insert_off_list;
SELECT error_of($$UPDATE automl.webhook_endpoints SET url = 'http://10.0.0.1/'$$) AS update_url;
-- The secret is never readable back, not by its owner either.
SELECT error_of($$SELECT secret FROM automl.webhook_endpoints$$) AS owner_reads_secret;
SELECT error_of($$SELECT * FROM automl.webhook_endpoints$$) AS owner_reads_table;
SELECT error_of(format('SELECT automl_internal._webhook_secret(%s)', :hook_signed)) AS owner_calls_secret;

-- Events go into the outbox with the transaction that made them: a deployment, a
-- cancelled job (only the endpoint that subscribed to it).
SELECT automl.deploy('hook_proj', 'most_recent') > 0 AS deployed;
INSERT INTO automl.jobs (kind, project, spec, run_after) VALUES ('noop', 'hook_proj', '{}', 'infinity')
  RETURNING id AS queued_job \gset
SELECT automl.cancel(:queued_job);
SELECT w.url, d.event, d.payload->>'event' AS payload_event, d.payload->>'project' AS project,
       (d.payload->>'delivery_id')::bigint = d.id AS has_delivery_id, d.payload ? 'occurred_at' AS has_time,
       d.payload->'model'->'version' AS model_version, d.payload->'deployment'->>'strategy' AS strategy,
       d.payload->'job'->>'status' AS job_status, (d.payload->'job'->>'id')::bigint = :queued_job AS is_the_job
  FROM automl.webhook_deliveries d JOIN automl.webhooks w ON w.id = d.webhook_id
 ORDER BY d.id;
RESET ROLE;

-- Another tenant: sees no endpoint and no delivery, cannot drop, and its noop job that
-- names the project (no right to it needed) announces nothing.
SET ROLE hook_stranger;
SELECT count(*) AS stranger_sees_webhooks FROM automl.webhooks;
SELECT count(*) AS stranger_sees_deliveries FROM automl.webhook_deliveries;
SELECT masked(format('SELECT automl.drop_webhook(%s)', :hook_all)) AS stranger_drops;
SELECT error_of('SELECT automl.drop_webhook(-1)') AS drop_unknown;
SELECT error_of($$SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hooks')$$) AS stranger_creates;
INSERT INTO automl.jobs (kind, project, spec, run_after) VALUES ('noop', 'hook_proj', '{}', 'infinity')
  RETURNING id AS stranger_job \gset
SELECT automl.cancel(:stranger_job);
RESET ROLE;
SELECT count(*) AS deliveries_of_the_strangers_job FROM automl.webhook_deliveries
 WHERE (payload->'job'->>'id')::bigint = :stranger_job;
-- A reader may not create one at all; an admin sees every endpoint, but not a secret.
SET ROLE hook_reader;
SELECT error_of($$SELECT automl.create_webhook('hook_proj', 'http://127.0.0.1:9/hooks')$$) AS reader_creates;
SET ROLE hook_admin;
SELECT count(*) AS admin_sees_webhooks FROM automl.webhooks;
SELECT error_of($$SELECT secret FROM automl.webhook_endpoints$$) AS admin_reads_secret;
RESET ROLE;

-- Pruning finished deliveries: an admin's; pending ones stay whatever their age.
SET ROLE hook_owner;
SELECT error_of($$SELECT automl.prune_webhook_deliveries('0 s')$$) AS owner_prunes;
RESET ROLE;
INSERT INTO automl.webhook_deliveries (webhook_id, event, payload, status, created_at)
VALUES (:hook_all, 'job.succeeded', '{}', 'delivered', now() - interval '2 days'),
       (:hook_all, 'job.failed', '{}', 'failed', now() - interval '3 days');
INSERT INTO automl.webhook_deliveries (webhook_id, event, payload, status, created_at, next_attempt_at)
VALUES (:hook_all, 'job.succeeded', '{}', 'pending', now() - interval '4 days', 'infinity') RETURNING id AS old_pending \gset
SET ROLE hook_admin;
SELECT error_of($$SELECT automl.prune_webhook_deliveries('-1 day')$$) AS negative;
SELECT error_of($$SELECT automl.prune_webhook_deliveries(NULL)$$) AS null_interval;
SELECT automl.prune_webhook_deliveries('1 day') AS pruned_old;
SELECT count(*) AS old_pending_kept FROM automl.webhook_deliveries WHERE id = :old_pending;
RESET ROLE;

-- Dropping: the owner's endpoint and its deliveries go.
SET ROLE hook_owner;
SELECT automl.drop_webhook(:hook_signed) AS dropped;
SELECT count(*) AS deliveries_left, bool_and(webhook_id = :hook_all) AS all_of_the_other FROM automl.webhook_deliveries;
SELECT automl.drop_webhook(:hook_all) AND automl.drop_webhook(:hook_query) AS dropped;
RESET ROLE;
RESET automl.import_allowed_urls;
