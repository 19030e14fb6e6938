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

// The case named `name` of a reference document {"cases": [{"name": …}, …]}; null
// when the script failed or has no such case.
inline const nlohmann::json* find_reference_case(const nlohmann::json& ref,
                                                 const std::string& name) {
  if (!ref.is_object()) return nullptr;
  for (const auto& c : ref.at("cases"))
    if (c.at("name") == name) return &c;
  return nullptr;
}

}  // namespace automl
