// reference.hpp — running a python3 reference script (scikit-learn, xgboost) and
// reading the JSON document it prints. A missing interpreter or library yields
// null, and the calling test fails: parity is a requirement, not an option.
#pragma once

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace automl {

inline nlohmann::json run_reference(const std::string& script) {
  const std::string cmd = "/usr/bin/python3 " AUTOML_SOURCE_DIR "/tests/reference/" + script;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return nullptr;
  std::string out;
  char buf[65536];
  for (size_t got; (got = fread(buf, 1, sizeof buf, pipe.get())) > 0;) out.append(buf, got);
  if (pclose(pipe.release()) != 0) return nullptr;
  return nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
}

}  // namespace automl
