-- Triggers: every INSERT into automl.jobs is validated and wakes the workers; every
-- change to what may serve tells the backends' caches.

-- Every INSERT into automl.jobs passes here: the spec is validated and normalised,
-- the caller's right to the project checked, the relation resolved in the caller's
-- search_path (automl_internal._prepare_job).
CREATE TRIGGER jobs_before_insert BEFORE INSERT ON automl.jobs
  FOR EACH ROW EXECUTE FUNCTION automl_internal._jobs_before_insert();
-- Wakes listening workers when the inserting transaction commits.
CREATE TRIGGER jobs_notify AFTER INSERT ON automl.jobs
  FOR EACH ROW EXECUTE FUNCTION automl_internal._jobs_notify();

-- A deployment names 2 to 8 distinct models of its own project, weights summing to 1.
CREATE TRIGGER deployments_check BEFORE INSERT OR UPDATE ON automl.deployments
  FOR EACH ROW EXECUTE FUNCTION automl_internal._deployments_check();

-- Every backend caches which model serves a project; these tell them all (through a
-- relcache invalidation) when that may have changed: a deployment, a project's
-- log_sample_rate, a grant.
CREATE TRIGGER deployments_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON automl.deployments
  FOR EACH STATEMENT EXECUTE FUNCTION automl_internal._deployments_changed();
CREATE TRIGGER projects_changed AFTER UPDATE OR DELETE OR TRUNCATE ON automl.projects
  FOR EACH STATEMENT EXECUTE FUNCTION automl_internal._deployments_changed();
CREATE TRIGGER project_grants_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON automl.project_grants
  FOR EACH STATEMENT EXECUTE FUNCTION automl_internal._deployments_changed();
-- The shared caches also know each served model's row (its xmin finds its parsed
-- image): a rewritten or deleted model row ends what they know.
CREATE TRIGGER models_changed AFTER UPDATE OR DELETE OR TRUNCATE ON automl.models
  FOR EACH STATEMENT EXECUTE FUNCTION automl_internal._deployments_changed();

-- Every INSERT into automl.webhook_endpoints is checked: the caller manages the
-- project, the events are known, the URL passes the outbound policy.
CREATE TRIGGER webhook_endpoints_before_insert BEFORE INSERT ON automl.webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION automl_internal._webhooks_before_insert();
-- Webhook events go into the outbox in the transaction of the event: a job's final
-- status (whoever set it) and every deployment.
CREATE TRIGGER jobs_webhook_event AFTER UPDATE OF status ON automl.jobs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('succeeded', 'failed', 'cancelled'))
  EXECUTE FUNCTION automl_internal._jobs_webhook_event();
CREATE TRIGGER deployments_webhook_event AFTER INSERT ON automl.deployments
  FOR EACH ROW EXECUTE FUNCTION automl_internal._deployments_webhook_event();
