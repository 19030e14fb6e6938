// metrics_server.cpp — see metrics_server.hpp.
#include "metrics_server.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace automl_worker {
namespace {

// cpp-httplib's default also sets SO_REUSEPORT, which would let a second worker bind
// the same port and take half the scrapes. SO_REUSEADDR alone only allows a restart
// while old connections linger in TIME_WAIT.
void reuse_address_only(socket_t sock) {
  int yes = 1;
  setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
}

}  // namespace

void MetricsServerConfig::validate() const {
  if (host.empty()) throw std::invalid_argument("the metrics server needs a host to listen on");
  if (port < 1 || port > 65535) throw std::invalid_argument("the metrics port must be 1 to 65535");
  if (!metrics || !health) throw std::invalid_argument("the metrics server needs its callbacks");
}

MetricsServer::MetricsServer(MetricsServerConfig config)
    : config_(std::move(config)), server_(std::make_unique<httplib::Server>()) {
  config_.validate();
  // Two threads answer; a scrape or a probe is quick, and more would only cost memory.
  server_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  server_->set_socket_options(reuse_address_only);
  server_->set_read_timeout(5, 0);
  server_->set_write_timeout(5, 0);
  server_->set_payload_max_length(4096);  // GET requests carry no body worth reading
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(config_.metrics(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    const HealthAnswer answer = config_.health();
    res.status = answer.healthy ? 200 : 503;
    res.set_content(answer.json, "application/json");
  });
  errno = 0;
  if (!server_->bind_to_port(config_.host, config_.port)) {
    const std::string why = errno != 0 ? std::string(": ") + std::strerror(errno) : "";
    throw std::runtime_error("cannot listen on " + config_.host + " port " +
                             std::to_string(config_.port) + " (--metrics-address)" + why);
  }
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    listen_returned_ = true;
  });
  // stop() is lost on a server that is not running yet: wait until it is.
  while (!server_->is_running() && !listen_returned_)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

MetricsServer::~MetricsServer() {
  server_->stop();
  thread_.join();
}

}  // namespace automl_worker
