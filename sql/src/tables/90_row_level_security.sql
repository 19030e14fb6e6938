-- Row-level security on every table of tenant state; the policies that open it
-- (sql/src/policies) are created once the access-rule functions exist.
ALTER TABLE automl.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.models ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.deployments ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.trials ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.prediction_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.project_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.role_limits ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE automl.schedules ENABLE ROW LEVEL SECURITY;
