// connection.cpp — see connection.hpp.
#include "connection.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "log.hpp"

namespace automl_worker {

std::unique_ptr<pqxx::connection> connect(const std::string& dsn, const std::atomic<bool>& stopping,
                                          const char* purpose) {
  using Clock = std::chrono::steady_clock;
  double delay = 0.1;
  while (!stopping) {
    try {
      return std::make_unique<pqxx::connection>(dsn);
    } catch (const std::exception& e) {
      log_line(std::string("cannot connect (") + purpose + "): " + e.what() + "; retrying in " +
               std::to_string(delay) + " s");
      const auto until = Clock::now() + std::chrono::duration<double>(delay);
      while (!stopping && Clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      delay = std::min(delay * 2, 10.0);
    }
  }
  return nullptr;
}

bool extension_missing(const std::exception& e) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  if (sql == nullptr) return false;
  const std::string state = sql->sqlstate();
  return state == "3F000" || state == "42883" || state == "42P01";
}

}  // namespace automl_worker
