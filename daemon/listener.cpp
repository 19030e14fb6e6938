// listener.cpp — see listener.hpp.
#include "listener.hpp"

#include <stdexcept>
#include <string>

namespace automl_worker {

void ListenerConfig::validate() const {
  if (!(wait_seconds > 0 && wait_seconds < 10))
    throw std::invalid_argument("the listener waits 0 to 10 s per tick");
}

class Listener::Channel final : public pqxx::notification_receiver {
 public:
  Channel(pqxx::connection_base& conn, const std::string& channel, std::function<void()> on_notify)
      : pqxx::notification_receiver(conn, channel), on_notify_(std::move(on_notify)) {}
  void operator()(const std::string&, int) override { on_notify_(); }

 private:
  std::function<void()> on_notify_;
};

Listener::Listener(ListenerConfig config, std::function<void()> on_job,
                   std::function<void()> on_cancel)
    : config_(config), on_job_(std::move(on_job)), on_cancel_(std::move(on_cancel)) {
  config_.validate();
}

Listener::~Listener() = default;

void Listener::attach(pqxx::connection_base& conn) {
  detach();
  jobs_ = std::make_unique<Channel>(conn, "automl_jobs", on_job_);
  cancel_ = std::make_unique<Channel>(conn, "automl_cancel", on_cancel_);
}

void Listener::detach() {
  cancel_.reset();
  jobs_.reset();
}

void Listener::await(pqxx::connection_base& conn) const {
  const long micros = static_cast<long>(config_.wait_seconds * 1e6);
  conn.await_notification(micros / 1000000, micros % 1000000);
}

}  // namespace automl_worker
