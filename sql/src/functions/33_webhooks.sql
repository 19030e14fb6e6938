-- Webhooks: endpoints that hear a project's job and deployment events
-- (docs/webhooks.md). The events are written by triggers into the outbox,
-- automl.webhook_deliveries, in the transaction of the event; the worker posts them.

-- The events an endpoint may subscribe to.
CREATE OR REPLACE FUNCTION automl_internal._webhook_event_names() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['job.succeeded', 'job.failed', 'job.cancelled', 'model.deployed'];
$$;

-- Every INSERT into automl.webhook_endpoints passes here (create_webhook or a plain
-- INSERT): the caller must manage the project, the events must be known, the URL
-- must pass the outbound policy for the caller; the row records the caller as owner.
-- A restore's COPY keeps the rows as they were.
CREATE OR REPLACE FUNCTION automl_internal._webhooks_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  valid text[] := automl_internal._webhook_event_names();
  unknown text;
BEGIN
  IF automl_internal._loading_verbatim() THEN
    RETURN NEW;
  END IF;
  IF NEW.project IS NULL OR NEW.url IS NULL THEN
    RAISE EXCEPTION 'a webhook needs a project and a url' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  NEW.owner := current_user;
  NEW.created_at := now();
  PERFORM automl_internal._require(NEW.project, 'manage');
  IF NEW.events IS NULL OR cardinality(NEW.events) = 0 THEN
    RAISE EXCEPTION 'a webhook needs at least one event (valid: %)', array_to_string(valid, ', ')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT e INTO unknown FROM unnest(NEW.events) e WHERE e IS NULL OR e <> ALL (valid) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'unknown webhook event % (valid: %)', coalesce('"' || unknown || '"', 'NULL'),
      array_to_string(valid, ', ') USING ERRCODE = 'invalid_parameter_value';
  END IF;
  NEW.events := ARRAY(SELECT v FROM unnest(valid) v WHERE v = ANY (NEW.events));
  IF NEW.secret = '' THEN
    RAISE EXCEPTION 'a webhook secret must not be empty' USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Pass NULL for deliveries without a signature.';
  END IF;
  IF NEW.max_attempts IS NULL OR NEW.max_attempts NOT BETWEEN 1 AND 100 THEN
    RAISE EXCEPTION 'max_attempts must be from 1 to 100, got %', coalesce(NEW.max_attempts::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  NEW.url := automl_internal._check_outbound_url(NEW.url, 'webhook', current_user);
  RETURN NEW;
END
$$;

-- Registers an endpoint for a project's events; returns its id. Needs "manage" on the
-- project; the URL passes automl_internal._check_outbound_url for the caller, here and
-- again before every delivery.
CREATE OR REPLACE FUNCTION automl.create_webhook(
  project      text,
  url          text,
  events       text[]  DEFAULT ARRAY['job.succeeded', 'job.failed', 'model.deployed'],
  secret       text    DEFAULT NULL,
  max_attempts integer DEFAULT 8) RETURNS bigint
LANGUAGE sql AS $$
  SELECT automl_internal._require_primary('automl.create_webhook');
  INSERT INTO automl.webhook_endpoints (project, url, events, secret, max_attempts)
  VALUES (create_webhook.project, create_webhook.url, create_webhook.events, create_webhook.secret,
          create_webhook.max_attempts)
  RETURNING id;
$$;

-- Whether a webhook id exists, for 42501 vs 42704 (never whose it is).
CREATE OR REPLACE FUNCTION automl_internal._webhook_exists(webhook_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER AS $$
  SELECT EXISTS (SELECT 1 FROM automl.webhook_endpoints w WHERE w.id = webhook_id);
$$;

-- Whether the caller sees the endpoint (its row-level security decides: its owner's,
-- or staff's): a delivery is visible with its endpoint.
CREATE OR REPLACE FUNCTION automl_internal._webhook_visible(webhook_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM automl.webhook_endpoints w WHERE w.id = webhook_id);
$$;

-- Drops an endpoint and its deliveries. Its owner's, or automl_admin's.
CREATE OR REPLACE FUNCTION automl.drop_webhook(id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM automl_internal._require_primary('automl.drop_webhook');
  DELETE FROM automl.webhook_endpoints w WHERE w.id = drop_webhook.id;
  IF FOUND THEN
    RETURN true;
  END IF;
  IF automl_internal._webhook_exists(drop_webhook.id) THEN
    RAISE EXCEPTION 'permission denied for webhook %', drop_webhook.id USING ERRCODE = 'insufficient_privilege',
      DETAIL = 'Only its owner or a member of automl_admin may drop it.';
  END IF;
  RAISE EXCEPTION 'webhook % does not exist', coalesce(drop_webhook.id::text, 'NULL')
    USING ERRCODE = 'undefined_object';
END
$$;

-- The outbox: one delivery per endpoint of the project that subscribed to the event,
-- in the transaction of the event itself, and a wake-up for the workers at commit.
-- The payload is the POST body; delivery_id is in it for idempotent receivers.
CREATE OR REPLACE FUNCTION automl_internal._queue_webhook_event(project text, event text, body jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  WITH targets AS (
    SELECT nextval('automl.webhook_deliveries_id_seq') AS delivery_id, w.id AS webhook_id
      FROM automl.webhook_endpoints w
     WHERE w.project = _queue_webhook_event.project AND _queue_webhook_event.event = ANY (w.events)
  )
  INSERT INTO automl.webhook_deliveries (id, webhook_id, event, payload)
  SELECT t.delivery_id, t.webhook_id, _queue_webhook_event.event,
         jsonb_build_object('event', _queue_webhook_event.event, 'delivery_id', t.delivery_id,
                            'occurred_at', now(), 'project', _queue_webhook_event.project) || body
    FROM targets t;
  IF FOUND THEN
    PERFORM pg_notify('automl_webhooks', '');
  END IF;
END
$$;

-- A model as an event names it.
CREATE OR REPLACE FUNCTION automl_internal._webhook_model(model_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER AS $$
  SELECT jsonb_build_object('id', m.id, 'version', m.version, 'metrics', m.metrics)
    FROM automl.models m WHERE m.id = model_id;
$$;

-- A job reached a final status (the trigger's WHEN says which changes): job.succeeded,
-- job.failed (after its last attempt: a retried failure goes back to queued),
-- job.cancelled. Whoever made the change — the worker, the rescuer, a cancel. Only
-- jobs of a submitter who manages the project are announced: a tenant's noop job that
-- merely names another tenant's project says nothing to that project's endpoints.
CREATE OR REPLACE FUNCTION automl_internal._jobs_webhook_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  model jsonb;
  updater name;
BEGIN
  IF NEW.project IS NULL OR NOT EXISTS (SELECT 1 FROM automl.webhook_endpoints w WHERE w.project = NEW.project)
     OR NOT automl_internal._can(NEW.project, 'manage', NEW.created_by) THEN
    RETURN NULL;
  END IF;
  -- Final states are the worker's to write (or an admin's). A tenant's UPDATE grant on
  -- its own jobs serves cancel and retry, so from a tenant only a queued job's
  -- cancellation is announced: a forged 'succeeded' reaches nobody. Who updates is
  -- the session's role (SET ROLE's, else the login): current_user here is this
  -- function's owner, and a tenant can become no role it is not a member of.
  updater := CASE WHEN pg_catalog.current_setting('role') = 'none' THEN session_user
                  ELSE pg_catalog.current_setting('role')::name END;
  IF NOT (automl_internal._member_of(updater, 'automl_worker')
          OR automl_internal._member_of(updater, 'automl_admin'))
     AND NOT (OLD.status = 'queued' AND NEW.status = 'cancelled') THEN
    RETURN NULL;
  END IF;
  model := automl_internal._webhook_model((SELECT m.id FROM automl.models m WHERE m.job_id = NEW.id));
  PERFORM automl_internal._queue_webhook_event(NEW.project, 'job.' || NEW.status,
    jsonb_build_object('job', jsonb_build_object('id', NEW.id, 'kind', NEW.kind, 'status', NEW.status,
                                                 'error', NEW.error))
    || CASE WHEN model IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('model', model) END);
  RETURN NULL;
END
$$;

-- A deployment: model.deployed, for every strategy, split and rollback. A restore's
-- COPY of old deployments announces nothing.
CREATE OR REPLACE FUNCTION automl_internal._deployments_webhook_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  IF automl_internal._loading_verbatim()
     OR NOT EXISTS (SELECT 1 FROM automl.webhook_endpoints w WHERE w.project = NEW.project) THEN
    RETURN NULL;
  END IF;
  PERFORM automl_internal._queue_webhook_event(NEW.project, 'model.deployed',
    jsonb_build_object('model', automl_internal._webhook_model(NEW.model_id),
                       'deployment', jsonb_build_object('id', NEW.id, 'strategy', NEW.strategy, 'arms', NEW.arms,
                                                        'shadow_model_id', NEW.shadow_model_id,
                                                        'deployed_by', NEW.deployed_by)));
  RETURN NULL;
END
$$;

-- Deletes finished deliveries (delivered or failed for good) created longer ago than
-- older_than; pending ones stay whatever their age. Returns how many went.
CREATE OR REPLACE FUNCTION automl.prune_webhook_deliveries(older_than interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  deleted bigint;
BEGIN
  IF older_than IS NULL OR older_than < interval '0' THEN
    RAISE EXCEPTION 'older_than must be a non-negative interval' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  DELETE FROM automl.webhook_deliveries d
   WHERE d.status IN ('delivered', 'failed') AND d.created_at < pg_catalog.now() - older_than;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END
$$;
