// executor.hpp — the runner threads: each owns one connection, claims a job, runs
// it (job_runner.hpp) and claims the next; with nothing runnable it waits for a
// wake-up or one poll interval, so a lost notification costs latency, never a job.
#pragma once

#include <atomic>
#include <string>

#include "claimer.hpp"
#include "job_control.hpp"
#include "shared_state.hpp"

namespace automl_worker {

struct ExecutorConfig {
  std::string dsn;
  std::string worker;          // --name, for the connections' application_name
  bool once = false;           // a runner exits when nothing is runnable
  double poll_interval = 1.0;  // seconds between claims when no wake-up arrives
  int threads = 1;             // cores one job's tree learner may use
  JobLimits limits;

  void validate() const;  // throws std::invalid_argument
};

class Executor {
 public:
  Executor(ExecutorConfig config, Claimer claimer, const std::atomic<bool>& stopping,
           Wakeup& wakeup, RunningJobs& running);

  // One runner's loop, until the worker stops (or, with once, nothing is runnable).
  void run(int runner);

 private:
  void run_claimed(pqxx::connection_base& conn, int runner, const ClaimedJob& job);

  ExecutorConfig config_;
  Claimer claimer_;
  const std::atomic<bool>& stopping_;
  Wakeup& wakeup_;
  RunningJobs& running_;
};

}  // namespace automl_worker
