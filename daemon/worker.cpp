// worker.cpp — claiming, waking, heartbeats and reconnects.
//
// LISTEN/NOTIFY only wakes runners; every runner also polls, so a lost
// notification costs latency, never a job. Each runner owns one connection, and
// a dropped connection is re-opened with backoff.
#include "worker.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <thread>
#include <unistd.h>
#include <vector>

#include "job_runner.hpp"
#include "log.hpp"

namespace automl_worker {
namespace {

using Clock = std::chrono::steady_clock;

std::optional<ClaimedJob> claim_next_job(pqxx::connection_base& conn, const std::string& worker) {
  pqxx::work txn(conn, "claim");
  const pqxx::result r = txn.exec_params(
      "SELECT id, kind, coalesce(project, ''), spec::text, attempts, created_by, lease, "
      "automl_internal._hold_job_lock(id) FROM automl_internal._claim_job($1)",
      worker);
  txn.commit();
  if (r.empty()) return std::nullopt;
  ClaimedJob job;
  job.id = r[0][0].as<long long>();
  job.kind = r[0][1].as<std::string>();
  job.project = r[0][2].as<std::string>();
  job.spec = r[0][3].as<std::string>();
  job.attempt = r[0][4].as<int>();
  job.created_by = r[0][5].as<std::string>();
  job.lease = r[0][6].as<long long>();
  return job;
}

// Drops the job lock taken by the claim (see automl_internal._hold_job_lock), waking
// automl.wait callers. Session-level, so it outlives the claim transaction.
void release_job_lock(pqxx::connection_base& conn) {
  pqxx::nontransaction txn(conn, "release_job_lock");
  txn.exec("SELECT pg_advisory_unlock_all()");
}

// Opens a connection, retrying with exponential backoff (capped at 10 s) until it
// works or the worker is stopping.
std::unique_ptr<pqxx::connection> connect(const std::string& dsn, const std::atomic<bool>& stopping,
                                          const char* purpose) {
  double delay = 0.1;
  while (!stopping) {
    try {
      return std::make_unique<pqxx::connection>(dsn);
    } catch (const std::exception& e) {
      log_line(std::string("cannot connect (") + purpose + "): " + e.what() + "; retrying in " +
               std::to_string(delay) + " s");
      const auto until = Clock::now() + std::chrono::duration<double>(delay);
      while (!stopping && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      delay = std::min(delay * 2, 10.0);
    }
  }
  return nullptr;
}

// An error that means pg_automl is not (or no longer) installed in the database:
// its schema or functions are missing, e.g. between DROP and CREATE EXTENSION.
bool extension_missing(const std::exception& e) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  if (sql == nullptr) return false;
  const std::string state = sql->sqlstate();
  return state == "3F000" || state == "42883" || state == "42P01";
}

// This machine's name, read once: every heartbeat sends it.
const std::string& host_name() {
  static const std::string name = [] {
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    return std::string(host);
  }();
  return name;
}

class Listener final : public pqxx::notification_receiver {
 public:
  Listener(pqxx::connection_base& conn, const std::string& channel,
           std::function<void(const std::string&)> on_notify)
      : pqxx::notification_receiver(conn, channel), on_notify_(std::move(on_notify)) {}
  void operator()(const std::string& payload, int) override { on_notify_(payload); }

 private:
  std::function<void(const std::string&)> on_notify_;
};

}  // namespace

Worker::Worker(Options options) : options_(std::move(options)) {}

void Worker::wake_runners() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++wake_generation_;
  }
  work_available_.notify_all();
}

std::uint64_t Worker::wake_generation() {
  std::lock_guard<std::mutex> lock(mutex_);
  return wake_generation_;
}

void Worker::wait_for_work(std::uint64_t seen) {
  std::unique_lock<std::mutex> lock(mutex_);
  work_available_.wait_for(lock, std::chrono::duration<double>(options_.poll_interval),
                           [&] { return stopping_ || wake_generation_ != seen; });
}

std::vector<std::shared_ptr<JobControl>> Worker::running_jobs() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<JobControl>> jobs;
  for (auto& [index, job] : running_) jobs.push_back(job);
  return jobs;
}

void Worker::runner_loop(int index) {
  std::unique_ptr<pqxx::connection> conn;
  while (!stopping_) {
    try {
      if (!conn || !conn->is_open()) {
        conn = connect(options_.dsn, stopping_, "runner");
        if (!conn) break;
      }
      // Read before claiming, so a notification that arrives during the claim
      // still wakes the wait below.
      const std::uint64_t seen = wake_generation();
      std::optional<ClaimedJob> job = claim_next_job(*conn, options_.name);
      if (!job) {
        if (options_.once) break;
        wait_for_work(seen);  // until notified, or one poll interval
        continue;
      }
      auto control = std::make_shared<JobControl>();
      control->id = job->id;
      control->lease = job->lease;
      control->threads = options_.threads;
      control->limits = options_.limits;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        running_[index] = control;
      }
      // A stop that arrived during the claim still gets the grace period.
      run_job(*conn, *job, *control);
      release_job_lock(*conn);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        running_.erase(index);
      }
    } catch (const pqxx::broken_connection& e) {
      log_line(std::string("runner lost its connection: ") + e.what());
      std::lock_guard<std::mutex> lock(mutex_);
      running_.erase(index);
      conn.reset();
    } catch (const std::exception& e) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        running_.erase(index);
      }
      if (extension_missing(e)) {  // said once by the control thread; poll quietly
        if (options_.once) break;
        wait_for_work(wake_generation());
        continue;
      }
      log_line(std::string("runner error: ") + e.what());
      {
        std::lock_guard<std::mutex> lock(mutex_);
        running_.erase(index);
      }
      conn.reset();  // a fresh session: no job lock or half-done transaction survives
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  --active_runners_;
  wake_runners();
}

void Worker::control_loop() {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<Listener> jobs_listener, cancel_listener;
  // Runs until the last runner has exited, even while stopping: running jobs still
  // need heartbeats, cancellations and, past the grace period, their release.
  while (active_runners_ > 0) {
    try {
      if (!conn || !conn->is_open()) {
        cancel_listener.reset();
        jobs_listener.reset();
        conn = connect(options_.dsn, stopping_, "control");
        if (!conn) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        jobs_listener = std::make_unique<Listener>(*conn, "automl_jobs", [this](const std::string&) { wake_runners(); });
        // Anyone can NOTIFY this channel: a notification only makes the next tick
        // heartbeat now, which reads cancel_requested from the jobs themselves.
        cancel_listener = std::make_unique<Listener>(
            *conn, "automl_cancel", [this](const std::string&) { last_heartbeat_ = Clock::time_point{}; });
        last_heartbeat_ = Clock::time_point{};  // the first heartbeat registers
        wake_runners();  // jobs may have arrived while we were not listening
      }
      conn->await_notification(0, 100000);
      control_tick(*conn);
    } catch (const pqxx::broken_connection& e) {
      log_line(std::string("control connection lost: ") + e.what());
      cancel_listener.reset();
      jobs_listener.reset();
      conn.reset();
    } catch (const std::exception& e) {
      if (extension_missing(e)) {
        if (!waiting_for_extension_)
          log_line(std::string("pg_automl is not installed in this database (") + e.what() +
                   "); waiting for CREATE EXTENSION pg_automl");
        waiting_for_extension_ = true;
        last_heartbeat_ = Clock::now();  // look again after one heartbeat interval
      } else {
        log_line(std::string("control error: ") + e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  cancel_listener.reset();
  jobs_listener.reset();
  if (conn && registered_) {
    try {
      pqxx::work txn(*conn, "unregister");
      txn.exec_params("SELECT automl_internal._unregister_worker($1)", options_.name);
      txn.commit();
    } catch (const std::exception& e) {
      log_line(std::string("could not unregister: ") + e.what());
    }
  }
}

// One round of the control thread's periodic duties.
void Worker::control_tick(pqxx::connection_base& conn) {
  const auto now = Clock::now();
  if (stopping_ && !stop_seen_) {
    stop_seen_ = true;
    stop_seen_at_ = now;
    log_line("stopping: no new jobs; running jobs have " + std::to_string(options_.grace_period) + " s");
    wake_runners();
  }
  if (stop_seen_ && now - stop_seen_at_ >= std::chrono::duration<double>(options_.grace_period))
    for (auto& job : running_jobs()) job->request_stop(StopReason::Release);
  for (auto& job : running_jobs())
    if (now - job->started >= std::chrono::duration<double>(job->limits.max_job_seconds))
      job->request_stop(StopReason::Timeout);

  if (now - last_heartbeat_ >= std::chrono::duration<double>(options_.heartbeat_interval)) {
    last_heartbeat_ = now;
    pqxx::work txn(conn, "heartbeat");
    // Registers again whenever the row is gone (deleted, rescued, extension re-created).
    const bool registered_again =
        txn.exec_params1("SELECT automl_internal._worker_alive($1, $2, $3, $4, $5)", options_.name, host_name(),
                         static_cast<int>(getpid()), options_.concurrency, std::string(AUTOML_VERSION))[0]
            .as<bool>();
    for (const auto& job : running_jobs()) {
      float progress;
      std::string message;
      job->snapshot(progress, message);
      const pqxx::result r = txn.exec_params("SELECT automl_internal._heartbeat($1, $2, $3, NULLIF($4, ''))", job->id,
                                             job->lease, progress, message);
      // NULL: the claim is gone (rescued elsewhere); false: cancel was requested and
      // the NOTIFY may have been missed. Either way, stop working on it.
      if (r.empty() || r[0][0].is_null()) job->request_stop(StopReason::Cancel);
      else if (!r[0][0].as<bool>()) job->request_stop(StopReason::Cancel);
    }
    txn.commit();
    if (waiting_for_extension_) log_line("pg_automl is installed again; serving the queue");
    else if (registered_again && registered_) log_line("registered again: this worker's row in automl.workers was gone");
    waiting_for_extension_ = false;
    registered_ = true;
  }
  // A stopped job still running a statement (reading its data): cancel it, once.
  for (const auto& job : running_jobs()) {
    const int backend = job->reading_backend;
    if (!job->stop || backend == 0 || job->reading_cancelled) continue;
    job->reading_cancelled = true;
    pqxx::work txn(conn, "cancel_reading");
    txn.exec_params("SELECT pg_cancel_backend($1)", backend);
    txn.commit();
  }
  if (now - last_rescue_ >= std::chrono::duration<double>(std::max(options_.rescue_after / 4, 1.0))) {
    last_rescue_ = now;
    pqxx::work txn(conn, "rescue");
    const auto rescued = txn.exec_params1("SELECT automl_internal._rescue_stale_jobs(make_interval(secs => $1))",
                                          options_.rescue_after)[0].as<int>();
    txn.commit();
    if (rescued > 0) log_line("rescued " + std::to_string(rescued) + " job(s) whose worker stopped heartbeating");
  }
}

int Worker::run() {
  log_line("starting " + options_.name + " with concurrency " + std::to_string(options_.concurrency) +
           (options_.once ? " (--once)" : ""));
  active_runners_ = options_.concurrency;
  std::vector<std::thread> runners;
  for (int i = 0; i < options_.concurrency; ++i) runners.emplace_back([this, i] { runner_loop(i); });
  std::thread control([this] { control_loop(); });
  for (auto& t : runners) t.join();
  control.join();
  log_line("stopped");
  return 0;
}

}  // namespace automl_worker
