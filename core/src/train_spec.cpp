// train_spec.cpp — validation and normalisation of job specs.
#include "automl/train_spec.hpp"

#include <cmath>
#include <set>

#include "automl/algorithms.hpp"
#include "automl/error.hpp"
#include "automl/metrics.hpp"

namespace automl {
namespace {

[[noreturn]] void not_supported(const std::string& message, const std::string& detail = {}) {
  throw Error(sqlstate::kFeatureNotSupported, message, detail);
}

void reject_unknown_keys(const nlohmann::json& spec, const std::set<std::string>& allowed,
                         const std::string& kind) {
  for (const auto& [key, value] : spec.items()) {
    (void)value;
    if (!allowed.count(key)) {
      std::string list;
      for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
      invalid("unknown key \"" + key + "\" in the spec of a " + kind + " job", "accepted keys: " + list);
    }
  }
}

std::string get_string(const nlohmann::json& spec, const char* key, const std::string& fallback,
                       bool required = false) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) {
    if (required) invalid(std::string("the spec needs \"") + key + "\"");
    return fallback;
  }
  if (!it->is_string()) invalid(std::string("\"") + key + "\" must be a string", "got " + it->dump());
  if (required && it->get<std::string>().empty()) invalid(std::string("\"") + key + "\" must not be empty");
  return it->get<std::string>();
}

double get_number(const nlohmann::json& spec, const char* key, double fallback) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return fallback;
  if (!it->is_number() || !std::isfinite(it->get<double>()))
    invalid(std::string("\"") + key + "\" must be a finite number", "got " + it->dump());
  return it->get<double>();
}

long long get_integer(const nlohmann::json& spec, const char* key, long long fallback) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) invalid(std::string("\"") + key + "\" must be an integer", "got " + it->dump());
  return it->get<long long>();
}

std::optional<Task> task_of(const std::string& task) {
  if (task == "classification") return Task::Classification;
  if (task == "regression") return Task::Regression;
  return std::nullopt;
}

}  // namespace

TrainSpec TrainSpec::parse(const nlohmann::json& spec) {
  if (!spec.is_object()) invalid("the spec of a train job must be a JSON object", "got " + spec.dump());
  reject_unknown_keys(spec,
                      {"relation", "target", "task", "algorithm", "hyperparams", "search",
                       "search_params", "metric", "test_size", "folds", "time_budget", "deploy", "seed", "preprocess"},
                      "train");
  TrainSpec s;
  s.relation = get_string(spec, "relation", "", true);
  s.target = get_string(spec, "target", "", true);

  s.task = get_string(spec, "task", "auto");
  if (s.task == "clustering" || s.task == "tagging")
    not_supported("task \"" + s.task + "\" is not implemented yet");
  if (s.task != "auto" && !task_of(s.task))
    invalid("unknown task \"" + s.task + "\"", "tasks: auto, classification, regression, clustering, tagging");

  s.algorithm = get_string(spec, "algorithm", "auto");
  if (s.algorithm != "auto") {
    const auto& info = find_algorithm(s.algorithm);
    if (!info.implemented) not_supported("algorithm \"" + s.algorithm + "\" is not implemented yet");
    if (auto task = task_of(s.task)) check_algorithm_task(s.algorithm, *task);
  }

  auto hp = spec.find("hyperparams");
  if (hp != spec.end() && !hp->is_null()) {
    if (!hp->is_object()) invalid("hyperparams must be a JSON object", "got " + hp->dump());
    s.hyperparams = *hp;
  }
  std::string concrete = s.algorithm;
  if (concrete == "auto" && task_of(s.task)) concrete = default_algorithm(*task_of(s.task));
  if (concrete != "auto") {
    resolve_hyperparams(concrete, s.hyperparams);
  } else if (!s.hyperparams.empty()) {
    invalid("hyperparams need an explicit algorithm or task",
            "with algorithm => 'auto' and task => 'auto' the algorithm is chosen after reading the data");
  }

  s.search = get_string(spec, "search", "none");
  if (s.search == "grid" || s.search == "random" || s.search == "auto")
    not_supported("search \"" + s.search + "\" is not implemented yet");
  if (s.search != "none") invalid("unknown search \"" + s.search + "\"", "searches: none, grid, random, auto");
  auto sp = spec.find("search_params");
  if (sp != spec.end() && !sp->is_null()) {
    if (!sp->is_object()) invalid("search_params must be a JSON object", "got " + sp->dump());
    if (!sp->empty()) not_supported("search_params need a search, which is not implemented yet");
  }

  auto metric = spec.find("metric");
  if (metric != spec.end() && !metric->is_null()) {
    s.metric = get_string(spec, "metric", "");
    const bool cls = is_classification_metric(*s.metric), reg = is_regression_metric(*s.metric);
    if (!cls && !reg)
      invalid("unknown metric \"" + *s.metric + "\"",
              "classification: accuracy, precision, recall, f1, roc_auc, log_loss; regression: r2, mae, rmse");
    if ((s.task == "classification" && !cls) || (s.task == "regression" && !reg))
      invalid("metric \"" + *s.metric + "\" does not apply to " + s.task);
  }

  s.test_size = get_number(spec, "test_size", 0.25);
  if (!(s.test_size > 0.0 && s.test_size < 1.0))
    invalid("test_size must be between 0 and 1 exclusive", "got " + nlohmann::json(s.test_size).dump());

  const long long folds = get_integer(spec, "folds", 0);
  if (folds < 0 || folds == 1) invalid("folds must be 0 (one held-out split) or at least 2", "got " + std::to_string(folds));
  if (folds > 1) not_supported("k-fold cross-validation is not implemented yet");
  s.folds = static_cast<int>(folds);

  auto budget = spec.find("time_budget");
  if (budget != spec.end() && !budget->is_null())
    not_supported("time_budget applies to search => 'auto', which is not implemented yet");

  s.deploy = get_string(spec, "deploy", "if_better");
  if (s.deploy != "if_better" && s.deploy != "always" && s.deploy != "never")
    invalid("unknown deploy policy \"" + s.deploy + "\"", "policies: if_better, always, never");

  const long long seed = get_integer(spec, "seed", 42);
  if (seed < 0) invalid("seed must not be negative", "got " + std::to_string(seed));
  s.seed = static_cast<std::uint64_t>(seed);
  if (auto pp = spec.find("preprocess"); pp != spec.end()) s.preprocess = PreprocessOptions::parse(*pp);
  for (const auto& column : s.preprocess.exclude)
    if (column == s.target) invalid("preprocess.exclude names the target column \"" + column + "\"");
  return s;
}

nlohmann::json TrainSpec::to_json() const {
  nlohmann::json j = {{"relation", relation},   {"target", target},
                      {"task", task},           {"algorithm", algorithm},
                      {"hyperparams", hyperparams}, {"search", search},
                      {"search_params", search_params}, {"test_size", test_size},
                      {"folds", folds},         {"deploy", deploy},
                      {"seed", seed},           {"preprocess", preprocess.to_json()}};
  j["metric"] = metric ? nlohmann::json(*metric) : nlohmann::json(nullptr);
  j["time_budget"] = time_budget_seconds ? nlohmann::json(*time_budget_seconds) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json normalize_job_spec(const std::string& kind, const nlohmann::json& spec) {
  if (kind == "train") return TrainSpec::parse(spec).to_json();
  if (kind == "noop") {
    if (!spec.is_object()) invalid("the spec of a noop job must be a JSON object", "got " + spec.dump());
    reject_unknown_keys(spec, {"seconds", "fail_attempts"}, "noop");
    const double seconds = get_number(spec, "seconds", 0.0);
    if (seconds < 0 || seconds > 86400) invalid("\"seconds\" must be between 0 and 86400", "got " + spec.at("seconds").dump());
    const long long fail = get_integer(spec, "fail_attempts", 0);
    if (fail < 0) invalid("\"fail_attempts\" must not be negative");
    return {{"seconds", seconds}, {"fail_attempts", fail}};
  }
  if (kind == "import" || kind == "design") not_supported("job kind \"" + kind + "\" is not implemented yet");
  invalid("unknown job kind \"" + kind + "\"", "kinds: train, noop, import, design");
}

}  // namespace automl
