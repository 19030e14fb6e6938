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
