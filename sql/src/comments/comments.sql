-- pg_automl — descriptions of the public surface, so that psql's \df+, \dt+ and \d+
-- document every public function, table, view and column. Internal functions
-- (schema automl_internal) are left without: they are not for users. Kept apart from the
-- definitions so that one file reads as the reference a psql user sees; every new
-- public object gets its line here (tests/sql/comments.sql lists the ones missing).

------------------------------------------------------------------------------
-- Tables and views
------------------------------------------------------------------------------

COMMENT ON TABLE automl.projects IS
  'One row per project, created by its first successful training job: its task, target, metric, owner and logging rate.';
COMMENT ON COLUMN automl.projects.id IS 'Surrogate key of the project.';
COMMENT ON COLUMN automl.projects.name IS 'The project''s name, as passed to automl.train and every predict function.';
COMMENT ON COLUMN automl.projects.task IS 'classification, regression or tagging; every model of the project has this task.';
COMMENT ON COLUMN automl.projects.target IS 'The column the project''s models predict.';
COMMENT ON COLUMN automl.projects.metric IS 'The metric that decides deploy => ''if_better'' and automl.deploy(project, ''best_score'') (f1, r2, entity_f1, …).';
COMMENT ON COLUMN automl.projects.log_sample_rate IS 'Share of predict calls written to automl.prediction_log, 0 to 1 (automl.set_logging; 0: off).';
COMMENT ON COLUMN automl.projects.owner IS 'The role that owns the project; it and its members may manage and share it.';
COMMENT ON COLUMN automl.projects.created_by IS 'The role whose job created the project.';
COMMENT ON COLUMN automl.projects.created_at IS 'When the project was created.';

COMMENT ON TABLE automl.jobs IS
  'The job queue and its history: insert a row (or call automl.train) and a worker runs it; automl.wait blocks until it ends.';
COMMENT ON COLUMN automl.jobs.id IS 'Job id, returned by automl.train; pass it to automl.wait, automl.cancel, automl.retry.';
COMMENT ON COLUMN automl.jobs.kind IS 'What the job does: train (noop for queue tests).';
COMMENT ON COLUMN automl.jobs.project IS 'The project the job trains for (created by its first successful job).';
COMMENT ON COLUMN automl.jobs.spec IS 'The job''s parameters as jsonb, validated and completed with defaults at INSERT (relation, target, algorithm, …).';
COMMENT ON COLUMN automl.jobs.status IS 'queued, running, succeeded, failed or cancelled; the last three are final.';
COMMENT ON COLUMN automl.jobs.priority IS 'Lower runs first (then the oldest, submitters taking turns); below 0 only for automl_admin.';
COMMENT ON COLUMN automl.jobs.attempts IS 'How many times a worker has started the job.';
COMMENT ON COLUMN automl.jobs.max_attempts IS 'Attempts before a retryable failure makes the job failed (1 to 100, default 3).';
COMMENT ON COLUMN automl.jobs.run_after IS 'Not started before this time; a retry moves it forward by an exponential backoff.';
COMMENT ON COLUMN automl.jobs.progress IS 'How far the running job is, from 0 to 1.';
COMMENT ON COLUMN automl.jobs.message IS 'What the job is doing now, in words (e.g. trials done).';
COMMENT ON COLUMN automl.jobs.error IS 'The last attempt''s error message, when it failed.';
COMMENT ON COLUMN automl.jobs.errors IS 'Every failed attempt, as a jsonb array of {attempt, worker, at, error}.';
COMMENT ON COLUMN automl.jobs.result IS 'What a succeeded job produced, as jsonb: for train, model_id, version, metrics, deployed, task, rows, timings, ….';
COMMENT ON COLUMN automl.jobs.worker IS 'The name of the worker that runs or ran the job.';
COMMENT ON COLUMN automl.jobs.heartbeat_at IS 'The running job''s worker''s last sign of life; a job silent longer than --rescue-after is queued again.';
COMMENT ON COLUMN automl.jobs.cancel_requested IS 'true once automl.cancel asked the worker to stop the running job.';
COMMENT ON COLUMN automl.jobs.lease IS 'Fencing token of the current claim: only the worker holding it can finish the job.';
COMMENT ON COLUMN automl.jobs.created_by IS 'The role that submitted the job; the training data is read with its privileges.';
COMMENT ON COLUMN automl.jobs.created_at IS 'When the job was queued.';
COMMENT ON COLUMN automl.jobs.started_at IS 'When the current or last attempt started.';
COMMENT ON COLUMN automl.jobs.finished_at IS 'When the job reached succeeded, failed or cancelled.';
COMMENT ON COLUMN automl.jobs.search_path IS 'The submitter''s search_path when the job was queued; the training query''s names resolve in it.';

COMMENT ON TABLE automl.workers IS
  'One row per automl-worker process that is alive (or died without saying goodbye: see last_seen).';
COMMENT ON COLUMN automl.workers.id IS 'The worker''s --name (default host:pid).';
COMMENT ON COLUMN automl.workers.host IS 'The host the worker runs on.';
COMMENT ON COLUMN automl.workers.pid IS 'The worker''s process id on its host.';
COMMENT ON COLUMN automl.workers.started_at IS 'When the worker started.';
COMMENT ON COLUMN automl.workers.last_seen IS 'The worker''s last heartbeat.';
COMMENT ON COLUMN automl.workers.concurrency IS 'How many jobs the worker runs at once (--concurrency).';
COMMENT ON COLUMN automl.workers.version IS 'The worker''s version.';

COMMENT ON TABLE automl.models IS
  'One row per trained or imported model, with its metrics and the model file predict serves; rows never change once written.';
COMMENT ON COLUMN automl.models.id IS 'Model id, for automl.deploy, automl.predict_model, automl.export_model, ….';
COMMENT ON COLUMN automl.models.project IS 'The project''s name.';
COMMENT ON COLUMN automl.models.version IS 'The model''s number within its project: 1, 2, … in creation order.';
COMMENT ON COLUMN automl.models.algorithm IS 'linear, ridge, lasso, elastic_net, logistic, xgboost, random_forest, ensemble (an average of those) or crf.';
COMMENT ON COLUMN automl.models.task IS 'classification, regression or tagging.';
COMMENT ON COLUMN automl.models.hyperparams IS 'The hyper-parameters the model was fitted with, defaults filled in (jsonb).';
COMMENT ON COLUMN automl.models.metrics IS 'Scores on the held-out test split (accuracy, f1, roc_auc, r2, rmse, entity_f1, …; cv with folds), and feature_importance.';
COMMENT ON COLUMN automl.models.feature_names IS 'The input columns, in the order of a positional float8[] passed to predict.';
COMMENT ON COLUMN automl.models.feature_version IS 'Hash of the input schema and the encoded features: models with the same one take the same rows.';
COMMENT ON COLUMN automl.models.target IS 'The column the model predicts.';
COMMENT ON COLUMN automl.models.classes IS 'A classifier''s labels, in the order of predict_proba''s array (NULL for regressors).';
COMMENT ON COLUMN automl.models.format_version IS 'Version of the model file format (docs/model-format.md).';
COMMENT ON COLUMN automl.models.model IS 'The model file: preprocessing, estimator and feature schema (docs/model-format.md).';
COMMENT ON COLUMN automl.models.size_bytes IS 'Size of the model file in bytes.';
COMMENT ON COLUMN automl.models.job_id IS 'The job that trained the model (NULL when imported, or once the job was pruned); one model per job.';
COMMENT ON COLUMN automl.models.info IS 'More about the training run (jsonb): rows read and used, timings, search summary.';
COMMENT ON COLUMN automl.models.created_by IS 'The role that submitted the job or imported the model.';
COMMENT ON COLUMN automl.models.created_at IS 'When the model was stored.';
COMMENT ON COLUMN automl.models.evaluation IS 'The numbers behind the model''s report, from the rows its metrics come from: confusion matrix, ROC and precision-recall curves, calibration, residuals, feature importance, the training data''s profile (docs/report-documents.md). NULL for models trained before 0.2.0.';

COMMENT ON TABLE automl.trials IS
  'Every configuration a hyper-parameter search (search => grid, random or auto) tried, with its validation score.';
COMMENT ON COLUMN automl.trials.job_id IS 'The search''s job.';
COMMENT ON COLUMN automl.trials.trial IS 'The trial''s number within the job, from 1.';
COMMENT ON COLUMN automl.trials.algorithm IS 'The algorithm the trial fitted.';
COMMENT ON COLUMN automl.trials.hyperparams IS 'The hyper-parameters the trial fitted (jsonb).';
COMMENT ON COLUMN automl.trials.metric IS 'The metric value is measured in (the job''s metric).';
COMMENT ON COLUMN automl.trials.value IS 'Validation score on the training split (the mean over folds when folds > 1); NULL if the trial failed.';
COMMENT ON COLUMN automl.trials.std IS 'Standard deviation of the score over folds (NULL without folds).';
COMMENT ON COLUMN automl.trials.seconds IS 'Wall-clock seconds the trial took.';
COMMENT ON COLUMN automl.trials.rows IS 'Training rows the trial saw (searches sample at most 20,000).';
COMMENT ON COLUMN automl.trials.status IS 'ok or failed.';
COMMENT ON COLUMN automl.trials.error IS 'Why the trial failed (NULL when ok).';

COMMENT ON TABLE automl.deployments IS
  'Deployment history: the newest row per project says what serves it (automl.deploy, deploy_split, deploy_shadow).';
COMMENT ON COLUMN automl.deployments.id IS 'Deployment id, in order of deployment.';
COMMENT ON COLUMN automl.deployments.project IS 'The project''s name.';
COMMENT ON COLUMN automl.deployments.model_id IS 'The model that serves (a split''s first arm).';
COMMENT ON COLUMN automl.deployments.strategy IS 'How it was chosen: job:if_better, job:always, best_score, most_recent, rollback, manual, split, shadow or unshadow.';
COMMENT ON COLUMN automl.deployments.previous_id IS 'The deployment a rollback from this one returns to.';
COMMENT ON COLUMN automl.deployments.arms IS 'An A/B split as jsonb, [{"model_id": …, "weight": …}, …] with weights summing to 1; NULL: model_id alone.';
COMMENT ON COLUMN automl.deployments.shadow_model_id IS 'The shadow model: runs beside on every predict call and never answers (NULL: none).';
COMMENT ON COLUMN automl.deployments.deployed_by IS 'The role that deployed.';
COMMENT ON COLUMN automl.deployments.deployed_at IS 'When the deployment was made.';

COMMENT ON VIEW automl.deployed_models IS
  'What serves each project now: one row per project, the newest deployment with its model''s algorithm, task and metrics.';
COMMENT ON COLUMN automl.deployed_models.project IS 'The project''s name.';
COMMENT ON COLUMN automl.deployed_models.model_id IS 'The model that serves (a split''s first arm).';
COMMENT ON COLUMN automl.deployed_models.algorithm IS 'The serving model''s algorithm.';
COMMENT ON COLUMN automl.deployed_models.task IS 'The serving model''s task.';
COMMENT ON COLUMN automl.deployed_models.metrics IS 'The serving model''s test-split metrics (jsonb).';
COMMENT ON COLUMN automl.deployed_models.strategy IS 'How the deployment was chosen (see automl.deployments.strategy).';
COMMENT ON COLUMN automl.deployed_models.deployed_at IS 'When it was deployed.';
COMMENT ON COLUMN automl.deployed_models.arms IS 'The A/B split, [{"model_id": …, "weight": …}, …]; NULL without a split.';
COMMENT ON COLUMN automl.deployed_models.shadow_model_id IS 'The shadow model, NULL without one.';

COMMENT ON TABLE automl.prediction_log IS
  'Sampled predict calls (automl.set_logging) with their inputs and outputs, and the shadow model''s output for the same calls.';
COMMENT ON COLUMN automl.prediction_log.logged_at IS 'When the call was made.';
COMMENT ON COLUMN automl.prediction_log.project IS 'The project called.';
COMMENT ON COLUMN automl.prediction_log.model_id IS 'The model that produced this row''s prediction.';
COMMENT ON COLUMN automl.prediction_log.shadow IS 'true for the shadow model''s output, false for the answer the caller got.';
COMMENT ON COLUMN automl.prediction_log.arm IS 'The A/B split arm that answered, from 1; NULL without a split.';
COMMENT ON COLUMN automl.prediction_log.call_id IS 'Shared by the rows of one call (served and shadow): join on it to compare them.';
COMMENT ON COLUMN automl.prediction_log.function_name IS 'predict, predict_label or predict_proba.';
COMMENT ON COLUMN automl.prediction_log.features IS 'The call''s inputs as jsonb, {input name: value}.';
COMMENT ON COLUMN automl.prediction_log.prediction IS 'The output as jsonb: a number (predict), a label (predict_label) or {label: probability} (predict_proba).';

COMMENT ON TABLE automl.project_grants IS
  'Who else may use a project (automl.grant_project): predict (predict and read its rows) or manage (also train, deploy, export, share).';
COMMENT ON COLUMN automl.project_grants.project IS 'The project shared.';
COMMENT ON COLUMN automl.project_grants.grantee IS 'The role it is shared with (and that role''s members).';
COMMENT ON COLUMN automl.project_grants.privilege IS 'predict or manage.';
COMMENT ON COLUMN automl.project_grants.granted_by IS 'The role that shared it.';
COMMENT ON COLUMN automl.project_grants.granted_at IS 'When it was shared.';

COMMENT ON TABLE automl.role_limits IS
  'Per-role limits on running and queued jobs (automl.set_role_limits); a role without a row has none.';
COMMENT ON COLUMN automl.role_limits.role IS 'The submitting role limited.';
COMMENT ON COLUMN automl.role_limits.max_running IS 'At most this many of the role''s jobs run at once; NULL: no limit.';
COMMENT ON COLUMN automl.role_limits.max_queued IS 'At most this many of the role''s jobs wait (an INSERT beyond fails with 54000); NULL: no limit.';
COMMENT ON COLUMN automl.role_limits.set_by IS 'The automl_admin who set the limits.';
COMMENT ON COLUMN automl.role_limits.set_at IS 'When the limits were set.';

COMMENT ON TABLE automl.submitter_turns IS
  'Round-robin state of claiming: at equal priority, the submitter whose job was claimed longest ago goes next.';
COMMENT ON COLUMN automl.submitter_turns.role IS 'A submitting role.';
COMMENT ON COLUMN automl.submitter_turns.last_claimed_at IS 'When a job of the role was last claimed.';

COMMENT ON TABLE automl.webhook_endpoints IS
  'Webhook endpoints (automl.create_webhook); read them through automl.webhooks: the secret column is nobody''s to select.';
COMMENT ON COLUMN automl.webhook_endpoints.id IS 'Webhook id, returned by automl.create_webhook; pass it to automl.drop_webhook.';
COMMENT ON COLUMN automl.webhook_endpoints.project IS 'The project whose events the endpoint hears.';
COMMENT ON COLUMN automl.webhook_endpoints.url IS 'Where deliveries are posted, normalised; checked again before every delivery.';
COMMENT ON COLUMN automl.webhook_endpoints.events IS 'Subscribed events: job.succeeded, job.failed, job.cancelled, model.deployed.';
COMMENT ON COLUMN automl.webhook_endpoints.secret IS 'HMAC-SHA256 key of X-Automl-Signature-256; read only by the worker, through an internal function.';
COMMENT ON COLUMN automl.webhook_endpoints.has_secret IS 'Whether deliveries are signed (a secret was given).';
COMMENT ON COLUMN automl.webhook_endpoints.max_attempts IS 'Attempts per delivery before it is failed (1 to 100).';
COMMENT ON COLUMN automl.webhook_endpoints.owner IS 'The role that created the endpoint; it and its members see, drop and read its deliveries.';
COMMENT ON COLUMN automl.webhook_endpoints.created_at IS 'When the endpoint was created.';

COMMENT ON VIEW automl.webhooks IS
  'Your webhook endpoints, without their secrets: id, project, url, events, has_secret, max_attempts, owner, created_at.';
COMMENT ON COLUMN automl.webhooks.id IS 'Webhook id, returned by automl.create_webhook; pass it to automl.drop_webhook.';
COMMENT ON COLUMN automl.webhooks.project IS 'The project whose events the endpoint hears.';
COMMENT ON COLUMN automl.webhooks.url IS 'Where deliveries are posted, normalised; checked again before every delivery.';
COMMENT ON COLUMN automl.webhooks.events IS 'Subscribed events: job.succeeded, job.failed, job.cancelled, model.deployed.';
COMMENT ON COLUMN automl.webhooks.has_secret IS 'Whether deliveries are signed (X-Automl-Signature-256); the secret itself is never shown.';
COMMENT ON COLUMN automl.webhooks.max_attempts IS 'Attempts per delivery before it is failed (1 to 100).';
COMMENT ON COLUMN automl.webhooks.owner IS 'The role that created the endpoint.';
COMMENT ON COLUMN automl.webhooks.created_at IS 'When the endpoint was created.';

COMMENT ON TABLE automl.webhook_deliveries IS
  'The webhook outbox: one row per event and endpoint, written with the event, posted by a worker after commit.';
COMMENT ON COLUMN automl.webhook_deliveries.id IS 'Delivery id, sent as X-Automl-Delivery and delivery_id: the same at every attempt.';
COMMENT ON COLUMN automl.webhook_deliveries.webhook_id IS 'The endpoint (automl.webhooks.id).';
COMMENT ON COLUMN automl.webhook_deliveries.event IS 'job.succeeded, job.failed, job.cancelled or model.deployed (X-Automl-Event).';
COMMENT ON COLUMN automl.webhook_deliveries.payload IS 'The POST body, the same bytes at every attempt.';
COMMENT ON COLUMN automl.webhook_deliveries.status IS 'pending, delivering (a worker is posting it), delivered or failed (after max_attempts).';
COMMENT ON COLUMN automl.webhook_deliveries.attempts IS 'Attempts made so far.';
COMMENT ON COLUMN automl.webhook_deliveries.next_attempt_at IS 'When a pending delivery is due; failed attempts back off exponentially with jitter.';
COMMENT ON COLUMN automl.webhook_deliveries.claimed_until IS 'While delivering: when the worker''s claim expires and another worker may try again.';
COMMENT ON COLUMN automl.webhook_deliveries.last_status_code IS 'HTTP status of the last attempt; NULL when there was no response.';
COMMENT ON COLUMN automl.webhook_deliveries.last_error IS 'Why the last attempt failed (status, timeout, refused URL); NULL once delivered.';
COMMENT ON COLUMN automl.webhook_deliveries.delivered_at IS 'When a 2xx response was received.';
COMMENT ON COLUMN automl.webhook_deliveries.created_at IS 'When the event happened (the transaction that wrote it).';

------------------------------------------------------------------------------
-- Training and the queue
------------------------------------------------------------------------------

COMMENT ON FUNCTION automl.train(text, text, text, text, text, jsonb, text, jsonb, text, double precision, integer,
                                 interval, text, integer, bigint, timestamp with time zone, integer, jsonb, boolean, text, text, text) IS
  'Queues a training job on a table, view or SELECT and returns its id (with unique_key: the caller''s queued or running job of that key, if any); a worker trains, evaluates on held-out rows (test_size at random, or where split_column is true), refits on every row and deploys if better.';
COMMENT ON FUNCTION automl.wait(bigint, interval) IS
  'Blocks until the job is succeeded, failed or cancelled and returns its automl.jobs row; raises 55000 after timeout (default 10 min).';
COMMENT ON FUNCTION automl.cancel(bigint) IS
  'Cancels a job: a queued one at once, a running one within 2 s (its worker stops). false when it had already finished.';
COMMENT ON FUNCTION automl.retry(bigint) IS
  'Puts a failed or cancelled job back in the queue with fresh attempts, keeping its error history; false for other states.';
COMMENT ON FUNCTION automl.prune_jobs(interval) IS
  'Deletes succeeded, failed and cancelled jobs finished longer ago than the interval and returns how many; models stay.';
COMMENT ON FUNCTION automl.set_role_limits(name, integer, integer) IS
  'automl_admin only: at most max_running running and max_queued queued jobs of a role (NULL: no limit); returns its automl.role_limits row.';

------------------------------------------------------------------------------
-- Deployments and logging
------------------------------------------------------------------------------

COMMENT ON FUNCTION automl.deploy(text, text) IS
  'Deploys a model of the project by strategy: best_score (the project''s metric), most_recent or rollback (repeatable); returns the model id.';
COMMENT ON FUNCTION automl.deploy(text, bigint) IS
  'Deploys the given model of the project; every session serves it from its next statement. Returns the model id.';
COMMENT ON FUNCTION automl.deploy_split(text, bigint[], double precision[]) IS
  'A/B split: 2 to 8 models of the project serve at random by weight (normalised to sum 1), or by a hash of predict''s split_key; returns the first arm''s id.';
COMMENT ON FUNCTION automl.deploy_shadow(text, bigint) IS
  'Runs the model beside what serves on every predict call, never answering; its outputs are logged with the served ones. NULL removes it.';
COMMENT ON FUNCTION automl.set_logging(text, double precision) IS
  'Logs this share (0 to 1; 0: off) of the project''s predict calls to automl.prediction_log; needs shared_preload_libraries and automl.log_database.';
COMMENT ON FUNCTION automl.prediction_log_status() IS
  'Whether this session can log predictions, the logger''s database and pid, and the shared queue''s bytes and counters (enqueued, written, dropped) since server start.';
COMMENT ON FUNCTION automl.prune_prediction_log(interval) IS
  'Deletes automl.prediction_log rows logged longer ago than the interval and returns how many.';
COMMENT ON FUNCTION automl.create_webhook(text, text, text[], text, integer) IS
  'Posts the project''s events (job.succeeded, job.failed, job.cancelled, model.deployed) to a URL, signed with the secret; needs manage.';
COMMENT ON FUNCTION automl.drop_webhook(bigint) IS
  'Drops one of your webhook endpoints and its deliveries; returns true.';
COMMENT ON FUNCTION automl.grant_project(text, name, text) IS
  'Shares a project with a role: predict (predict and read its rows) or manage (also train, deploy, export, share); needs manage.';
COMMENT ON FUNCTION automl.revoke_project(text, name) IS
  'Takes back what automl.grant_project gave the role on the project; false when it had nothing.';

------------------------------------------------------------------------------
-- Inference, inside the backend
------------------------------------------------------------------------------

COMMENT ON FUNCTION automl.predict(text, double precision[]) IS
  'Predicts with the project''s deployed model from positional features (automl.models.feature_names order): the value, or a classifier''s class (its index for text labels).';
COMMENT ON FUNCTION automl.predict(text, real[]) IS
  'Predicts with the project''s deployed model from positional features (automl.models.feature_names order), like the float8[] form.';
COMMENT ON FUNCTION automl.predict(text, numeric[]) IS
  'Predicts with the project''s deployed model from positional features (automl.models.feature_names order), like the float8[] form.';
COMMENT ON FUNCTION automl.predict(text, integer[]) IS
  'Predicts with the project''s deployed model from positional features (automl.models.feature_names order), like the float8[] form.';
COMMENT ON FUNCTION automl.predict(text, bigint[]) IS
  'Predicts with the project''s deployed model from positional features (automl.models.feature_names order), like the float8[] form.';
COMMENT ON FUNCTION automl.predict(text, jsonb) IS
  'Predicts with the project''s deployed model from named features, {input column: value} (null is imputed): the value, or a classifier''s class.';
COMMENT ON FUNCTION automl.predict(text, anyelement) IS
  'Predicts with the project''s deployed model from a table row or composite, its columns matched by name (others ignored).';
COMMENT ON FUNCTION automl.predict(text, double precision[], text) IS
  'Predicts from positional features; under an A/B split the arm is chosen by a hash of split_key, so one user always meets one model.';
COMMENT ON FUNCTION automl.predict_batch(text, double precision[]) IS
  'Predicts every row of a float8[][] (one row per prediction, features in automl.models.feature_names order) in one call; element i is what automl.predict answers for row i.';
COMMENT ON FUNCTION automl.predict_proba_batch(text, double precision[]) IS
  'Class probabilities of every row of a float8[][] in one call: a rows × classes float8[][], classes in automl.models.classes order.';
COMMENT ON FUNCTION automl.shared_model_cache_status() IS
  'The server''s shared caches: parsed models (on or not, models, bytes, capacity; since start the files parsed, images loaded instead, evictions; images served in place, which are not evicted) and deployments per role (current entries, hits, stores).';
COMMENT ON FUNCTION automl.predict(text, jsonb, text) IS
  'Predicts from named features; under an A/B split the arm is chosen by a hash of split_key, so one user always meets one model.';

COMMENT ON FUNCTION automl.predict_proba(text, double precision[]) IS
  'Class probabilities of the project''s deployed classifier for positional features, in automl.models.classes order.';
COMMENT ON FUNCTION automl.predict_proba(text, real[]) IS
  'Class probabilities of the project''s deployed classifier for positional features, in automl.models.classes order.';
COMMENT ON FUNCTION automl.predict_proba(text, numeric[]) IS
  'Class probabilities of the project''s deployed classifier for positional features, in automl.models.classes order.';
COMMENT ON FUNCTION automl.predict_proba(text, integer[]) IS
  'Class probabilities of the project''s deployed classifier for positional features, in automl.models.classes order.';
COMMENT ON FUNCTION automl.predict_proba(text, bigint[]) IS
  'Class probabilities of the project''s deployed classifier for positional features, in automl.models.classes order.';
COMMENT ON FUNCTION automl.predict_proba(text, jsonb) IS
  'Class probabilities of the project''s deployed classifier for named features {input column: value}, in automl.models.classes order.';
COMMENT ON FUNCTION automl.predict_proba(text, anyelement) IS
  'Class probabilities of the project''s deployed classifier for a table row or composite (columns matched by name), in automl.models.classes order.';
COMMENT ON FUNCTION automl.predict_proba(text, jsonb, text) IS
  'Class probabilities for named features; under an A/B split the arm is chosen by a hash of split_key.';

COMMENT ON FUNCTION automl.predict_label(text, double precision[]) IS
  'The class label, as text, that the project''s deployed classifier predicts for positional features.';
COMMENT ON FUNCTION automl.predict_label(text, real[]) IS
  'The class label, as text, that the project''s deployed classifier predicts for positional features.';
COMMENT ON FUNCTION automl.predict_label(text, numeric[]) IS
  'The class label, as text, that the project''s deployed classifier predicts for positional features.';
COMMENT ON FUNCTION automl.predict_label(text, integer[]) IS
  'The class label, as text, that the project''s deployed classifier predicts for positional features.';
COMMENT ON FUNCTION automl.predict_label(text, bigint[]) IS
  'The class label, as text, that the project''s deployed classifier predicts for positional features.';
COMMENT ON FUNCTION automl.predict_label(text, jsonb) IS
  'The class label, as text, that the project''s deployed classifier predicts for named features {input column: value}.';
COMMENT ON FUNCTION automl.predict_label(text, anyelement) IS
  'The class label, as text, that the project''s deployed classifier predicts for a table row or composite (columns matched by name).';
COMMENT ON FUNCTION automl.predict_label(text, jsonb, text) IS
  'The class label for named features; under an A/B split the arm is chosen by a hash of split_key.';

COMMENT ON FUNCTION automl.predict_model(bigint, double precision[]) IS
  'Predicts with the given model, deployed or not, from positional features (its feature_names order).';
COMMENT ON FUNCTION automl.explain(text, jsonb) IS
  'Why the deployed model answers what it does for named features: per-input and per-encoded-feature contributions (coefficients or TreeSHAP) that sum with bias to raw_score.';
COMMENT ON FUNCTION automl.explain(text, anyelement) IS
  'Why the deployed model answers what it does for a table row (columns matched by name): contributions per input, summing with bias to raw_score.';
COMMENT ON FUNCTION automl.tag(text, text) IS
  'Tags a short text split on spaces with the project''s CRF: tokens, tags, components and the sequence''s probability (jsonb); the respirator rules without a model.';
COMMENT ON FUNCTION automl.tag(text, text[]) IS
  'Tags each text of the array like automl.tag(project, text); returns a jsonb array of results in order (null for NULL elements).';
COMMENT ON FUNCTION automl.coefficients(bigint) IS
  'A linear model''s weights per encoded feature (age, city=oslo, signup.year, …, in scaled space) and (intercept), one set per output.';

------------------------------------------------------------------------------
-- Models in and out, data profiling
------------------------------------------------------------------------------

COMMENT ON FUNCTION automl.export_model(bigint) IS
  'The model as a self-contained jsonb document (catalogue row and model file) that automl.import_model reads.';
COMMENT ON FUNCTION automl.import_model(text, jsonb) IS
  'Checks an exported model and adds it to the project (created if needed) as its next version, not deployed; returns the new model id.';
COMMENT ON FUNCTION automl.describe(text, bigint) IS
  'Profiles a table, view or SELECT: one row per column with rows, nulls, distinct values, mean, stddev, min, quartiles, max and top values (from a sample above sample_rows rows).';
COMMENT ON FUNCTION automl.import_csv(text, text, jsonb) IS
  'Queues a job that fetches a CSV file from a URL (http, https; file:// for superusers under automl.import_directory) and loads it into into_table in one transaction, sniffing delimiter, header, NULL spellings and column types; returns the job id. Options: docs/import.md.';
COMMENT ON FUNCTION automl.prune_webhook_deliveries(interval) IS
  'Deletes webhook deliveries that were delivered or failed for good and were created longer ago than older_than; pending ones stay. Returns the number deleted. automl_admin only.';

------------------------------------------------------------------------------
-- Reports
------------------------------------------------------------------------------

COMMENT ON FUNCTION automl.report(bigint) IS
  'A self-contained HTML page about a model (inline SVG, nothing loaded from elsewhere): model card, metrics, confusion matrix and curves or residuals, feature importance, trials, training data profile. psql: \pset format unaligned, \o report.html.';
COMMENT ON FUNCTION automl.describe_report(text, bigint) IS
  'The EDA page of automl.describe as one self-contained HTML page: per column a histogram or top values, nulls, distinct counts and quartiles, and the correlations between numeric columns (from a sample above sample_rows rows).';
COMMENT ON FUNCTION automl.confusion_matrix(bigint) IS
  'A classifier''s confusion matrix on its evaluation rows: one row per (actual, predicted) pair of classes, zeros included.';
COMMENT ON FUNCTION automl.roc_curve(bigint) IS
  'A classifier''s ROC curve on its evaluation rows (binary: the positive class; multiclass: one-vs-rest for up to 20 classes), at most 200 points per class, the first at threshold Infinity.';
COMMENT ON FUNCTION automl.pr_curve(bigint) IS
  'A classifier''s precision-recall curve on its evaluation rows, like roc_curve.';
COMMENT ON FUNCTION automl.calibration_curve(bigint) IS
  'A classifier''s calibration on its evaluation rows: ten equal-width bins of P(positive class) (binary) or of the top-class probability (multiclass), with the mean predicted probability and the observed fraction per non-empty bin.';
COMMENT ON FUNCTION automl.feature_importance(bigint) IS
  'How much a model leans on each input column over its evaluation rows: mean |SHAP value| for tree models, mean |coefficient x scaled value| for linear ones, summed over a column''s encoded features; normalised to sum to 1, largest first.';
COMMENT ON FUNCTION automl.residuals(bigint) IS
  'A regressor''s actual and predicted values on its evaluation rows (a uniform sample of at most 1,000 rows) and their difference.';

------------------------------------------------------------------------------
-- Analysis
------------------------------------------------------------------------------

COMMENT ON FUNCTION automl.design(jsonb, text, integer, text, text, jsonb) IS
  'Queues a design job: the D-, I- or A-optimal runs (Fedorov exchange over the grid of factor levels) for a linear, interactions, quadratic or listed-term model; into_table receives (run, factors…); options: levels, restarts, seed, constraints, include (runs done).';
COMMENT ON FUNCTION automl.pareto_front(text, jsonb) IS
  'Every row of a table, view or SELECT (as jsonb) with its non-dominated front (1 = the Pareto front) and NSGA-II crowding distance, for objectives like {"strength": "max", "cost": "min"}; rows with a NULL, NaN or infinite objective are left out (NOTICE).';
COMMENT ON FUNCTION automl.linear_analysis(text, text, jsonb) IS
  'OLS of target on the other columns (or options.terms) of a table, view or SELECT, as statsmodels: coef, std_err, t, p_value, confidence interval (options.alpha, 0.05) and VIF per term; text, boolean and enum columns by treatment coding (column=level).';
COMMENT ON FUNCTION automl.linear_analysis_summary(text, text, jsonb) IS
  'The fit behind automl.linear_analysis with the same arguments: rows used, degrees of freedom, R², adjusted R², F and its p-value, log-likelihood, AIC, BIC, condition number and residual standard error.';

COMMENT ON VIEW automl.queue_status IS
  'The queue per job kind: paused, queued, runnable, oldest queued age, running (per worker), and jobs succeeded, failed or cancelled in the last hour. Counts the jobs the caller can see.';
COMMENT ON TABLE automl.queue_pauses IS 'Paused job kinds (''*'': the whole queue); written by automl.pause_queue and automl.resume_queue.';
COMMENT ON FUNCTION automl.pause_queue(text) IS
  'automl_admin: workers stop claiming jobs of this kind (NULL: every kind) from their next poll; running jobs finish. False when already paused.';
COMMENT ON FUNCTION automl.resume_queue(text) IS
  'automl_admin: lifts a pause (NULL: every pause) and wakes the workers. False when nothing was paused.';
COMMENT ON FUNCTION automl.retrain(text, jsonb) IS
  'Queues a training job with the spec of the project''s last successful one, overridden by overrides (spec keys, priority, run_after, max_attempts, unique_key; if_drifted: only when automl.drift finds drift).';
COMMENT ON TABLE automl.schedules IS 'Each owner''s retraining schedules (automl.schedule), run by pg_cron as their owner.';
COMMENT ON FUNCTION automl.schedule(text, text, text, jsonb) IS
  'Calls automl.retrain(project, overrides) at each cron time through pg_cron, as the caller; replaces the caller''s schedule of that name. Returns the pg_cron job id.';
COMMENT ON FUNCTION automl.unschedule(text) IS 'Removes the caller''s schedule of that name from pg_cron and automl.schedules.';
COMMENT ON FUNCTION automl.drift(text, text) IS
  'Compares a relation (default: the training relation as it is now) with the serving model''s training distribution: PSI, KS, chi-square and null-rate change per feature, with the documented thresholds.';
COMMENT ON FUNCTION automl.drift(text, text, jsonb) IS
  'automl.drift(project, relation) with thresholds (psi, ks, chi2, null_rate) over the documented ones; relation NULL: the training relation as it is now.';
COMMENT ON COLUMN automl.jobs.unique_key IS 'While a job of the same submitter with this key is queued or running, another submission returns it instead (1-200 characters).';
COMMENT ON COLUMN automl.queue_pauses.kind IS 'The paused job kind; ''*'' for the whole queue.';
COMMENT ON COLUMN automl.queue_pauses.paused_by IS 'The role that paused it.';
COMMENT ON COLUMN automl.queue_pauses.paused_at IS 'When it was paused.';
COMMENT ON COLUMN automl.queue_status.kind IS 'The job kind.';
COMMENT ON COLUMN automl.queue_status.paused IS 'Whether workers leave this kind (or the whole queue) unclaimed.';
COMMENT ON COLUMN automl.queue_status.queued IS 'Queued jobs the caller can see.';
COMMENT ON COLUMN automl.queue_status.runnable IS 'Queued jobs whose run_after has passed.';
COMMENT ON COLUMN automl.queue_status.oldest_queued_age IS 'How long the oldest queued job has waited.';
COMMENT ON COLUMN automl.queue_status.running IS 'Running jobs.';
COMMENT ON COLUMN automl.queue_status.running_by_worker IS 'Running jobs per worker, as {"worker": n}.';
COMMENT ON COLUMN automl.queue_status.succeeded_last_hour IS 'Jobs that succeeded in the last hour.';
COMMENT ON COLUMN automl.queue_status.failed_last_hour IS 'Jobs that failed (out of attempts) in the last hour.';
COMMENT ON COLUMN automl.queue_status.cancelled_last_hour IS 'Jobs cancelled in the last hour.';
COMMENT ON COLUMN automl.schedules.owner IS 'The role pg_cron runs the schedule as (its creator).';
COMMENT ON COLUMN automl.schedules.name IS 'The schedule''s name, unique per owner; pg_cron''s job is named automl:<name>.';
COMMENT ON COLUMN automl.schedules.cron IS 'pg_cron''s five-field schedule.';
COMMENT ON COLUMN automl.schedules.project IS 'The project retrained.';
COMMENT ON COLUMN automl.schedules.overrides IS 'The overrides passed to automl.retrain (with the unique_key that keeps firings from stacking).';
COMMENT ON COLUMN automl.schedules.cron_job_id IS 'pg_cron''s job id (cron.job.jobid).';
COMMENT ON COLUMN automl.schedules.created_at IS 'When the schedule was created or last replaced.';
