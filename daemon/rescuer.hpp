// rescuer.hpp — returns running jobs whose worker stopped heartbeating to the queue
// (automl_internal._rescue_stale_jobs), on one worker at a time: the leader is the worker
// whose rescuer connection holds a session-level advisory lock. Every worker tries
// to take it each period; a stopped or crashed leader's lock goes with its session,
// and the next worker to try leads. A hung leader (its session idle for twice
// --rescue-after, at least 10 s) does not stop the rescue: the others rescue too.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace automl_worker {

struct RescuerConfig {
  std::string dsn;
  std::string worker;          // shown as application_name "automl-worker rescuer <worker>"
  double rescue_after = 30.0;  // --rescue-after: a running job silent this long is rescued

  // Seconds between rescues (and between attempts to lead): a quarter of
  // rescue_after, at least 1.
  double period() const;
  void validate() const;  // throws std::invalid_argument
};

class Rescuer {
 public:
  explicit Rescuer(RescuerConfig config);

  // Runs on its own thread and connection while `keep_running()` holds.
  void run(const std::atomic<bool>& stopping, const std::function<bool()>& keep_running);

 private:
  // One period's work: connect, try to lead, rescue when leading.
  void round(const std::atomic<bool>& stopping);
  bool try_to_lead(pqxx::connection_base& conn);
  bool leader_stalled(pqxx::connection_base& conn);
  void rescue(pqxx::connection_base& conn);

  RescuerConfig config_;
  std::unique_ptr<pqxx::connection> conn_;
  bool leading_ = false;
};

}  // namespace automl_worker
