-- Backups: pg_dump saves every table of user state, and the sequences. Without
-- these, pg_dump skips the rows of an extension's tables. automl.workers is left
-- out: its rows describe processes, which a restore does not bring back. Schedules
-- come back with pg_cron's own cron.job rows (pg_cron dumps those).
-- (One call per statement: each updates the extension's catalogue row.)
DO $$
DECLARE
  t regclass;
BEGIN
  FOREACH t IN ARRAY ARRAY['automl.projects', 'automl.jobs', 'automl.models', 'automl.trials', 'automl.deployments',
                           'automl.prediction_log', 'automl.project_grants', 'automl.role_limits',
                           'automl.submitter_turns', 'automl.projects_id_seq', 'automl.jobs_id_seq',
                           'automl.models_id_seq', 'automl.deployments_id_seq', 'automl.job_leases',
                           'automl.webhook_endpoints', 'automl.webhook_deliveries',
                           'automl.webhook_endpoints_id_seq', 'automl.webhook_deliveries_id_seq',
                           'automl.queue_pauses', 'automl.schedules']::regclass[] LOOP
    PERFORM pg_catalog.pg_extension_config_dump(t, '');
  END LOOP;
END
$$;
