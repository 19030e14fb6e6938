// listener.hpp — LISTEN/NOTIFY wake-ups on the control connection. A notification
// only wakes: "automl_jobs" (a job became runnable) wakes the runners, and
// "automl_cancel" makes the next heartbeat come at once, which reads
// cancel_requested from the jobs themselves. Anyone can NOTIFY either channel.
#pragma once

#include <functional>
#include <memory>
#include <pqxx/pqxx>

namespace automl_worker {

struct ListenerConfig {
  double wait_seconds = 0.1;  // longest wait for a notification per control tick

  void validate() const;  // throws std::invalid_argument
};

class Listener {
 public:
  Listener(ListenerConfig config, std::function<void()> on_job, std::function<void()> on_cancel);
  ~Listener();

  // LISTENs on `conn` (a new connection: the previous one's subscriptions are gone).
  void attach(pqxx::connection_base& conn);
  void detach();
  // Delivers what has arrived, waiting up to wait_seconds for the first.
  void await(pqxx::connection_base& conn) const;

 private:
  class Channel;
  ListenerConfig config_;
  std::function<void()> on_job_, on_cancel_;
  std::unique_ptr<Channel> jobs_, cancel_;
};

}  // namespace automl_worker
