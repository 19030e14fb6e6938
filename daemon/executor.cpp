// executor.cpp — see executor.hpp.
#include "executor.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>

#include "connection.hpp"
#include "log.hpp"
#include "worker_metrics.hpp"

namespace automl_worker {

void ExecutorConfig::validate() const {
  if (!(poll_interval > 0))
    throw std::invalid_argument("the executor's poll interval must be positive");
  if (threads < 1) throw std::invalid_argument("the executor needs at least one thread per job");
  if (limits.max_rows < 1 || limits.max_columns < 1 || limits.max_model_bytes < 1 ||
      !(limits.max_job_seconds > 0))
    throw std::invalid_argument("the executor's job limits must be positive");
}

Executor::Executor(ExecutorConfig config, Claimer claimer, const std::atomic<bool>& stopping,
                   Wakeup& wakeup, RunningJobs& running)
    : config_(std::move(config)),
      claimer_(std::move(claimer)),
      stopping_(stopping),
      wakeup_(wakeup),
      running_(running) {
  config_.validate();
}

namespace {

// automl_worker_running_jobs counts a job from its claim until this goes out of
// scope, however its run ends.
struct RunningGauge {
  RunningGauge() { worker_metrics().add(kRunningJobs, {}, 1); }
  ~RunningGauge() { worker_metrics().add(kRunningJobs, {}, -1); }
  RunningGauge(const RunningGauge&) = delete;
  RunningGauge& operator=(const RunningGauge&) = delete;
};

// Claims as claimer.claim does, timing the claim transaction.
std::optional<ClaimedJob> timed_claim(const Claimer& claimer, pqxx::connection_base& conn) {
  const auto started = std::chrono::steady_clock::now();
  std::optional<ClaimedJob> job = claimer.claim(conn);
  worker_metrics().observe(
      kClaimLatency, {},
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return job;
}

}  // namespace

void Executor::run_claimed(pqxx::connection_base& conn, int runner, const ClaimedJob& job) {
  const RunningGauge counted;
  auto control = std::make_shared<JobControl>();
  control->id = job.id;
  control->lease = job.lease;
  control->threads = config_.threads;
  control->limits = config_.limits;
  control->phases = JobPhases(job_kind_label(job.kind, job.spec));
  worker_metrics().add(kJobsStarted, {{"kind", control->phases.kind()}});
  running_.put(runner, control);
  // A stop that arrived during the claim still gets the grace period.
  run_job(conn, job, *control);
  Claimer::release(conn);
  running_.erase(runner);
}

void Executor::run(int runner) {
  std::unique_ptr<pqxx::connection> conn;
  const auto stopping = [this] { return stopping_.load(); };
  while (!stopping_) {
    try {
      if (!conn || !conn->is_open()) {
        conn = connect(config_.dsn, stopping_, "runner", config_.worker);
        if (!conn) break;
      }
      // Read before claiming, so a notification that arrives during the claim
      // still wakes the wait below.
      const std::uint64_t seen = wakeup_.generation();
      std::optional<ClaimedJob> job = timed_claim(claimer_, *conn);
      if (!job) {
        if (config_.once) break;
        wakeup_.wait(seen, config_.poll_interval,
                     stopping);  // until notified, or one poll interval
        continue;
      }
      run_claimed(*conn, runner, *job);
    } catch (const pqxx::broken_connection& e) {
      log_event(LogLevel::Warning, "connection_lost", 0,
                std::string("runner lost its connection: ") + e.what());
      worker_metrics().add(kReconnects, {});
      running_.erase(runner);
      conn.reset();
    } catch (const std::exception& e) {
      running_.erase(runner);
      if (extension_missing(e)) {  // said once by the control thread; poll quietly
        if (config_.once) break;
        wakeup_.wait(wakeup_.generation(), config_.poll_interval, stopping);
        continue;
      }
      log_event(LogLevel::Error, "error", 0, std::string("runner error: ") + e.what());
      worker_metrics().add(kReconnects, {});
      conn.reset();  // a fresh session: no job lock or half-done transaction survives
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

}  // namespace automl_worker
