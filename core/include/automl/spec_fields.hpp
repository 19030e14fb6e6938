// spec_fields.hpp — typed reads of a job spec's JSON fields, each refusing a wrong
// type or an unknown key with 22023 naming the key. Shared by the parsers of every
// job kind (train_spec.cpp, import_spec.cpp) so they word their errors alike.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace automl {

// Refuses any key of `spec` outside `allowed` ("unknown key … in <part> of a <kind> job").
void reject_unknown_keys(const nlohmann::json& spec, const std::set<std::string>& allowed,
                         const std::string& kind, const std::string& part = "the spec");
// A string field; `fallback` when absent or null (or 22023 when `required`).
std::string get_string(const nlohmann::json& spec, const char* key, const std::string& fallback,
                       bool required = false);
double get_number(const nlohmann::json& spec, const char* key, double fallback);
bool get_boolean(const nlohmann::json& spec, const char* key, bool fallback);
long long get_integer(const nlohmann::json& spec, const char* key, long long fallback);

}  // namespace automl
