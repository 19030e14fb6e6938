-- pg_automl 0.1.0 → 0.2.0, after sql/src/functions: the policies decide for the
-- calling role, and the triggers and policies 0.2.0 adds.

ALTER POLICY staff ON automl.projects USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
ALTER POLICY staff ON automl.models USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
ALTER POLICY staff ON automl.deployments USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
ALTER POLICY staff ON automl.jobs USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
ALTER POLICY staff ON automl.trials USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
ALTER POLICY staff ON automl.prediction_log USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
ALTER POLICY staff ON automl.project_grants USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
ALTER POLICY readable ON automl.projects
  USING (name = ANY ((SELECT automl_internal._projects_for('predict'))::text[]) OR automl_internal._member_of(current_user, owner));
ALTER POLICY manage ON automl.projects USING (name = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
ALTER POLICY readable ON automl.models USING (project = ANY ((SELECT automl_internal._projects_for('predict'))::text[]));
ALTER POLICY manage ON automl.models WITH CHECK (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
ALTER POLICY readable ON automl.deployments USING (project = ANY ((SELECT automl_internal._projects_for('predict'))::text[]));
ALTER POLICY manage ON automl.deployments WITH CHECK (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
ALTER POLICY readable ON automl.prediction_log USING (project = ANY ((SELECT automl_internal._projects_for('predict'))::text[]));
ALTER POLICY own_or_managed ON automl.jobs
  USING (automl_internal._member_of(current_user, created_by) OR project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
ALTER POLICY own_or_managed_update ON automl.jobs
  USING (automl_internal._member_of(current_user, created_by) OR project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
ALTER POLICY readable ON automl.trials USING (automl_internal._can_job(job_id));
ALTER POLICY readable ON automl.project_grants
  USING (automl_internal._member_of(current_user, grantee) OR project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
ALTER POLICY manage ON automl.project_grants WITH CHECK (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
ALTER POLICY manage_update ON automl.project_grants USING (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
ALTER POLICY manage_delete ON automl.project_grants USING (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));

CREATE POLICY staff ON automl.role_limits USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY own ON automl.role_limits FOR SELECT USING (automl_internal._member_of(current_user, role));

-- A deployment names 2 to 8 distinct models of its own project, weights summing to 1.
CREATE TRIGGER deployments_check BEFORE INSERT OR UPDATE ON automl.deployments
  FOR EACH ROW EXECUTE FUNCTION automl_internal._deployments_check();

-- Webhooks are their owner's: a role sees, creates and drops its own endpoints
-- (create_webhook also needs "manage" on the project), and reads their deliveries.
CREATE POLICY staff ON automl.webhook_endpoints USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY own ON automl.webhook_endpoints FOR SELECT USING (automl_internal._member_of(current_user, owner));
CREATE POLICY create_own ON automl.webhook_endpoints FOR INSERT WITH CHECK (automl_internal._member_of(current_user, owner));
CREATE POLICY drop_own ON automl.webhook_endpoints FOR DELETE USING (automl_internal._member_of(current_user, owner));
CREATE POLICY staff ON automl.webhook_deliveries USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY own ON automl.webhook_deliveries FOR SELECT USING (automl_internal._webhook_visible(webhook_id));

-- Webhooks: every endpoint INSERT is checked; job and deployment events fill the outbox.
CREATE TRIGGER webhook_endpoints_before_insert BEFORE INSERT ON automl.webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION automl_internal._webhooks_before_insert();
CREATE TRIGGER jobs_webhook_event AFTER UPDATE OF status ON automl.jobs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('succeeded', 'failed', 'cancelled'))
  EXECUTE FUNCTION automl_internal._jobs_webhook_event();
CREATE TRIGGER deployments_webhook_event AFTER INSERT ON automl.deployments
  FOR EACH ROW EXECUTE FUNCTION automl_internal._deployments_webhook_event();

-- Schedules belong to their owner (who pg_cron runs them as).
CREATE POLICY staff ON automl.schedules USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY own ON automl.schedules USING (automl_internal._member_of(current_user, owner))
  WITH CHECK (owner = current_user);

-- The shared caches know each served model's row: a rewritten or deleted one ends it.
CREATE TRIGGER models_changed AFTER UPDATE OR DELETE OR TRUNCATE ON automl.models
  FOR EACH STATEMENT EXECUTE FUNCTION automl_internal._deployments_changed();
