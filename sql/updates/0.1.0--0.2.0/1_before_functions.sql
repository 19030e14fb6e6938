-- pg_automl 0.1.0 → 0.2.0: the trust boundary (docs/security.md) and a public
-- surface apart from the internals.
--
-- 0.1.0 is released and its install script never changes. The build assembles the
-- upgrade script from this file (what 0.2.0 changes in the tables and the names
-- 0.1.0 made), every file of sql/src/functions (CREATE OR REPLACE: the functions
-- as 0.2.0 defines them, the same text a new install runs), 2_after_functions.sql
-- (policies and triggers that need those functions) and sql/src/catalog and
-- sql/src/comments (privileges, pinned search_path, pg_dump registration,
-- comments — re-applied whole). tests/sql/upgrade.sql checks that an upgraded
-- database and a new one are the same object by object. Nothing here drops a
-- user's data.
--
-- What changes:
--  - internal functions move to schema automl_internal, so \df automl.* lists
--    what users call;
--  - a tenant's training query runs inside the backend as its submitter, in a
--    security-restricted operation (automl_internal._training_rows), never with
--    the worker's rights;
--  - every SQL function pins search_path; names a caller passes are resolved in the
--    caller's own search_path, once, before the pinned code runs;
--  - the access rules decide for the calling role (C, extension/access_rules.cpp),
--    never for a role passed as an argument;
--  - a deployment names models of its own project only; tenants write models and
--    deployments only through the extension's functions;
--  - per-role job limits, fair claiming between submitters, negative priorities
--    for automl_admin only;
--  - every table of user state is dumped by pg_dump, and a restore's COPY into
--    automl.jobs keeps the rows as they were;
--  - on a hot standby, calls that write say to run them on the primary;
--  - train(..., refit => true): the served model is fitted on every row;
--    train(..., eval => ...) says how a search scores its trials;
--  - a worker registers again whenever its row is missing;
--  - outbound URLs pass one policy (automl_internal._check_outbound_url and the GUCs
--    automl.import_allowed_urls, automl.import_directory);
--  - signed webhooks on job and deployment events, through an outbox table;
--  - each new model stores its evaluation (automl.models.evaluation), which the
--    report functions read.

CREATE SCHEMA automl_internal;

-- The submitter's search_path when the job was queued: its query's names are
-- resolved in it when the worker reads the data, not in the worker's.
ALTER TABLE automl.jobs ADD COLUMN search_path text;

-- Per-role limits on a submitter's jobs (automl.set_role_limits); no row, no limit.
CREATE TABLE automl.role_limits (
  role        name PRIMARY KEY,
  max_running integer CHECK (max_running >= 0),
  max_queued  integer CHECK (max_queued >= 0),
  set_by      name NOT NULL DEFAULT current_user,
  set_at      timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE automl.role_limits ENABLE ROW LEVEL SECURITY;

-- When each submitter's job was last claimed: claiming serves submitters in turn.
CREATE TABLE automl.submitter_turns (
  role            name PRIMARY KEY,
  last_claimed_at timestamptz NOT NULL
);

-- Webhooks (docs/webhooks.md): endpoints that hear a project's job and deployment
-- events, and the outbox of their deliveries. A delivery row is written by a trigger
-- in the transaction that finished the job or deployed the model; the worker posts
-- it after commit.

-- The secret is a column nobody but the extension's owner reads: tenants see the
-- endpoints through the view automl.webhooks, which leaves it out (has_secret says
-- whether there is one); the worker reads it through automl_internal._webhook_secret.
CREATE TABLE automl.webhook_endpoints (
  id           bigserial PRIMARY KEY,
  project      text NOT NULL REFERENCES automl.projects (name) ON UPDATE CASCADE ON DELETE CASCADE,
  url          text NOT NULL,    -- normalised by automl_internal._check_outbound_url
  events       text[] NOT NULL,
  secret       text CHECK (secret <> ''),
  has_secret   boolean GENERATED ALWAYS AS (secret IS NOT NULL) STORED,
  max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts BETWEEN 1 AND 100),
  owner        name NOT NULL DEFAULT current_user,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_project ON automl.webhook_endpoints (project);

CREATE VIEW automl.webhooks WITH (security_invoker = true) AS
  SELECT w.id, w.project, w.url, w.events, w.has_secret, w.max_attempts, w.owner, w.created_at
    FROM automl.webhook_endpoints w;

-- The outbox: one row per event and endpoint. pending → delivering (claimed by a
-- worker until claimed_until) → delivered, or back to pending after a failed attempt
-- (next_attempt_at backs off), or failed after the endpoint's max_attempts.
CREATE TABLE automl.webhook_deliveries (
  id               bigserial PRIMARY KEY,
  webhook_id       bigint NOT NULL REFERENCES automl.webhook_endpoints (id) ON DELETE CASCADE,
  event            text NOT NULL,
  payload          jsonb NOT NULL,  -- the POST body, the same bytes at every attempt
  status           text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'delivering', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  claimed_until    timestamptz,
  last_status_code integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
-- Claiming reads only undelivered rows by due time.
CREATE INDEX webhook_deliveries_due ON automl.webhook_deliveries (next_attempt_at)
  WHERE status IN ('pending', 'delivering');
CREATE INDEX webhook_deliveries_webhook ON automl.webhook_deliveries (webhook_id);
ALTER TABLE automl.webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.webhook_deliveries ENABLE ROW LEVEL SECURITY;

-- Resolving a training relation now takes the submitter's search_path.
DROP FUNCTION automl._resolve_training_relation(text, text);

-- train takes refit (fit the evaluated configuration on every row before serving)
-- and eval (how a search scores its trials).
DROP FUNCTION automl.train(text, text, text, text, text, jsonb, text, jsonb, text, double precision, integer,
                           interval, text, integer, bigint, timestamptz, integer, jsonb);

-- describe: 0.1.0's body runs pinned (as automl_internal._describe) on what the
-- caller named, resolved first in the caller's search_path.
ALTER FUNCTION automl.describe(text, bigint) RENAME TO _describe;
COMMENT ON FUNCTION automl._describe(text, bigint) IS NULL;  -- sql/src/comments describes the public one

-- The internals leave the public schema. Policies, triggers and grants follow the
-- functions (they refer to them by oid); the bodies that call them by name are
-- replaced next, by sql/src/functions.
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
            WHERE p.pronamespace = 'automl'::regnamespace AND p.proname LIKE '\_%' LOOP
    EXECUTE format('ALTER FUNCTION %s SET SCHEMA automl_internal', f);
  END LOOP;
END
$$;

-- The numbers behind a model's report (docs/report-documents.md); models trained
-- before 0.2.0 have none.
ALTER TABLE automl.models ADD COLUMN evaluation jsonb;

-- Clustering projects (automl.train(..., target => NULL, task => 'clustering')); a
-- wider check, which every existing row meets.
ALTER TABLE automl.projects DROP CONSTRAINT projects_task_check,
  ADD CONSTRAINT projects_task_check CHECK (task IN ('classification', 'regression', 'tagging', 'clustering'));

-- Queue controls (0.2.0): unique jobs and paused queues.
ALTER TABLE automl.jobs ADD COLUMN unique_key text CHECK (length(unique_key) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX jobs_unique_key ON automl.jobs (created_by, unique_key)
  WHERE unique_key IS NOT NULL AND status IN ('queued', 'running');
CREATE TABLE automl.queue_pauses (
  kind      text PRIMARY KEY,
  paused_by name NOT NULL DEFAULT current_user,
  paused_at timestamptz NOT NULL DEFAULT now()
);
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

-- Schedules (0.2.0).
-- Schedules (automl.schedule): periodic retraining through pg_cron. pg_cron runs
-- cron_job_id's command as `owner`; this table says which project and overrides.
CREATE TABLE automl.schedules (
  owner       name NOT NULL DEFAULT current_user,
  name        text NOT NULL CHECK (name ~ '^[A-Za-z0-9_.:-]{1,63}$'),
  cron        text NOT NULL,
  project     text NOT NULL,
  overrides   jsonb NOT NULL DEFAULT '{}',
  cron_job_id bigint NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner, name)
);
ALTER TABLE automl.schedules ENABLE ROW LEVEL SECURITY;
