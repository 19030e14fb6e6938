// spec_fields.cpp — see spec_fields.hpp.
#include "automl/spec_fields.hpp"

#include <cmath>

#include "automl/error.hpp"

namespace automl {

void reject_unknown_keys(const nlohmann::json& spec, const std::set<std::string>& allowed,
                         const std::string& kind, const std::string& part) {
  for (const auto& [key, value] : spec.items()) {
    (void)value;
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
      const bool vowel = !kind.empty() && std::string("aeiou").find(kind[0]) != std::string::npos;
      invalid("unknown key \"" + key + "\" in " + part + " of " + (vowel ? "an " : "a ") + kind +
                  " job",
              "accepted keys: " + list);
    }
  }
}

std::string get_string(const nlohmann::json& spec, const char* key, const std::string& fallback,
                       bool required) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) {
    if (required) invalid(std::string("the spec needs \"") + key + "\"");
    return fallback;
  }
  if (!it->is_string())
    invalid(std::string("\"") + key + "\" must be a string", "got " + it->dump());
  if (required && it->get<std::string>().empty())
    invalid(std::string("\"") + key + "\" must not be empty");
  return it->get<std::string>();
}

double get_number(const nlohmann::json& spec, const char* key, double fallback) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return fallback;
  if (!it->is_number() || !std::isfinite(it->get<double>()))
    invalid(std::string("\"") + key + "\" must be a finite number", "got " + it->dump());
  return it->get<double>();
}

bool get_boolean(const nlohmann::json& spec, const char* key, bool fallback) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return fallback;
  if (!it->is_boolean())
    invalid(std::string("\"") + key + "\" must be true or false", "got " + it->dump());
  return it->get<bool>();
}

long long get_integer(const nlohmann::json& spec, const char* key, long long fallback) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return fallback;
  if (!it->is_number_integer())
    invalid(std::string("\"") + key + "\" must be an integer", "got " + it->dump());
  return it->get<long long>();
}

}  // namespace automl
