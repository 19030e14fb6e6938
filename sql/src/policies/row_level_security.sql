-- Row-level security: a role sees the projects it owns (or is a member of the owner
-- of) and those shared with it; automl_admin and automl_worker see everything. The
-- rules decide for the calling role (C, extension/access_rules.cpp); the scalar
-- subqueries make each policy evaluate its project list once per query.

CREATE POLICY staff ON automl.projects USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY staff ON automl.models USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY staff ON automl.deployments USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY staff ON automl.jobs USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY staff ON automl.trials USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY staff ON automl.prediction_log USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY staff ON automl.project_grants USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY staff ON automl.role_limits USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));

-- A role sees what it owns, too: INSERT … ON CONFLICT (import_model) checks the new
-- row against this policy before the project is in anyone's list.
CREATE POLICY readable ON automl.projects FOR SELECT
  USING (name = ANY ((SELECT automl_internal._projects_for('predict'))::text[]) OR automl_internal._member_of(current_user, owner));
CREATE POLICY create_own ON automl.projects FOR INSERT WITH CHECK (automl_internal._member_of(current_user, owner));
CREATE POLICY manage ON automl.projects FOR UPDATE
  USING (name = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));

CREATE POLICY readable ON automl.models FOR SELECT
  USING (project = ANY ((SELECT automl_internal._projects_for('predict'))::text[]));
CREATE POLICY manage ON automl.models FOR INSERT
  WITH CHECK (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
CREATE POLICY readable ON automl.deployments FOR SELECT
  USING (project = ANY ((SELECT automl_internal._projects_for('predict'))::text[]));
CREATE POLICY manage ON automl.deployments FOR INSERT
  WITH CHECK (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
CREATE POLICY readable ON automl.prediction_log FOR SELECT
  USING (project = ANY ((SELECT automl_internal._projects_for('predict'))::text[]));

CREATE POLICY own_or_managed ON automl.jobs FOR SELECT
  USING (automl_internal._member_of(current_user, created_by) OR project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
CREATE POLICY own_or_managed_update ON automl.jobs FOR UPDATE
  USING (automl_internal._member_of(current_user, created_by) OR project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
-- The INSERT trigger sets created_by and refuses someone else's project with 42501.
CREATE POLICY submit ON automl.jobs FOR INSERT WITH CHECK (automl_internal._member_of(current_user, created_by));
CREATE POLICY readable ON automl.trials FOR SELECT USING (automl_internal._can_job(job_id));

CREATE POLICY readable ON automl.project_grants FOR SELECT
  USING (automl_internal._member_of(current_user, grantee) OR project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
CREATE POLICY manage ON automl.project_grants FOR INSERT
  WITH CHECK (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
CREATE POLICY manage_update ON automl.project_grants FOR UPDATE
  USING (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));
CREATE POLICY manage_delete ON automl.project_grants FOR DELETE
  USING (project = ANY ((SELECT automl_internal._projects_for('manage'))::text[]));

CREATE POLICY own ON automl.role_limits FOR SELECT USING (automl_internal._member_of(current_user, role));

-- Webhooks are their owner's: a role sees, creates and drops its own endpoints
-- (create_webhook also needs "manage" on the project), and reads their deliveries.
CREATE POLICY staff ON automl.webhook_endpoints USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY own ON automl.webhook_endpoints FOR SELECT USING (automl_internal._member_of(current_user, owner));
CREATE POLICY create_own ON automl.webhook_endpoints FOR INSERT WITH CHECK (automl_internal._member_of(current_user, owner));
CREATE POLICY drop_own ON automl.webhook_endpoints FOR DELETE USING (automl_internal._member_of(current_user, owner));
CREATE POLICY staff ON automl.webhook_deliveries USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY own ON automl.webhook_deliveries FOR SELECT USING (automl_internal._webhook_visible(webhook_id));

-- Schedules belong to their owner (who pg_cron runs them as).
CREATE POLICY staff ON automl.schedules USING ((SELECT automl_internal._sees_all())) WITH CHECK ((SELECT automl_internal._sees_all()));
CREATE POLICY own ON automl.schedules USING (automl_internal._member_of(current_user, owner))
  WITH CHECK (owner = current_user);
