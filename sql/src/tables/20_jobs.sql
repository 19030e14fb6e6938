-- The job queue (docs/queue.md): a training job is a row in automl.jobs.

CREATE TABLE automl.jobs (
  id               bigserial PRIMARY KEY,
  kind             text NOT NULL,
  project          text,
  spec             jsonb NOT NULL DEFAULT '{}',
  status           text NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  priority         integer NOT NULL DEFAULT 0,
  attempts         integer NOT NULL DEFAULT 0,
  max_attempts     integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
  run_after        timestamptz NOT NULL DEFAULT now(),
  progress         real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  message          text,
  error            text,
  errors           jsonb NOT NULL DEFAULT '[]',  -- one object per failed attempt
  result           jsonb,
  worker           text,
  heartbeat_at     timestamptz,
  cancel_requested boolean NOT NULL DEFAULT false,
  -- Fencing token of the current claim: every claim takes a new one, and a worker can
  -- finish a job only while the job still carries its token (see _lock_claimed_job).
  lease            bigint,
  created_by       name NOT NULL DEFAULT current_user,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  -- The submitter's search_path when the job was queued: its query's names are
  -- resolved in it when the worker reads the data, not in the worker's.
  search_path      text,
  -- While a job with the same key (and submitter) is queued or running, submitting
  -- another returns that job instead (automl.train(..., unique_key => …)).
  unique_key       text CHECK (length(unique_key) BETWEEN 1 AND 200)
);
CREATE UNIQUE INDEX jobs_unique_key ON automl.jobs (created_by, unique_key)
  WHERE unique_key IS NOT NULL AND status IN ('queued', 'running');
-- Claiming reads only queued rows in (priority, id) order: a partial index keeps that
-- cheap however many finished jobs the table holds.
CREATE INDEX jobs_claim_order ON automl.jobs (priority, id) WHERE status = 'queued';
-- The rescuer scans running jobs by heartbeat; prune_jobs scans finished ones by age.
CREATE INDEX jobs_running_heartbeat ON automl.jobs (heartbeat_at) WHERE status = 'running';
CREATE INDEX jobs_finished_at ON automl.jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE SEQUENCE automl.job_leases;

-- Per-role limits on a submitter's jobs (automl.set_role_limits); no row, no limit.
CREATE TABLE automl.role_limits (
  role        name PRIMARY KEY,
  max_running integer CHECK (max_running >= 0),
  max_queued  integer CHECK (max_queued >= 0),
  set_by      name NOT NULL DEFAULT current_user,
  set_at      timestamptz NOT NULL DEFAULT now()
);
-- When each submitter's job was last claimed: claiming serves submitters in turn.
CREATE TABLE automl.submitter_turns (
  role            name PRIMARY KEY,
  last_claimed_at timestamptz NOT NULL
);

CREATE TABLE automl.workers (
  id           text PRIMARY KEY,               -- the worker's --name (default host:pid)
  host         text NOT NULL,
  pid          integer NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  last_seen    timestamptz NOT NULL DEFAULT now(),
  concurrency  integer NOT NULL,
  version      text NOT NULL
);

-- Paused queues (automl.pause_queue): workers claim no job of a paused kind; '*'
-- pauses every kind.
CREATE TABLE automl.queue_pauses (
  kind      text PRIMARY KEY,
  paused_by name NOT NULL DEFAULT current_user,
  paused_at timestamptz NOT NULL DEFAULT now()
);
