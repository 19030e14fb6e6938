// claimer.hpp — taking the next runnable job from the queue, and letting go of the
// job lock that automl.wait callers wait on.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "job_runner.hpp"

namespace automl_worker {

struct ClaimerConfig {
  std::string worker;  // recorded on claimed jobs (automl.jobs.worker)

  void validate() const;  // throws std::invalid_argument
};

class Claimer {
 public:
  explicit Claimer(ClaimerConfig config) : config_(std::move(config)) { config_.validate(); }

  // Claims the next runnable job (automl_internal._claim_job: FOR UPDATE SKIP LOCKED, a new
  // lease) and takes its session-level job lock; nullopt when none is runnable.
  std::optional<ClaimedJob> claim(pqxx::connection_base& conn) const;

  // Drops the job lock taken by the claim (see automl_internal._hold_job_lock), waking
  // automl.wait callers. Session-level, so it outlives the claim transaction.
  static void release(pqxx::connection_base& conn);

 private:
  ClaimerConfig config_;
};

}  // namespace automl_worker
