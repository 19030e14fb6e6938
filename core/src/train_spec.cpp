// train_spec.cpp — validation and normalisation of job specs.
#include "automl/train_spec.hpp"

#include <cmath>
#include <set>

#include "automl/algorithms.hpp"
#include "automl/design.hpp"
#include "automl/error.hpp"
#include "automl/import_spec.hpp"
#include "automl/metrics.hpp"
#include "automl/spec_fields.hpp"

namespace automl {
namespace {

[[noreturn]] void not_supported(const std::string& message, const std::string& detail = {}) {
  throw Error(sqlstate::kFeatureNotSupported, message, detail);
}

// Grid: every key a hyper-parameter of the algorithm with a list of values, each valid.
// Random: lists, or ranges {"min", "max", "log"}; plus "n_trials".
void validate_search_params(const std::string& algorithm, const std::string& search,
                            const nlohmann::json& params) {
  if (params.empty())
    invalid("search '" + search + "' needs search_params", "e.g. {\"C\": [0.1, 1, 10]}");
  for (const auto& [key, value] : params.items()) {
    if (key == "n_trials") {
      if (search != "random" || !value.is_number_integer() || value.get<long long>() < 1 ||
          value.get<long long>() > 1000)
        invalid("n_trials must be an integer from 1 to 1000 with search 'random'");
      continue;
    }
    if (value.is_array()) {
      if (value.empty() || value.size() > 100)
        invalid("search_params." + key + " must list 1 to 100 values");
      for (const auto& v : value) resolve_hyperparams(algorithm, {{key, v}});
    } else if (value.is_object() && search == "random") {
      if (!value.contains("min") || !value.contains("max"))
        invalid("search_params." + key + " range needs min and max");
      resolve_hyperparams(algorithm, {{key, value.at("min")}});
      resolve_hyperparams(algorithm, {{key, value.at("max")}});
      if (!(value.at("min").get<double>() < value.at("max").get<double>()))
        invalid("search_params." + key + " needs min < max");
      for (const auto& [k, v] : value.items())
        if (k != "min" && k != "max" && k != "log")
          invalid("search_params." + key + " range takes min, max, log");
    } else {
      invalid(
          "search_params." + key +
              (search == "random" ? " must be a list or a {min, max} range" : " must be a list"),
          "got " + value.dump());
    }
  }
  size_t combinations = 1;
  if (search == "grid")
    for (const auto& [key, value] : params.items())
      if ((combinations *= value.size()) > 1000)
        invalid("the grid has more than 1000 combinations");
}

// As given (an object, or absent): defaults are filled in by resolve_hyperparams.
nlohmann::json parse_hyperparams(const nlohmann::json& spec) {
  auto hp = spec.find("hyperparams");
  if (hp == spec.end() || hp->is_null()) return nlohmann::json::object();
  if (!hp->is_object()) invalid("hyperparams must be a JSON object", "got " + hp->dump());
  return *hp;
}

// 0 holds nothing out: the metrics then come from cross-validation (folds >= 2) or,
// with a warning, from the training rows. Taggers always hold rows out.
double parse_test_size(const nlohmann::json& spec, bool zero_allowed) {
  const double test_size = get_number(spec, "test_size", 0.25);
  if (zero_allowed && test_size == 0.0) return test_size;
  if (!(test_size > 0.0 && test_size < 1.0))
    invalid(zero_allowed ? "test_size must be 0 or between 0 and 1 exclusive"
                         : "test_size must be between 0 and 1 exclusive",
            "got " + nlohmann::json(test_size).dump());
  return test_size;
}

// The boolean column naming the held-out rows (BigQuery ML's DATA_SPLIT_COL), or none.
std::optional<std::string> parse_split_column(const nlohmann::json& spec) {
  auto it = spec.find("split_column");
  if (it == spec.end() || it->is_null()) return std::nullopt;
  if (!it->is_string() || it->get<std::string>().empty())
    invalid("split_column must name a boolean column of the relation", "got " + it->dump());
  return it->get<std::string>();
}

// Only classification and regression hold rows out by a column.
void refuse_split_column(const nlohmann::json& spec, const char* task, const char* why) {
  if (parse_split_column(spec)) invalid(std::string("split_column does not apply to ") + task, why);
}

std::string parse_deploy(const nlohmann::json& spec) {
  std::string deploy = get_string(spec, "deploy", "if_better");
  if (deploy != "if_better" && deploy != "always" && deploy != "never")
    invalid("unknown deploy policy \"" + deploy + "\"", "policies: if_better, always, never");
  return deploy;
}

std::uint64_t parse_seed(const nlohmann::json& spec) {
  const long long seed = get_integer(spec, "seed", 42);
  if (seed < 0) invalid("seed must not be negative", "got " + std::to_string(seed));
  return static_cast<std::uint64_t>(seed);
}

// Tagging: a CRF over a text[] column of tokens and a text[] target of tags. No
// searches, folds or preprocessing; the metric is entity_f1 or token_accuracy.
TrainSpec parse_tagging(const nlohmann::json& spec, TrainSpec& s) {
  const std::string task = get_string(spec, "task", "auto");
  if (task != "tagging" && task != "auto")
    invalid("algorithm 'crf' is for task 'tagging'", "got task \"" + task + "\"");
  s.task = Task::Tagging;
  s.algorithm = get_string(spec, "algorithm", "auto");
  if (s.algorithm == "auto") s.algorithm = "crf";
  if (s.algorithm != "crf")
    invalid("task 'tagging' needs algorithm 'crf'", "got \"" + s.algorithm + "\"");
  s.hyperparams = parse_hyperparams(spec);
  s.hyperparams = resolve_hyperparams("crf", s.hyperparams);
  if (get_string(spec, "search", "none") != "none")
    not_supported("searches are not implemented for tagging");
  if (get_integer(spec, "folds", 0) != 0) not_supported("folds are not implemented for tagging");
  if (get_string(spec, "eval", "auto") != "auto") invalid("eval applies to searches");
  if (auto tb = spec.find("time_budget"); tb != spec.end() && !tb->is_null())
    invalid("time_budget applies to search => 'auto'");
  // A stored spec carries the default preprocess options; anything else is a mistake.
  if (auto pp = spec.find("preprocess");
      pp != spec.end() && PreprocessOptions::parse(*pp).to_json() != PreprocessOptions().to_json())
    invalid("preprocess does not apply to tagging", "tokens are featurised by the CRF itself");
  if (auto metric = spec.find("metric"); metric != spec.end() && !metric->is_null()) {
    s.metric = get_string(spec, "metric", "");
    if (*s.metric != "entity_f1" && *s.metric != "token_accuracy")
      invalid("metric \"" + *s.metric + "\" does not apply to tagging",
              "tagging metrics: entity_f1, token_accuracy");
  }
  s.test_size = parse_test_size(spec, false);
  refuse_split_column(spec, "tagging", "a tagger holds out test_size of its sentences");
  s.deploy = parse_deploy(spec);
  s.seed = parse_seed(spec);
  return s;
}

// The algorithm (checked against the task when one is given) and its hyperparams.
void parse_algorithm(const nlohmann::json& spec, TrainSpec& s) {
  s.algorithm = get_string(spec, "algorithm", "auto");
  if (s.algorithm != "auto") {
    const auto& info = find_algorithm(s.algorithm);
    if (!info.implemented)
      not_supported("algorithm \"" + s.algorithm + "\" is not implemented yet");
    if (s.task) check_algorithm_task(s.algorithm, *s.task);
  }
  s.hyperparams = parse_hyperparams(spec);
  std::string concrete = s.algorithm;
  if (concrete == "auto" && s.task) concrete = default_algorithm(*s.task);
  if (concrete != "auto") {
    resolve_hyperparams(concrete, s.hyperparams);
  } else if (!s.hyperparams.empty()) {
    invalid("hyperparams need an explicit algorithm or task",
            "with algorithm => 'auto' and task => 'auto' the algorithm is chosen after reading the "
            "data");
  }
}

// search 'auto' takes only the list of algorithm families it may try.
void validate_auto_search_params(const nlohmann::json& params) {
  for (const auto& [key, value] : params.items()) {
    if (key != "algorithms")
      invalid("search 'auto' takes only \"algorithms\" in search_params", "got \"" + key + "\"");
    if (!value.is_array() || value.empty())
      invalid("search_params.algorithms must be a non-empty array");
    for (const auto& a : value) {
      if (!a.is_string()) invalid("search_params.algorithms must name algorithms");
      const auto& info = find_algorithm(a.get<std::string>());
      if (!info.implemented)
        not_supported("algorithm \"" + a.get<std::string>() + "\" is not implemented yet");
      if (info.clustering)
        invalid("search 'auto' does not try \"" + a.get<std::string>() + "\"",
                "it is for task 'clustering', which has no search");
    }
  }
}

void parse_search(const nlohmann::json& spec, TrainSpec& s) {
  s.search = get_string(spec, "search", "none");
  if (s.search != "none" && s.search != "grid" && s.search != "random" && s.search != "auto")
    invalid("unknown search \"" + s.search + "\"", "searches: none, grid, random, auto");
  auto sp = spec.find("search_params");
  if (sp != spec.end() && !sp->is_null()) {
    if (!sp->is_object()) invalid("search_params must be a JSON object", "got " + sp->dump());
    s.search_params = *sp;
  }
  if (s.search == "none" && !s.search_params.empty())
    invalid("search_params need search => 'grid', 'random' or 'auto'");
  if (s.search == "grid" || s.search == "random") {
    if (s.algorithm == "auto")
      invalid("search '" + s.search + "' needs an explicit algorithm", "or use search => 'auto'");
    validate_search_params(s.algorithm, s.search, s.search_params);
  }
  if (s.search == "auto") validate_auto_search_params(s.search_params);
  s.eval = get_string(spec, "eval", "auto");
  if (s.eval != "auto" && s.eval != "holdout" && s.eval != "cv")
    invalid("unknown eval \"" + s.eval + "\"", "eval: auto, holdout, cv");
  if (s.search == "none" && s.eval != "auto")
    invalid("eval applies to searches",
            "it says how trials are scored; use folds => k to "
            "cross-validate one configuration");
}

std::optional<std::string> parse_metric(const nlohmann::json& spec, std::optional<Task> task) {
  auto metric = spec.find("metric");
  if (metric == spec.end() || metric->is_null()) return std::nullopt;
  const std::string name = get_string(spec, "metric", "");
  const bool cls = is_classification_metric(name), reg = is_regression_metric(name),
             clu = is_clustering_metric(name);
  if (!cls && !reg && !clu)
    invalid("unknown metric \"" + name + "\"",
            "classification: accuracy, precision, recall, f1, roc_auc, log_loss; regression: r2, "
            "mae, rmse; clustering: silhouette, inertia");
  if ((task == Task::Classification && !cls) || (task == Task::Regression && !reg) ||
      (task == Task::Clustering && !clu))
    invalid("metric \"" + name + "\" does not apply to " + to_string(*task));
  if (!task && !cls && !reg)
    invalid("metric \"" + name + "\" applies to clustering only", "",
            "cluster with task => 'clustering'");
  return name;
}

int parse_folds(const nlohmann::json& spec) {
  const long long folds = get_integer(spec, "folds", 0);
  if (folds < 0 || folds == 1)
    invalid("folds must be 0 (one held-out split) or at least 2", "got " + std::to_string(folds));
  if (folds > 20) invalid("folds must be at most 20", "got " + std::to_string(folds));
  return static_cast<int>(folds);
}

// Seconds, only with search 'auto' (which needs one).
std::optional<double> parse_time_budget(const nlohmann::json& spec, const std::string& search) {
  std::optional<double> seconds;
  auto budget = spec.find("time_budget");
  if (budget != spec.end() && !budget->is_null()) {
    seconds = get_number(spec, "time_budget", 0);
    if (!(*seconds >= 1 && *seconds <= 86400))
      invalid("time_budget must be between 1 second and 1 day",
              "got " + budget->dump() + " seconds");
    if (search != "auto") invalid("time_budget applies to search => 'auto'");
  }
  if (search == "auto" && !seconds)
    invalid("search => 'auto' needs a time_budget", "for example time_budget => '30 seconds'");
  return seconds;
}

// Clustering: k-means over the relation's columns, with no target (a non-null one is
// refused). Every row is fitted and scored — inertia, silhouette — as there is no
// target to hold rows out for: searches and folds are refused (n_clusters => 'auto'
// chooses k by silhouette instead), and test_size, which automl.train always passes,
// is checked as usual and then ignored (stored as 0). refit changes nothing: the one
// fit uses every row.
TrainSpec parse_clustering(const nlohmann::json& spec, TrainSpec& s) {
  if (auto target = spec.find("target"); target != spec.end() && !target->is_null())
    invalid("task 'clustering' takes no target", "got \"target\": " + target->dump().substr(0, 80),
            "leave target NULL: every column of the relation (less preprocess.exclude) is a "
            "feature");
  s.target.clear();
  s.task = Task::Clustering;
  s.algorithm = get_string(spec, "algorithm", "auto");
  if (s.algorithm != "auto") check_algorithm_task(s.algorithm, Task::Clustering);
  s.hyperparams = parse_hyperparams(spec);
  resolve_hyperparams(default_algorithm(Task::Clustering), s.hyperparams);
  s.search = get_string(spec, "search", "none");
  if (s.search != "none")
    invalid("search '" + s.search + "' does not apply to clustering",
            "a search scores trials on held-out rows, and clustering has no target to score",
            "hyperparams => '{\"n_clusters\": \"auto\"}' chooses k by silhouette");
  if (auto sp = spec.find("search_params");
      sp != spec.end() && !sp->is_null() && !(sp->is_object() && sp->empty()))
    invalid("search_params need a search, and clustering has none");
  if (get_string(spec, "eval", "auto") != "auto") invalid("eval applies to searches");
  if (parse_folds(spec) != 0)
    invalid("folds do not apply to clustering",
            "clustering fits and scores every row; there is no target to cross-validate");
  parse_test_size(spec, true);
  s.test_size = 0;
  refuse_split_column(spec, "clustering", "clustering fits and scores every row");
  s.metric = parse_metric(spec, s.task);
  s.time_budget_seconds = parse_time_budget(spec, s.search);
  s.deploy = parse_deploy(spec);
  s.seed = parse_seed(spec);
  if (auto pp = spec.find("preprocess"); pp != spec.end())
    s.preprocess = PreprocessOptions::parse(*pp);
  return s;
}

// A clustering spec: task 'clustering', or task 'auto' with algorithm 'kmeans' (as
// 'crf' implies tagging). Read without throwing, so other specs' errors keep their order.
bool is_clustering_spec(const nlohmann::json& spec) {
  const auto task = spec.find("task"), algorithm = spec.find("algorithm");
  if (task != spec.end() && *task == "clustering") return true;
  const bool auto_task = task == spec.end() || task->is_null() || *task == "auto";
  return auto_task && algorithm != spec.end() && *algorithm == "kmeans";
}

}  // namespace

TrainSpec TrainSpec::parse(const nlohmann::json& spec) {
  if (!spec.is_object())
    invalid("the spec of a train job must be a JSON object", "got " + spec.dump());
  reject_unknown_keys(spec,
                      {"relation", "target", "task", "algorithm", "hyperparams", "search",
                       "search_params", "metric", "test_size", "folds", "time_budget", "deploy",
                       "seed", "preprocess", "refit", "eval", "split_column"},
                      "train");
  TrainSpec s;
  s.refit = get_boolean(spec, "refit", true);
  s.relation = get_string(spec, "relation", "", true);
  if (is_clustering_spec(spec)) return parse_clustering(spec, s);
  const auto task_given = spec.find("task"), target_given = spec.find("target");
  if ((task_given == spec.end() || task_given->is_null() || *task_given == "auto") &&
      (target_given == spec.end() || target_given->is_null()))
    invalid("the spec needs \"target\"", "",
            "to group rows without a target, use task => 'clustering'");
  s.target = get_string(spec, "target", "", true);

  const std::string task = get_string(spec, "task", "auto");
  const std::optional<Task> named = task_from_name(task);
  if (named == Task::Tagging || get_string(spec, "algorithm", "auto") == "crf")
    return parse_tagging(spec, s);
  if (task != "auto" && !named)
    invalid("unknown task \"" + task + "\"",
            "tasks: auto, classification, regression, clustering, tagging");
  s.task = named;

  parse_algorithm(spec, s);
  parse_search(spec, s);
  s.metric = parse_metric(spec, s.task);
  s.test_size = parse_test_size(spec, true);
  s.split_column = parse_split_column(spec);
  if (s.split_column && *s.split_column == s.target)
    invalid("split_column names the target column \"" + s.target + "\"",
            "the split column says which rows are held out; it needs a column of its own");
  if (s.split_column && s.test_size == 0.0)
    invalid("test_size => 0 holds nothing out, but split_column \"" + *s.split_column +
                "\" names held-out rows",
            "", "leave test_size at its default: split_column takes its place");
  s.folds = parse_folds(spec);
  s.time_budget_seconds = parse_time_budget(spec, s.search);
  s.deploy = parse_deploy(spec);
  s.seed = parse_seed(spec);
  if (auto pp = spec.find("preprocess"); pp != spec.end())
    s.preprocess = PreprocessOptions::parse(*pp);
  for (const auto& column : s.preprocess.exclude)
    if (column == s.target)
      invalid("preprocess.exclude names the target column \"" + column + "\"");
  return s;
}

nlohmann::json TrainSpec::to_json() const {
  nlohmann::json j = {
      {"relation", relation},
      {"target", task == Task::Clustering ? nlohmann::json(nullptr) : nlohmann::json(target)},
      {"task", task ? to_string(*task) : "auto"},
      {"algorithm", algorithm},
      {"hyperparams", hyperparams},
      {"search", search},
      {"search_params", search_params},
      {"eval", eval},
      {"test_size", test_size},
      {"folds", folds},
      {"deploy", deploy},
      {"seed", seed},
      {"refit", refit},
      {"preprocess", preprocess.to_json()}};
  if (split_column) j["split_column"] = *split_column;
  j["metric"] = metric ? nlohmann::json(*metric) : nlohmann::json(nullptr);
  j["time_budget"] =
      time_budget_seconds ? nlohmann::json(*time_budget_seconds) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json normalize_job_spec(const std::string& kind, const nlohmann::json& spec) {
  if (kind == "train") return TrainSpec::parse(spec).to_json();
  if (kind == "noop") {
    if (!spec.is_object())
      invalid("the spec of a noop job must be a JSON object", "got " + spec.dump());
    reject_unknown_keys(spec, {"seconds", "fail_attempts"}, "noop");
    const double seconds = get_number(spec, "seconds", 0.0);
    if (seconds < 0 || seconds > 86400)
      invalid("\"seconds\" must be between 0 and 86400", "got " + spec.at("seconds").dump());
    const long long fail = get_integer(spec, "fail_attempts", 0);
    if (fail < 0) invalid("\"fail_attempts\" must not be negative");
    return {{"seconds", seconds}, {"fail_attempts", fail}};
  }
  if (kind == "import") return ImportSpec::parse(spec).to_json();
  if (kind == "design") return check_design_spec(spec);
  invalid("unknown job kind \"" + kind + "\"", "kinds: train, noop, import, design");
}

}  // namespace automl
