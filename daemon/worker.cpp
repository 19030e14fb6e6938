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
#include <vector>

#include "job_runner.hpp"
#include "log.hpp"

namespace automl_worker {
namespace {

using Clock = std::chrono::steady_clock;

std::optional<ClaimedJob> claim_next_job(pqxx::connection_base& conn, const std::string& worker) {
  pqxx::work txn(conn, "claim");
  const pqxx::result r = txn.exec_params(
      "SELECT id, kind, coalesce(project, ''), spec::text, attempts, created_by "
      "FROM automl._claim_job($1)",
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
  return job;
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

void Worker::cancel_job(long long id) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [index, running] : running_)
    if (running->id == id) running->cancel = true;
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
      auto running = std::make_shared<Running>();
      running->id = job->id;
      running->attempt = job->attempt;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        running_[index] = running;
      }
      run_job(*conn, *job, running->cancel);
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
      log_line(std::string("runner error: ") + e.what());
      std::lock_guard<std::mutex> lock(mutex_);
      running_.erase(index);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  --active_runners_;
  wake_runners();
}

void Worker::control_loop() {
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<Listener> jobs_listener, cancel_listener;
  auto last_heartbeat = Clock::now();
  while (!stopping_ && active_runners_ > 0) {
    try {
      if (!conn || !conn->is_open()) {
        cancel_listener.reset();
        jobs_listener.reset();
        conn = connect(options_.dsn, stopping_, "listener");
        if (!conn) break;
        jobs_listener = std::make_unique<Listener>(*conn, "automl_jobs", [this](const std::string&) { wake_runners(); });
        cancel_listener = std::make_unique<Listener>(
            *conn, "automl_cancel", [this](const std::string& id) { cancel_job(std::stoll(id)); });
        wake_runners();  // jobs may have arrived while we were not listening
      }
      conn->await_notification(0, 100000);
      if (Clock::now() - last_heartbeat >= std::chrono::duration<double>(options_.heartbeat_interval)) {
        last_heartbeat = Clock::now();
        std::vector<std::shared_ptr<Running>> jobs;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          for (auto& [index, running] : running_) jobs.push_back(running);
        }
        for (const auto& job : jobs) {
          pqxx::work txn(*conn, "heartbeat");
          const pqxx::result r = txn.exec_params("SELECT automl._heartbeat($1, $2, NULL, NULL)", job->id, job->attempt);
          txn.commit();
          // false: cancel was requested (the NOTIFY may have been missed).
          if (!r.empty() && !r[0][0].is_null() && !r[0][0].as<bool>()) job->cancel = true;
        }
      }
    } catch (const pqxx::broken_connection& e) {
      log_line(std::string("listener lost its connection: ") + e.what());
      cancel_listener.reset();
      jobs_listener.reset();
      conn.reset();
    } catch (const std::exception& e) {
      log_line(std::string("listener error: ") + e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  cancel_listener.reset();
  jobs_listener.reset();
}

int Worker::run() {
  log_line("starting " + options_.name + " with concurrency " + std::to_string(options_.concurrency) +
           (options_.once ? " (--once)" : ""));
  active_runners_ = options_.concurrency;
  std::vector<std::thread> runners;
  for (int i = 0; i < options_.concurrency; ++i) runners.emplace_back([this, i] { runner_loop(i); });
  std::thread control([this] { control_loop(); });
  for (auto& t : runners) t.join();
  stopping_ = true;
  control.join();
  log_line("stopped");
  return 0;
}

}  // namespace automl_worker
