// design_request.cpp — a design request as a whole: its keys, options, constraints
// and included runs, and the checks that need more than one part of it (runs
// against the model's columns, included runs against runs).
#include <cmath>

#include "automl/error.hpp"
#include "automl/spec_fields.hpp"
#include "design_internal.hpp"

namespace automl::design {
namespace {

constexpr std::size_t kMaxConstraints = 1000;

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

long long integer_in(const nlohmann::json& spec, const char* key, long long fallback, long long lo,
                     long long hi) {
  const long long v = get_integer(spec, key, fallback);
  if (v < lo || v > hi)
    invalid(std::string("options.") + key + " must be between " + std::to_string(lo) + " and " +
                std::to_string(hi),
            "got " + std::to_string(v));
  return v;
}

std::uint64_t parse_seed(const nlohmann::json& options) {
  const auto it = options.find("seed");
  if (it == options.end() || it->is_null()) return 42;
  if (it->is_number_unsigned()) return it->get<std::uint64_t>();
  if (it->is_number_integer()) {
    if (it->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(it->get<std::int64_t>());
    invalid("options.seed must not be negative", "got " + it->dump());
  }
  invalid("options.seed must be an integer", "got " + it->dump());
}

Criterion parse_criterion(const nlohmann::json& request) {
  const std::string c = get_string(request, "criterion", "D");
  if (c == "D" || c == "d") return Criterion::D;
  if (c == "I" || c == "i") return Criterion::I;
  if (c == "A" || c == "a") return Criterion::A;
  invalid("criterion must be \"D\", \"I\" or \"A\"", "got " + in_quotes(c));
}

double bound(const nlohmann::json& c, const char* key, const std::string& where) {
  const auto it = c.find(key);
  if (it == c.end() || it->is_null()) return std::string(key) == "min" ? -HUGE_VAL : HUGE_VAL;
  if (!it->is_number() || !std::isfinite(it->get<double>()))
    invalid(where + ": " + key + " must be a finite number", "got " + it->dump());
  return it->get<double>();
}

Constraint parse_constraint(const nlohmann::json& c, const std::vector<Factor>& factors,
                            std::size_t at) {
  const std::string where = "options.constraints[" + std::to_string(at) + "]";
  if (!c.is_object()) invalid(where + " must be an object {\"terms\": ..., \"min\"/\"max\": ...}");
  reject_unknown_keys(c, {"terms", "min", "max"}, "design", where);
  const auto terms = c.find("terms");
  if (terms == c.end() || !terms->is_object() || terms->empty())
    invalid(where + " needs \"terms\": an object of factor: coefficient");
  Constraint out;
  for (const auto& [name, coef] : terms->items()) {
    int k = 0;
    while (k < static_cast<int>(factors.size()) && factors[k].name != name) ++k;
    if (k == static_cast<int>(factors.size()))
      invalid(where + ": unknown factor " + in_quotes(name));
    if (factors[k].categorical)
      invalid(where + ": factor " + in_quotes(name) + " is categorical",
              "constraints are linear in the coded continuous factors");
    if (!coef.is_number() || !std::isfinite(coef.get<double>()))
      invalid(where + ": the coefficient of " + in_quotes(name) + " must be a finite number");
    out.terms.emplace_back(k, coef.get<double>());
  }
  out.lower = bound(c, "min", where);
  out.upper = bound(c, "max", where);
  if (std::isinf(out.lower) && std::isinf(out.upper)) invalid(where + " needs \"min\" or \"max\"");
  if (out.lower > out.upper) invalid(where + ": min must not exceed max");
  return out;
}

const nlohmann::json& array_option(const nlohmann::json& options, const char* key) {
  static const nlohmann::json empty = nlohmann::json::array();
  const auto it = options.find(key);
  if (it == options.end() || it->is_null()) return empty;
  if (!it->is_array()) invalid(std::string("options.") + key + " must be an array");
  return *it;
}

void parse_lists(const nlohmann::json& options, Request& r) {
  const auto& constraints = array_option(options, "constraints");
  if (constraints.size() > kMaxConstraints)
    invalid("options.constraints has more than " + std::to_string(kMaxConstraints) + " entries");
  for (std::size_t i = 0; i < constraints.size(); ++i)
    r.options.constraints.push_back(parse_constraint(constraints[i], r.factors, i));
  const auto& include = array_option(options, "include");
  if (static_cast<long long>(include.size()) > kMaxRuns)
    throw Error(sqlstate::kProgramLimitExceeded,
                "options.include has more than " + std::to_string(kMaxRuns) + " runs");
  for (std::size_t i = 0; i < include.size(); ++i) {
    auto [point, row] = parse_run(include[i], r.factors, i);
    r.options.include.push_back(std::move(point));
    r.options.include_rows.push_back(std::move(row));
  }
}

std::string column_list(const Model& m) {
  std::string out;
  for (const auto& name : m.names) {
    if (out.size() > 200) return out + ", ...";
    out += (out.empty() ? "" : ", ") + name;
  }
  return out;
}

void parse_runs(const nlohmann::json& request, Request& r) {
  const long long p = static_cast<long long>(r.model.columns.size());
  const long long runs = get_integer(request, "runs", p + 4);
  if (runs > kMaxRuns)
    throw Error(
        sqlstate::kProgramLimitExceeded,
        "runs (" + std::to_string(runs) + ") exceeds the limit of " + std::to_string(kMaxRuns));
  if (runs < p)
    invalid("runs (" + std::to_string(runs) + ") must be at least the number of model terms (" +
                std::to_string(p) + ")",
            "the model's columns: " + column_list(r.model),
            "a design needs at least one run per model column to estimate them all");
  const long long included = static_cast<long long>(r.options.include.size());
  if (included > runs)
    invalid("options.include has " + std::to_string(included) + " runs, more than runs (" +
                std::to_string(runs) + ")",
            "", "included runs count toward runs: set runs to the total you want");
  r.options.runs = runs;
}

}  // namespace

const char* criterion_name(Criterion c) {
  return c == Criterion::D ? "D" : c == Criterion::I ? "I" : "A";
}

Request parse_request(const nlohmann::json& request) {
  if (!request.is_object()) invalid("a design request must be a JSON object");
  reject_unknown_keys(request, {"factors", "model", "runs", "criterion", "options"}, "design",
                      "the request");
  static const nlohmann::json no_options = nlohmann::json::object();
  const auto it = request.find("options");
  const bool has_options = it != request.end() && !it->is_null();
  if (has_options && !it->is_object()) invalid("\"options\" must be an object");
  const nlohmann::json& options = has_options ? *it : no_options;
  reject_unknown_keys(options,
                      {"levels", "restarts", "seed", "max_iterations", "constraints", "include"},
                      "design", "options");
  Request r;
  const long long levels = integer_in(options, "levels", 3, 2, kMaxLevels);
  if (!request.contains("factors")) invalid("the request needs \"factors\"");
  r.factors = parse_factors(request["factors"], levels);
  const auto model = request.find("model");
  r.model = parse_model(
      model == request.end() || model->is_null() ? nlohmann::json("linear") : *model, r.factors);
  r.options.criterion = parse_criterion(request);
  r.options.restarts = static_cast<int>(integer_in(options, "restarts", 10, 1, 1000));
  r.options.max_iterations =
      static_cast<int>(integer_in(options, "max_iterations", 1000, 1, 100000));
  r.options.seed = parse_seed(options);
  parse_lists(options, r);
  parse_runs(request, r);
  return r;
}

}  // namespace automl::design
