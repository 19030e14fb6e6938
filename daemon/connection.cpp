// connection.cpp — see connection.hpp.
#include "connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "log.hpp"

namespace automl_worker {
namespace {

// A conninfo value in single quotes, with \ and ' escaped as libpq reads them.
std::string quote_conninfo(const char* value) {
  std::string out = "'";
  for (const char* c = value; *c; ++c) {
    if (*c == '\\' || *c == '\'') out += '\\';
    out += *c;
  }
  return out + "'";
}

}  // namespace

std::string with_application_name(const std::string& dsn, const std::string& name) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return dsn;
  }
  std::string out;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o)
    if (o->val != nullptr && std::strcmp(o->keyword, "fallback_application_name") != 0)
      out += std::string(o->keyword) + "=" + quote_conninfo(o->val) + " ";
  PQconninfoFree(options);
  return out + "fallback_application_name=" + quote_conninfo(name.c_str());
}

std::unique_ptr<pqxx::connection> connect(const std::string& dsn, const std::atomic<bool>& stopping,
                                          const char* purpose, const std::string& worker) {
  using Clock = std::chrono::steady_clock;
  const std::string conninfo =
      with_application_name(dsn, std::string("automl-worker ") + purpose + " " + worker);
  double delay = 0.1;
  while (!stopping) {
    try {
      return std::make_unique<pqxx::connection>(conninfo);
    } catch (const std::exception& e) {
      log_event(LogLevel::Warning, "connect_failed", 0,
                std::string("cannot connect (") + purpose + "): " + e.what() + "; retrying in " +
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
