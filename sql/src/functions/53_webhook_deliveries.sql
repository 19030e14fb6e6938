-- The worker's interface: delivering webhook events from the outbox
-- (daemon/webhook_deliverer.cpp). Many workers share the outbox: claims skip rows
-- another worker holds, and an attempt's end is fenced by its number.

-- Claims the next due delivery and counts the attempt. The claim lasts claim_seconds
-- (the worker's timeout and a margin): a worker that dies in the middle leaves a row
-- whose claim expires, and the next worker tries it again — at least once, never lost.
-- permitted is false when the endpoint's owner no longer manages its project (the
-- worker then records a refused attempt). The URL is checked by the worker, for the
-- owner, with automl_internal._check_outbound_url.
CREATE OR REPLACE FUNCTION automl_internal._claim_webhook_delivery(claim_seconds float8)
RETURNS TABLE (delivery_id bigint, attempt integer, event text, body text, url text, owner name,
               webhook_id bigint, permitted boolean)
LANGUAGE plpgsql AS $$
DECLARE
  d automl.webhook_deliveries;
  endpoint record;
BEGIN
  LOOP
    SELECT * INTO d FROM automl.webhook_deliveries x
     WHERE (x.status = 'pending' AND x.next_attempt_at <= now())
        OR (x.status = 'delivering' AND x.claimed_until < now())
     ORDER BY x.next_attempt_at, x.id
     LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      RETURN;
    END IF;
    SELECT w.project, w.url, w.owner, w.max_attempts INTO endpoint
      FROM automl.webhook_endpoints w WHERE w.id = d.webhook_id;
    IF d.attempts < endpoint.max_attempts THEN
      UPDATE automl.webhook_deliveries x
         SET status = 'delivering', attempts = x.attempts + 1,
             claimed_until = now() + make_interval(secs => claim_seconds)
       WHERE x.id = d.id;
      RETURN QUERY SELECT d.id, d.attempts + 1, d.event, d.payload::text, endpoint.url, endpoint.owner,
                          d.webhook_id, automl_internal._can(endpoint.project, 'manage', endpoint.owner);
      RETURN;
    END IF;
    -- Its last attempt's worker stopped before recording it.
    UPDATE automl.webhook_deliveries x
       SET status = 'failed', claimed_until = NULL,
           last_error = coalesce(x.last_error, 'the worker stopped during the last attempt')
     WHERE x.id = d.id;
  END LOOP;
END
$$;

-- Records how an attempt ended, unless its claim was lost (returns 'stale'). A 2xx
-- response without an error is delivered. Anything else — another status, no response
-- (status_code NULL: a timeout, a refused connection or URL) — is a failed attempt:
-- pending again after retry_base × 2^(attempt − 1) seconds with a jitter of ±25 % (at
-- most an hour), or failed after the endpoint's max_attempts.
CREATE OR REPLACE FUNCTION automl_internal._record_webhook_attempt(
  delivery_id bigint, attempt integer, status_code integer, error text, retry_base float8) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  d automl.webhook_deliveries;
  most integer;
  outcome text;
BEGIN
  SELECT * INTO d FROM automl.webhook_deliveries x WHERE x.id = _record_webhook_attempt.delivery_id FOR UPDATE;
  IF NOT FOUND OR d.status <> 'delivering' OR d.attempts <> _record_webhook_attempt.attempt THEN
    RETURN 'stale';
  END IF;
  SELECT w.max_attempts INTO most FROM automl.webhook_endpoints w WHERE w.id = d.webhook_id;
  outcome := CASE WHEN error IS NULL AND status_code BETWEEN 200 AND 299 THEN 'delivered'
                  WHEN attempt >= most THEN 'failed'
                  ELSE 'pending' END;
  UPDATE automl.webhook_deliveries x
     SET status = outcome, claimed_until = NULL, last_status_code = status_code, last_error = error,
         delivered_at = CASE WHEN outcome = 'delivered' THEN now() END,
         next_attempt_at = CASE WHEN outcome = 'pending'
                                THEN now() + make_interval(secs => least(3600.0, retry_base * power(2, attempt - 1)
                                                                                 * (0.75 + random() / 2)))
                                ELSE x.next_attempt_at END
   WHERE x.id = d.id;
  RETURN outcome;
END
$$;

-- A webhook's secret, for signing its deliveries: the worker's only (automl_worker).
CREATE OR REPLACE FUNCTION automl_internal._webhook_secret(webhook_id bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER AS $$
  SELECT w.secret FROM automl.webhook_endpoints w WHERE w.id = webhook_id;
$$;
