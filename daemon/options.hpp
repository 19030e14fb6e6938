// options.hpp — automl-worker's command line.
#pragma once

#include <optional>
#include <string>

#include "job_control.hpp"
#include "log.hpp"

namespace automl_worker {

struct Options {
  std::string dsn;             // libpq conninfo or URI; empty: PG* environment variables
  int concurrency = 1;         // jobs run at once
  bool once = false;           // drain the runnable queue, then exit
  double poll_interval = 1.0;  // seconds between polls when no NOTIFY arrives
  double heartbeat_interval = 2.0;
  double rescue_after = 30.0;       // a running job silent this long goes back to the queue
  int threads = 0;                  // cores per job for tree learners; 0: all cores
  double grace_period = 30.0;       // on SIGTERM, how long running jobs may take to finish
  std::string name;                 // shown in automl.jobs.worker; default host:pid
  double webhook_timeout = 10.0;    // one webhook POST, connecting included
  double webhook_retry_base = 5.0;  // delay before a delivery's first retry (then doubling)
  JobLimits limits;                 // --max-rows, --max-columns, --max-model-mb, --max-job-time
  std::string metrics_host;         // --metrics-address HOST:PORT; empty: no metrics server
  int metrics_port = 0;
  LogFormat log_format = LogFormat::Text;  // --log-format text|json
};

// Parses argv. Returns nullopt and sets `exit_code` when the program should exit
// at once (--help, --version, or a usage error, printed to the right stream).
std::optional<Options> parse_options(int argc, char** argv, int& exit_code);

}  // namespace automl_worker
