-- Privileges: nothing for PUBLIC; the four roles get what they need (docs/security.md).
--
-- Every release runs this file again (install and upgrade alike): it first takes
-- back everything PUBLIC and the four roles hold on the extension's objects, then
-- grants the release's set, so an upgraded database ends with exactly the rights a
-- new one has. Rights a DBA granted to other roles are left alone.

REVOKE ALL ON ALL TABLES IN SCHEMA automl FROM PUBLIC, automl_reader, automl_user, automl_admin, automl_worker;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA automl FROM PUBLIC, automl_reader, automl_user, automl_admin, automl_worker;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA automl, automl_internal
  FROM PUBLIC, automl_reader, automl_user, automl_admin, automl_worker;
REVOKE ALL ON SCHEMA automl, automl_internal FROM PUBLIC;
GRANT USAGE ON SCHEMA automl, automl_internal TO automl_reader, automl_worker;

-- GRANT EXECUTE on every overload of each named function (install-time helper).
CREATE FUNCTION automl_internal._grant_execute(role name, names text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
            WHERE p.pronamespace IN ('automl'::regnamespace, 'automl_internal'::regnamespace)
              AND p.proname = ANY (names) LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, role);
  END LOOP;
END
$$;

-- automl_reader: predict and read what is shared with it.
GRANT SELECT ON automl.projects, automl.models, automl.deployments, automl.deployed_models,
                automl.trials, automl.prediction_log, automl.project_grants, automl.role_limits TO automl_reader;
SELECT automl_internal._grant_execute('automl_reader', ARRAY[
    '_can',
    '_can_job',
    '_curve_points',
    '_deployment_state',
    '_evaluation_of',
    '_job_exists',
    '_member_of',
    '_metric_higher_is_better',
    '_model_exists',
    '_model_project',
    '_project_exists',
    '_projects_for',
    '_require',
    '_require_primary',
    '_require_read',
    '_render_report',
    '_sees_all',
    'calibration_curve',
    'coefficients',
    'confusion_matrix',
    'explain',
    'feature_importance',
    'predict',
    'predict_label',
    'predict_batch',
    'predict_model',
    'predict_proba',
    'predict_proba_batch',
    'prediction_log_status',
    'pr_curve',
    'report',
    'residuals',
    'roc_curve',
    'tag']);
-- The role-taking rules answer for anyone: the worker and the owner only. Tenants
-- call the overloads that decide for the calling role.
REVOKE EXECUTE ON FUNCTION automl_internal._sees_all(name), automl_internal._can(text, text, name),
  automl_internal._projects_for(name, text), automl_internal._can_job(bigint, name)
  FROM automl_reader, automl_user;

-- automl_user: train, deploy, share and manage its own projects.
GRANT SELECT, INSERT ON automl.jobs TO automl_user;
-- cancel and retry lock and update the caller's own jobs; never who submitted them or what.
GRANT UPDATE (status, attempts, run_after, cancel_requested, lease, worker, heartbeat_at, progress, message,
              error, result, started_at, finished_at) ON automl.jobs TO automl_user;
-- import_model creates the project it imports into. Models and deployments are
-- written only through _insert_model and _insert_deployment (and by the worker).
GRANT USAGE ON SEQUENCE automl.jobs_id_seq, automl.projects_id_seq TO automl_user;
GRANT INSERT (name, task, target, metric) ON automl.projects TO automl_user;
GRANT UPDATE (log_sample_rate) ON automl.projects TO automl_user;
GRANT INSERT (project, grantee, privilege), UPDATE (privilege, granted_by, granted_at), DELETE
  ON automl.project_grants TO automl_user;
GRANT SELECT ON automl.workers TO automl_user;
-- Queue controls: everyone who submits sees the queue (its own jobs, via
-- security_invoker) and whether it is paused; schedules are each owner's own rows.
GRANT SELECT ON automl.queue_status, automl.queue_pauses TO automl_user;
GRANT SELECT, INSERT, UPDATE (cron, project, overrides, cron_job_id, created_at), DELETE ON automl.schedules
  TO automl_user;
-- Webhooks: a tenant creates (create_webhook), reads and drops its own endpoints. Their
-- secret column is nobody's to read: automl.webhooks shows every other column.
GRANT SELECT (id, project, url, events, has_secret, max_attempts, owner, created_at),
      INSERT (project, url, events, secret, max_attempts), DELETE ON automl.webhook_endpoints TO automl_user;
GRANT SELECT ON automl.webhooks, automl.webhook_deliveries TO automl_user;
GRANT USAGE ON SEQUENCE automl.webhook_endpoints_id_seq TO automl_user;
SELECT automl_internal._grant_execute('automl_user', ARRAY[
    '_check_feature_columns',
    '_check_outbound_url',
    '_check_split_column',
    '_check_training_query',
    '_column_category',
    '_deployments_changed',
    '_deployments_check',
    '_check_job_kind',
    '_describe',
    '_describe_columns',
    '_drift',
    '_drift_category',
    '_drift_numeric',
    '_drift_thresholds',
    '_describe_report',
    '_design_include_rows',
    '_design_model',
    '_insert_deployment',
    '_insert_model',
    '_is_finite',
    '_job_lock_key',
    '_job_lock_space',
    '_jobs_before_insert',
    '_linear_analysis',
    '_linear_analysis_summary',
    '_linear_analysis_terms',
    '_linear_fit',
    '_jobs_notify',
    '_loading_verbatim',
    '_lock_job',
    '_model_summary',
    '_models_of_project',
    '_normalize_job_spec',
    '_pareto_front',
    '_pareto_ranks',
    '_prediction_log_check',
    '_prepare_job',
    '_psi',
    '_queue_paused',
    '_record_deployment',
    '_relation_in_caller_path',
    '_resolve_import_table',
    '_require_admin',
    '_require_pg_cron',
    '_resolve_training_relation',
    '_retrain_job_keys',
    '_role_lock_space',
    '_same_features',
    '_sample_charts',
    '_submit_unique',
    '_text_array_option',
    '_webhook_event_names',
    '_webhook_exists',
    '_webhook_visible',
    'cancel',
    'create_webhook',
    'deploy',
    'deploy_shadow',
    'deploy_split',
    'describe',
    'describe_report',
    'design',
    'drift',
    'drop_webhook',
    'export_model',
    'grant_project',
    'import_csv',
    'import_model',
    'linear_analysis',
    'linear_analysis_summary',
    'pareto_front',
    'retrain',
    'retry',
    'revoke_project',
    'schedule',
    'set_logging',
    'train',
    'unschedule',
    'wait']);

-- automl_admin: everything, on every project.
GRANT ALL ON ALL TABLES IN SCHEMA automl TO automl_admin;
GRANT ALL ON ALL SEQUENCES IN SCHEMA automl TO automl_admin;
REVOKE ALL ON automl.webhook_endpoints FROM automl_admin;  -- the secrets: admins have automl_user's columns
GRANT EXECUTE ON FUNCTION automl.prune_jobs(interval), automl.prune_prediction_log(interval),
  automl.prune_webhook_deliveries(interval),
  automl.set_role_limits(name, integer, integer),
  automl.pause_queue(text), automl.resume_queue(text),
  automl.shared_model_cache_status() TO automl_admin;

-- automl_worker: the queue functions and the tables they write; nothing to predict with.
-- It reads training data as the submitter: GRANT each submitting role TO the worker's login.
GRANT SELECT, INSERT, UPDATE, DELETE ON automl.jobs, automl.workers, automl.models, automl.deployments,
                                        automl.projects, automl.trials TO automl_worker;
GRANT SELECT ON automl.project_grants, automl.deployed_models, automl.role_limits, automl.queue_pauses
  TO automl_worker;
GRANT SELECT, INSERT, UPDATE ON automl.submitter_turns TO automl_worker;
GRANT SELECT (id, project, url, events, has_secret, max_attempts, owner, created_at) ON automl.webhook_endpoints
  TO automl_worker;
GRANT SELECT ON automl.webhooks TO automl_worker;
GRANT SELECT, UPDATE ON automl.webhook_deliveries TO automl_worker;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA automl TO automl_worker;
SELECT automl_internal._grant_execute('automl_worker', ARRAY[
    '_can',
    '_can_job',
    '_check_outbound_url',
    '_claim_job',
    '_claim_webhook_delivery',
    '_complete_train_job',
    '_deployments_changed',
    '_deployments_check',
    '_fail_job',
    '_finish_job',
    '_heartbeat',
    '_hold_job_lock',
    '_import_begin',
    '_import_finish',
    '_import_rows',
    '_insert_deployment',
    '_job_lock_key',
    '_job_lock_space',
    '_lock_claimed_job',
    '_member_of',
    '_metric_higher_is_better',
    '_model_exists',
    '_model_summary',
    '_models_of_project',
    '_normalize_job_spec',
    '_project_exists',
    '_projects_for',
    '_queue_paused',
    '_record_deployment',
    '_record_webhook_attempt',
    '_register_worker',
    '_release_job',
    '_require_primary',
    '_require_read',
    '_rescue_stale_jobs',
    '_role_lock_space',
    '_same_features',
    '_sees_all',
    '_succeed_job',
    '_training_rows',
    '_training_shape',
    '_unregister_worker',
    '_webhook_secret',
    '_webhook_visible',
    '_worker_alive',
    '_worker_seen']);

DROP FUNCTION automl_internal._grant_execute(name, text[]);  -- install-time only
