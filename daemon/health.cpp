// health.cpp — see health.hpp.
#include "health.hpp"

#include <nlohmann/json.hpp>

namespace automl_worker {

std::string HealthState::json(const std::string& worker, int running_jobs) const {
  nlohmann::ordered_json body;
  body["healthy"] = healthy();
  body["connected"] = connected.load();
  body["registered"] = registered.load();
  body["paused"] = paused.load();
  body["worker"] = worker;
  body["version"] = AUTOML_VERSION;
  body["running_jobs"] = running_jobs;
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace automl_worker
