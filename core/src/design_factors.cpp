// design_factors.cpp — the factors of a design request and the runs it includes:
// names, ranges, levels and categories, validated so that every later step can
// trust them (and every error names the factor at fault).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <sstream>

#include "automl/error.hpp"
#include "automl/spec_fields.hpp"
#include "design_internal.hpp"

namespace automl::design {
namespace {

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

std::string number_text(double x) {
  std::ostringstream out;
  out.precision(12);
  out << x;
  return out.str();
}

[[noreturn]] void bad_factor(const std::string& name, const std::string& what,
                             std::string detail = {}) {
  invalid("factor " + in_quotes(name) + ": " + what, std::move(detail));
}

void check_name(const std::string& name, std::set<std::string>& seen) {
  if (name.empty()) invalid("a factor's name must not be empty");
  if (name.size() > kMaxNameBytes)
    invalid("factor name " + in_quotes(name.substr(0, 20) + "...") + " is longer than " +
            std::to_string(kMaxNameBytes) + " bytes");
  // ':' and '^' are the syntax of model terms ("A:B", "A^2"); "intercept" is a column.
  if (name.find_first_of(":^") != std::string::npos)
    bad_factor(name, "names must not contain ':' or '^'", "they are how model terms read");
  if (std::isspace(static_cast<unsigned char>(name.front())) ||
      std::isspace(static_cast<unsigned char>(name.back())))
    bad_factor(name, "names must not begin or end with white space");
  if (name == "intercept") bad_factor(name, "the name is taken by the model's intercept column");
  if (!seen.insert(name).second) bad_factor(name, "the name appears twice");
}

double finite_number(const nlohmann::json& v, const std::string& name, const char* what) {
  if (!v.is_number() || !std::isfinite(v.get<double>()))
    bad_factor(name, std::string(what) + " must be a finite number", "got " + v.dump());
  return v.get<double>();
}

// An explicit list of levels: distinct finite numbers, kept in the order given.
std::vector<double> level_list(const nlohmann::json& levels, const std::string& name) {
  if (levels.size() < 2) bad_factor(name, "needs at least 2 levels");
  if (static_cast<long long>(levels.size()) > kMaxLevels)
    bad_factor(name, "has more than " + std::to_string(kMaxLevels) + " levels");
  std::vector<double> out;
  std::set<double> seen;
  for (const auto& v : levels) {
    out.push_back(finite_number(v, name, "each level"));
    if (!seen.insert(out.back()).second)
      bad_factor(name, "level " + number_text(out.back()) + " appears twice");
  }
  return out;
}

void parse_continuous(const nlohmann::json& spec, Factor& f, long long default_levels) {
  const bool has_min = spec.contains("min"), has_max = spec.contains("max");
  if (has_min != has_max) bad_factor(f.name, "needs both min and max, or neither");
  const auto levels = spec.find("levels");
  const bool listed = levels != spec.end() && levels->is_array();
  if (has_min) {
    f.low = finite_number(spec["min"], f.name, "min");
    f.high = finite_number(spec["max"], f.name, "max");
    if (!(f.low < f.high))
      bad_factor(f.name, "min must be below max",
                 "min is " + number_text(f.low) + ", max " + number_text(f.high));
  } else if (!listed) {
    bad_factor(f.name, "needs min and max, a list of levels, or categories");
  }
  if (listed) {
    f.levels = level_list(*levels, f.name);
    const auto [lo, hi] = std::minmax_element(f.levels.begin(), f.levels.end());
    if (!has_min) f.low = *lo, f.high = *hi;
    if (*lo < f.low || *hi > f.high) bad_factor(f.name, "levels must lie within [min, max]");
  }
  // Coding divides by the range: it must be a finite number.
  if (!std::isfinite(f.high - f.low))
    bad_factor(f.name, "the range from min to max is too large to code",
               "min is " + number_text(f.low) + ", max " + number_text(f.high));
  if (listed) return;
  long long count = default_levels;
  if (levels != spec.end()) {
    if (!levels->is_number_integer())
      bad_factor(f.name, "levels must be a count or a list of numbers", "got " + levels->dump());
    count = levels->get<long long>();
  }
  if (count < 2 || count > kMaxLevels)
    bad_factor(f.name, "the number of levels must be between 2 and " + std::to_string(kMaxLevels),
               "got " + std::to_string(count));
  for (long long k = 0; k < count; ++k)
    f.levels.push_back(f.low +
                       (f.high - f.low) * static_cast<double>(k) / static_cast<double>(count - 1));
  f.levels.back() = f.high;  // exactly, whatever the rounding of the step
}

std::string category_label(const nlohmann::json& c) {
  return c.is_string() ? c.get<std::string>() : c.dump();
}

void parse_categorical(const nlohmann::json& spec, Factor& f) {
  for (const char* key : {"min", "max", "levels"})
    if (spec.contains(key))
      bad_factor(f.name, std::string("has categories, so it cannot have ") + key);
  const auto& cats = spec["categories"];
  if (!cats.is_array() || cats.size() < 2)
    bad_factor(f.name, "categories must be an array of at least 2 values");
  if (static_cast<long long>(cats.size()) > kMaxLevels)
    bad_factor(f.name, "has more than " + std::to_string(kMaxLevels) + " categories");
  std::set<std::string> seen;
  for (const auto& c : cats) {
    if (!c.is_string() && !(c.is_number() && std::isfinite(c.get<double>())))
      bad_factor(f.name, "categories must be strings or numbers", "got " + c.dump());
    f.categories.push_back(c);
    f.labels.push_back(category_label(c));
    if (!seen.insert(f.labels.back()).second)
      bad_factor(f.name, "category " + in_quotes(f.labels.back()) + " appears twice");
  }
}

Factor parse_factor(const std::string& name, const nlohmann::json& spec, long long default_levels,
                    std::set<std::string>& seen) {
  check_name(name, seen);
  if (!spec.is_object()) bad_factor(name, "its spec must be a JSON object", "got " + spec.dump());
  reject_unknown_keys(spec, {"name", "min", "max", "levels", "categories"}, "design",
                      "factor " + in_quotes(name));
  Factor f;
  f.name = name;
  f.categorical = spec.contains("categories");
  if (f.categorical)
    parse_categorical(spec, f);
  else
    parse_continuous(spec, f, default_levels);
  return f;
}

}  // namespace

std::vector<Factor> parse_factors(const nlohmann::json& factors, long long default_levels) {
  std::vector<Factor> out;
  std::set<std::string> seen;
  if (factors.is_object()) {
    for (const auto& [name, spec] : factors.items()) {
      if (spec.is_object() && spec.contains("name") && spec["name"] != name)
        invalid("factor " + in_quotes(name) + " has a different \"name\" in its spec",
                "got " + spec["name"].dump());
      out.push_back(parse_factor(name, spec, default_levels, seen));
    }
  } else if (factors.is_array()) {
    for (const auto& spec : factors) {
      const auto name = spec.is_object() ? spec.find("name") : spec.end();
      if (!spec.is_object() || name == spec.end() || !name->is_string())
        invalid("each factor in the array needs a \"name\" string", "got " + spec.dump());
      out.push_back(parse_factor(name->get<std::string>(), spec, default_levels, seen));
    }
  } else {
    invalid("\"factors\" must be an object (name: spec) or an array of {\"name\": ..., ...}");
  }
  if (out.empty()) invalid("the design needs at least one factor");
  if (static_cast<int>(out.size()) > kMaxFactors)
    invalid("a design has at most " + std::to_string(kMaxFactors) + " factors",
            "the request has " + std::to_string(out.size()));
  return out;
}

std::pair<Point, nlohmann::json> parse_run(const nlohmann::json& run,
                                           const std::vector<Factor>& factors, std::size_t at) {
  const std::string where = "include[" + std::to_string(at) + "]";
  if (!run.is_object()) invalid(where + " must be an object of factor: value");
  for (const auto& [key, value] : run.items()) {
    (void)value;
    bool known = false;
    for (const auto& f : factors) known = known || f.name == key;
    if (!known) invalid(where + ": unknown factor " + in_quotes(key));
  }
  Point point;
  nlohmann::json row = nlohmann::json::object();
  for (const auto& f : factors) {
    const auto v = run.find(f.name);
    if (v == run.end() || v->is_null())
      invalid(where + " has no value for factor " + in_quotes(f.name));
    if (!f.categorical) {
      if (!v->is_number() || !std::isfinite(v->get<double>()))
        invalid(where + ": factor " + in_quotes(f.name) + " needs a number", "got " + v->dump());
      const double x = v->get<double>();
      if (x < f.low || x > f.high)
        invalid(where + ": factor " + in_quotes(f.name) + " value " + number_text(x) +
                " is outside [" + number_text(f.low) + ", " + number_text(f.high) + "]");
      point.push_back(f.code(x));
      row[f.name] = x;
      continue;
    }
    std::size_t k = 0;
    while (k < f.categories.size() && !(f.categories[k] == *v) &&
           !(v->is_string() && f.labels[k] == v->get<std::string>()))
      ++k;
    if (k == f.categories.size())
      invalid(where + ": factor " + in_quotes(f.name) + " has no category " +
              in_quotes(v->is_string() ? v->get<std::string>() : v->dump()));
    point.push_back(static_cast<double>(k));
    row[f.name] = f.categories[k];
  }
  return {point, row};
}

}  // namespace automl::design
