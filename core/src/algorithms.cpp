// algorithms.cpp — the algorithm catalogue and hyper-parameter validation.
//
// Each hyper-parameter is declared once, with its type, range and scikit-learn
// default; INSERT-time validation, training and the docs all follow this table.
#include "automl/algorithms.hpp"

#include <cmath>
#include <limits>

#include "automl/error.hpp"
#include "automl/kmeans.hpp"
#include "automl/token_features.hpp"

namespace automl {
namespace {

enum class ParamType { Number, Integer, Boolean, Choice };

struct ParamSpec {
  const char* name;
  ParamType type;
  nlohmann::json default_value;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  std::vector<std::string> choices = {};
};

const double kInf = std::numeric_limits<double>::infinity();

std::vector<ParamSpec> params_of(const std::string& algorithm) {
  const ParamSpec fit_intercept{"fit_intercept", ParamType::Boolean, true};
  const ParamSpec alpha{"alpha", ParamType::Number, 1.0, 0.0, kInf};
  const ParamSpec cd_max_iter{"max_iter", ParamType::Integer, 1000, 1, 1e7};
  const ParamSpec cd_tol{"tol", ParamType::Number, 1e-4, 0.0, 1.0, true};
  if (algorithm == "linear") return {fit_intercept};
  if (algorithm == "ridge") return {alpha, fit_intercept};
  if (algorithm == "lasso") return {alpha, cd_max_iter, cd_tol, fit_intercept};
  if (algorithm == "elastic_net")
    return {
        alpha, {"l1_ratio", ParamType::Number, 0.5, 0.0, 1.0}, cd_max_iter, cd_tol, fit_intercept};
  if (algorithm == "logistic")
    return {{"C", ParamType::Number, 1.0, 0.0, kInf, true},
            {"penalty", ParamType::Choice, "l2", 0, 0, false, {"l2", "none"}},
            {"max_iter", ParamType::Integer, 100, 1, 1e7},
            {"tol", ParamType::Number, 1e-4, 0.0, 1.0, true},
            {"class_weight", ParamType::Choice, "none", 0, 0, false, {"none", "balanced"}},
            fit_intercept};
  // XGBoost's names and the defaults of its scikit-learn wrapper (XGBClassifier,
  // XGBRFClassifier); early stopping holds out validation_fraction of the training split.
  const ParamSpec n_estimators{"n_estimators", ParamType::Integer, 100, 1, 10000};
  const ParamSpec max_depth{"max_depth", ParamType::Integer, 6, 1, 30};
  const ParamSpec min_child_weight{"min_child_weight", ParamType::Number, 1.0, 0.0, kInf};
  const ParamSpec reg_alpha{"reg_alpha", ParamType::Number, 0.0, 0.0, kInf};
  if (algorithm == "xgboost")
    return {n_estimators,
            max_depth,
            {"learning_rate", ParamType::Number, 0.3, 0.0, 1.0, true},
            {"subsample", ParamType::Number, 1.0, 0.0, 1.0, true},
            {"colsample_bytree", ParamType::Number, 1.0, 0.0, 1.0, true},
            min_child_weight,
            {"reg_lambda", ParamType::Number, 1.0, 0.0, kInf},
            reg_alpha,
            {"early_stopping_rounds", ParamType::Integer, 10, 0, 10000},
            {"validation_fraction", ParamType::Number, 0.1, 0.0, 0.5, true}};
  // min_feature_count 2: a sixth of the features, same F1; token_features 4 and augment 1
  // (as many augmented rows as training rows): entity F1 0.70 → 0.91 on
  // data/respirators_noisy.csv, 0.96 → 0.98 on the clean unseen-brand split
  // (docs/benchmarks.md, tagging).
  // training: how the weights are found (crf.hpp, CrfTraining); c2, c1 and max_iter
  // are lbfgs's, epochs the online trainings' (docs/benchmarks.md, tagging, compares them).
  if (algorithm == "crf")
    return {{"c2", ParamType::Number, 0.1, 0.0, 1e6},
            {"max_iter", ParamType::Integer, 200, 1, 10000},
            {"min_feature_count", ParamType::Integer, 2, 1, 1000},
            {"token_features", ParamType::Integer, TokenFeatures::kLatestVersion, 1,
             TokenFeatures::kLatestVersion},
            {"augment", ParamType::Number, 1.0, 0.0, 10.0},
            {"training", ParamType::Choice, "lbfgs", 0, 0, false, {"lbfgs", "perceptron", "pa"}},
            {"c1", ParamType::Number, 0.0, 0.0, 1e6},
            {"epochs", ParamType::Integer, 10, 1, 1000}};
  // sklearn.cluster.KMeans's names and defaults (n_init 10, as before sklearn 1.4);
  // n_clusters "auto": the best silhouette over k = 2 … 10 (kmeans.hpp).
  if (algorithm == "kmeans")
    return {{"n_clusters", ParamType::Integer, 8, 1, kMaxClusters, false, {"auto"}},
            {"init", ParamType::Choice, "k-means++", 0, 0, false, {"k-means++", "random"}},
            {"n_init", ParamType::Integer, 10, 1, 100},
            {"max_iter", ParamType::Integer, 300, 1, 100000},
            {"tol", ParamType::Number, 1e-4, 0.0, 1.0}};
  if (algorithm == "random_forest")
    return {n_estimators,
            max_depth,
            {"subsample", ParamType::Number, 0.8, 0.0, 1.0, true},
            {"colsample_bynode", ParamType::Number, 0.8, 0.0, 1.0, true},
            min_child_weight,
            {"reg_lambda", ParamType::Number, 1e-5, 0.0, kInf},
            reg_alpha};
  return {};
}

std::string range_text(const ParamSpec& p) {
  std::string lo = p.min_exclusive ? "greater than " : "at least ";
  std::string text = lo + nlohmann::json(p.min).dump();
  if (std::isfinite(p.max)) text += " and at most " + nlohmann::json(p.max).dump();
  return text;
}

nlohmann::json check_value(const std::string& algorithm, const ParamSpec& p,
                           const nlohmann::json& v) {
  const std::string where =
      "hyper-parameter \"" + std::string(p.name) + "\" of algorithm \"" + algorithm + "\"";
  switch (p.type) {
    case ParamType::Boolean:
      if (!v.is_boolean()) invalid(where + " must be a boolean", "got " + v.dump());
      return v;
    case ParamType::Choice: {
      if (v.is_string())
        for (const auto& c : p.choices)
          if (v.get<std::string>() == c) return v;
      std::string list;
      for (const auto& c : p.choices) list += (list.empty() ? "" : ", ") + c;
      invalid(where + " must be one of: " + list, "got " + v.dump());
    }
    case ParamType::Integer:
    case ParamType::Number: {
      // A number, or one of the words it also takes (kmeans' n_clusters "auto").
      for (const auto& c : p.choices)
        if (v.is_string() && v.get<std::string>() == c) return v;
      if (!v.is_number())
        invalid(where + " must be " +
                    (p.choices.empty()
                         ? std::string("a number")
                         : std::string(p.type == ParamType::Integer ? "an integer" : "a number") +
                               " or \"" + p.choices.front() + "\""),
                "got " + v.dump());
      const double x = v.get<double>();
      if (p.type == ParamType::Integer && (!v.is_number_integer() || std::floor(x) != x))
        invalid(where + " must be an integer", "got " + v.dump());
      if (!std::isfinite(x) || x < p.min || (p.min_exclusive && x == p.min) || x > p.max)
        invalid(where + " must be " + range_text(p), "got " + v.dump());
      return v;
    }
  }
  return v;
}

}  // namespace

const std::vector<AlgorithmInfo>& algorithm_catalogue() {
  static const std::vector<AlgorithmInfo> catalogue = {
      {"linear", true, false, true},       {"ridge", true, false, true},
      {"lasso", true, false, true},        {"elastic_net", true, false, true},
      {"logistic", true, true, false},     {"xgboost", true, true, true},
      {"random_forest", true, true, true}, {"kmeans", true, false, false, true},
      {"crf", true, false, false},     // task 'tagging' only
      {"ensemble", true, true, true},  // the average of other families' models
  };
  return catalogue;
}

const AlgorithmInfo& find_algorithm(const std::string& name) {
  for (const auto& a : algorithm_catalogue())
    if (name == a.name) return a;
  std::string list;
  for (const auto& a : algorithm_catalogue())
    list += (list.empty() ? "" : ", ") + std::string(a.name);
  invalid("unknown algorithm \"" + name + "\"", "known algorithms: auto, " + list);
}

std::string default_algorithm(Task task) {
  switch (task) {
    case Task::Classification:
      return "logistic";
    case Task::Regression:
      return "ridge";
    case Task::Tagging:
      return "crf";
    case Task::Clustering:
      return "kmeans";
  }
  return "auto";
}

// An ensemble's hyperparams: {"members": [{"algorithm", "hyperparams"}, ...]}, 2 to 10
// members of the tabular families, each resolved like a model of its own.
nlohmann::json resolve_ensemble(const nlohmann::json& given) {
  for (const auto& [key, value] : given.items())
    if (key != "members")
      invalid("unknown hyper-parameter \"" + key + "\" for algorithm \"ensemble\"",
              "accepted: members");
  const auto members = given.find("members");
  if (members == given.end() || !members->is_array() || members->size() < 2 || members->size() > 10)
    invalid("hyperparams.members of an ensemble must list 2 to 10 members");
  nlohmann::json resolved = nlohmann::json::array();
  for (const auto& m : *members) {
    if (!m.is_object() || !m.contains("algorithm") || !m["algorithm"].is_string())
      invalid("each ensemble member needs an \"algorithm\"", "got " + m.dump().substr(0, 80));
    const std::string algorithm = m["algorithm"].get<std::string>();
    const auto& info = find_algorithm(algorithm);
    if (algorithm == "ensemble" || algorithm == "crf" || info.clustering || !info.implemented)
      invalid("algorithm \"" + algorithm + "\" cannot be an ensemble member");
    resolved.push_back(
        {{"algorithm", algorithm},
         {"hyperparams",
          resolve_hyperparams(algorithm, m.value("hyperparams", nlohmann::json::object()))}});
  }
  return {{"members", resolved}};
}

nlohmann::json resolve_hyperparams(const std::string& algorithm, const nlohmann::json& given) {
  if (!given.is_object()) invalid("hyperparams must be a JSON object", "got " + given.dump());
  if (algorithm == "ensemble") return resolve_ensemble(given);
  const auto specs = params_of(algorithm);
  for (const auto& [key, value] : given.items()) {
    bool known = false;
    for (const auto& p : specs) known = known || key == p.name;
    if (!known) {
      std::string list;
      for (const auto& p : specs) list += (list.empty() ? "" : ", ") + std::string(p.name);
      invalid("unknown hyper-parameter \"" + key + "\" for algorithm \"" + algorithm + "\"",
              "accepted: " + (list.empty() ? std::string("none") : list));
    }
  }
  nlohmann::json resolved = nlohmann::json::object();
  for (const auto& p : specs) {
    auto it = given.find(p.name);
    resolved[p.name] = it == given.end() ? p.default_value : check_value(algorithm, p, *it);
  }
  // An L1 penalty is a term of the likelihood that only lbfgs minimises.
  if (algorithm == "crf" && resolved["c1"].get<double>() > 0 && resolved["training"] != "lbfgs")
    invalid("hyper-parameter \"c1\" of algorithm \"crf\" needs \"training\": \"lbfgs\"",
            "got training " + resolved["training"].dump());
  return resolved;
}

bool serves_task(const AlgorithmInfo& info, Task task) {
  switch (task) {
    case Task::Classification:
      return info.classification;
    case Task::Regression:
      return info.regression;
    case Task::Tagging:
      return std::string(info.name) == "crf";
    case Task::Clustering:
      return info.clustering;
  }
  return false;
}

void check_algorithm_task(const std::string& algorithm, Task task) {
  if (task == Task::Tagging) {
    if (algorithm != "crf")
      invalid("task 'tagging' needs algorithm 'crf'", "got \"" + algorithm + "\"");
    return;
  }
  if (task == Task::Clustering) {
    if (!serves_task(find_algorithm(algorithm), task))
      invalid("task 'clustering' needs algorithm 'kmeans'", "got \"" + algorithm + "\"");
    return;
  }
  const auto& info = find_algorithm(algorithm);
  if (!serves_task(info, task))
    invalid("algorithm \"" + algorithm + "\" cannot be used for " + to_string(task),
            info.clustering ? "kmeans is for task 'clustering'"
            : task == Task::Classification
                ? "use logistic for classification"
                : "use linear, ridge, lasso or elastic_net for regression");
}

}  // namespace automl
