// metrics_server.hpp — --metrics-address: GET /metrics (Prometheus text format
// 0.0.4) and GET /healthz (200 or 503 with a small JSON body), served by
// cpp-httplib on a thread of its own. The answers come from callbacks that read
// in-memory state only, so a scrape never waits on PostgreSQL.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace automl_worker {

struct HealthAnswer {
  bool healthy = false;
  std::string json;
};

struct MetricsServerConfig {
  std::string host;                      // an address or name to listen on, e.g. 127.0.0.1 or ::
  int port = 0;                          // 1 to 65535
  std::function<std::string()> metrics;  // the /metrics body
  std::function<HealthAnswer()> health;  // the /healthz answer

  void validate() const;  // throws std::invalid_argument
};

class MetricsServer {
 public:
  // Binds at once and starts serving. Throws std::runtime_error naming the address
  // when it cannot listen there (in use, not an address of this machine).
  explicit MetricsServer(MetricsServerConfig config);
  ~MetricsServer();  // stops serving and joins the thread
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

 private:
  MetricsServerConfig config_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
};

}  // namespace automl_worker
