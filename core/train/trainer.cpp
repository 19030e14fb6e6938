// trainer.cpp — one training run: split, scale, fit, evaluate the served bytes.
#include "automl/trainer.hpp"

#include <cmath>
#include <cstdlib>
#include <set>

#include "automl/algorithms.hpp"
#include "automl/error.hpp"
#include "automl/linear_models.hpp"
#include "automl/metrics.hpp"
#include "automl/split.hpp"
#include "automl/tree_ensemble.hpp"
#include "xgboost_fit.hpp"

namespace automl {
namespace {

struct TrainResources {
  const std::atomic<bool>* cancel;
  int threads;
  std::uint64_t seed;
};

Eigen::VectorXd numeric_target(const Dataset& data) {
  Eigen::VectorXd y(data.rows());
  for (Eigen::Index i = 0; i < data.rows(); ++i) {
    const std::string& text = data.target[static_cast<size_t>(i)];
    char* end = nullptr;
    y[i] = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(y[i]))
      throw Error(sqlstate::kInvalidTextRepresentation,
                  "target column \"" + data.target_name + "\" must be a finite number for regression",
                  "row " + std::to_string(i + 1) + " has \"" + text + "\"");
  }
  return y;
}

void check_data(const Dataset& data) {
  if (data.rows() == 0) invalid("the relation has no usable rows", "rows whose target is NULL are skipped");
  if (data.columns.empty()) invalid("the relation has no feature columns besides the target");
  for (const Column& c : data.columns) {
    const size_t expected = c.schema.type == ColumnType::NumericArray
                                ? static_cast<size_t>(data.rows()) * static_cast<size_t>(c.schema.width)
                                : static_cast<size_t>(data.rows());
    const size_t have = c.schema.type == ColumnType::Categorical ? c.texts.size() : c.numbers.size();
    if (c.schema.type == ColumnType::NumericArray && c.schema.width == 0)
      invalid("array column \"" + c.schema.name + "\" has no non-NULL value", "its width cannot be known");
    if (have != expected) throw Error(sqlstate::kInternalError, "column \"" + c.schema.name + "\" has the wrong length");
    if (c.schema.type != ColumnType::Categorical)
      for (double x : c.numbers)
        if (std::isinf(x)) invalid("column \"" + c.schema.name + "\" has an infinite value");
  }
}

// scikit-learn's class_weight='balanced': n / (k * count(class)).
Eigen::VectorXd balanced_weights(const Eigen::VectorXi& y, int n_classes) {
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(n_classes);
  for (Eigen::Index i = 0; i < y.size(); ++i) counts[y[i]] += 1;
  Eigen::VectorXd w(n_classes);
  for (int k = 0; k < n_classes; ++k)
    w[k] = counts[k] > 0 ? static_cast<double>(y.size()) / (n_classes * counts[k]) : 1.0;
  return w;
}

struct Fitted {
  std::shared_ptr<const Estimator> estimator;
  nlohmann::json info;  // solver notes: iterations, rounds, convergence
};

Fitted fit(const std::string& algorithm, const nlohmann::json& hp, const Eigen::MatrixXd& X,
           const Eigen::VectorXd& y_reg, const Eigen::VectorXi& y_cls, int n_classes, Task task,
           const TrainResources& resources) {
  const std::atomic<bool>* cancel = resources.cancel;
  if (algorithm == "xgboost" || algorithm == "random_forest") {
    const Eigen::VectorXd y = task == Task::Classification ? Eigen::VectorXd(y_cls.cast<double>()) : y_reg;
    TreeFit t = fit_trees(algorithm, hp, X, y, task, n_classes, resources.threads, resources.seed, cancel);
    return {t.ensemble, t.info};
  }
  const Link link = task == Task::Regression ? Link::Identity : n_classes == 2 ? Link::Sigmoid : Link::Softmax;
  auto linear = [&](LinearWeights w) {
    nlohmann::json info = {{"n_iter", w.n_iter}, {"converged", w.converged}};
    return Fitted{std::make_shared<LinearEstimator>(std::move(w), link), info};
  };
  const bool intercept = hp.at("fit_intercept").get<bool>();
  if (algorithm == "linear") return linear(fit_ols(X, y_reg, intercept));
  if (algorithm == "ridge") return linear(fit_ridge(X, y_reg, hp.at("alpha").get<double>(), intercept));
  if (algorithm == "lasso" || algorithm == "elastic_net") {
    ElasticNetParams p;
    p.alpha = hp.at("alpha").get<double>();
    p.l1_ratio = algorithm == "lasso" ? 1.0 : hp.at("l1_ratio").get<double>();
    p.max_iter = hp.at("max_iter").get<int>();
    p.tol = hp.at("tol").get<double>();
    p.fit_intercept = intercept;
    return linear(fit_elastic_net(X, y_reg, p, cancel));
  }
  if (algorithm == "logistic") {
    LogisticParams p;
    p.C = hp.at("penalty").get<std::string>() == "none" ? std::numeric_limits<double>::infinity()
                                                          : hp.at("C").get<double>();
    p.max_iter = hp.at("max_iter").get<int>();
    p.tol = hp.at("tol").get<double>();
    p.fit_intercept = intercept;
    if (hp.value("class_weight", "none") == "balanced") p.class_weight = balanced_weights(y_cls, n_classes);
    return linear(fit_logistic(X, y_cls, n_classes, p, cancel));
  }
  throw Error(sqlstate::kFeatureNotSupported, "algorithm \"" + algorithm + "\" is not implemented yet");
}

// Share of the model's weight each encoded feature carries: split counts for trees,
// |coefficient| in scaled space for linear models.
nlohmann::json feature_importance(const Estimator& estimator, const std::vector<std::string>& names) {
  std::vector<double> share(names.size(), 0.0);
  if (const auto* trees = dynamic_cast<const TreeEnsemble*>(&estimator)) {
    share = trees->split_importance();
  } else if (const auto* linear = dynamic_cast<const LinearEstimator*>(&estimator)) {
    const Eigen::VectorXd w = linear->weights().coef.cwiseAbs().colwise().sum().transpose();
    const double total = w.sum();
    for (size_t j = 0; j < names.size(); ++j) share[j] = total > 0 ? w[static_cast<Eigen::Index>(j)] / total : 0;
  }
  nlohmann::json out = nlohmann::json::object();
  for (size_t j = 0; j < names.size(); ++j) out[names[j]] = share[j];
  return out;
}

Eigen::VectorXi class_counts(const Eigen::VectorXi& y, int n_classes) {
  Eigen::VectorXi counts = Eigen::VectorXi::Zero(n_classes);
  for (Eigen::Index i = 0; i < y.size(); ++i) ++counts[y[i]];
  return counts;
}

}  // namespace

Task detect_task(const Dataset& data, std::string* reason, int max_classes) {
  auto say = [&](const std::string& r) {
    if (reason) *reason = r;
  };
  if (data.target_kind == ValueKind::Text || data.target_kind == ValueKind::Boolean) {
    say(std::string("target is ") + to_string(data.target_kind));
    return Task::Classification;
  }
  std::set<std::string> distinct;
  for (const auto& v : data.target) {
    distinct.insert(v);
    if (distinct.size() >= static_cast<size_t>(max_classes)) break;
  }
  if (distinct.size() < static_cast<size_t>(max_classes)) {
    say("target has " + std::to_string(distinct.size()) + " distinct values (fewer than " +
        std::to_string(max_classes) + ")");
    return Task::Classification;
  }
  say("target is numeric with " + std::to_string(max_classes) + " or more distinct values");
  return Task::Regression;
}

TrainOutcome train(const TrainSpec& spec, const Dataset& data, const std::atomic<bool>* cancel, int threads) {
  check_data(data);
  TrainOutcome out;
  std::string reason = "given by the job";
  if (spec.task == "auto") out.task = detect_task(data, &reason, spec.preprocess.max_auto_classes);
  else out.task = spec.task == "classification" ? Task::Classification : Task::Regression;
  out.algorithm = spec.algorithm == "auto" ? default_algorithm(out.task) : spec.algorithm;
  check_algorithm_task(out.algorithm, out.task);
  out.hyperparams = resolve_hyperparams(out.algorithm, spec.hyperparams);
  if (spec.metric) {
    const bool ok = out.task == Task::Classification ? is_classification_metric(*spec.metric)
                                                       : is_regression_metric(*spec.metric);
    if (!ok) invalid("metric \"" + *spec.metric + "\" does not apply to " + to_string(out.task));
  }

  const bool classify = out.task == Task::Classification;
  LabelEncoder labels;
  Eigen::VectorXi y_cls;
  Eigen::VectorXd y_reg;
  if (classify) {
    labels = LabelEncoder::fit(data.target, data.target_kind);
    if (labels.size() < 2)
      invalid("target column \"" + data.target_name + "\" has only one class",
              "class \"" + labels.classes().front() + "\"; classification needs at least two");
    y_cls = labels.encode(data.target);
    // A stratified split needs every class on both sides.
    const Eigen::VectorXi counts = class_counts(y_cls, labels.size());
    for (int k = 0; k < labels.size(); ++k)
      if (counts[k] < 2)
        invalid("class \"" + labels.classes()[static_cast<size_t>(k)] + "\" of target column \"" +
                    data.target_name + "\" has only one row",
                "each class needs at least two rows for a stratified train/test split; "
                "is the target really categorical?");
  } else {
    y_reg = numeric_target(data);
  }

  const TrainTestSplit split =
      train_test_split(data.rows(), spec.test_size, spec.seed, classify ? &y_cls : nullptr);
  // Everything learnt from data — imputation values, categories, scaling — comes
  // from the training split only.
  Preprocessor preprocessor = Preprocessor::fit(data, split.train, spec.preprocess);
  const Eigen::MatrixXd X_train = preprocessor.transform(data, split.train);

  Eigen::VectorXi yc_train, yc_test;
  Eigen::VectorXd yr_train, yr_test;
  if (classify) {
    yc_train = take(y_cls, split.train);
    yc_test = take(y_cls, split.test);
    std::set<int> present(yc_train.data(), yc_train.data() + yc_train.size());
    if (present.size() < 2) invalid("the training split has only one class", "use a smaller test_size or more rows");
  } else {
    yr_train = take(y_reg, split.train);
    yr_test = take(y_reg, split.test);
  }

  const TrainResources resources{cancel, threads, spec.seed};
  Fitted fitted_estimator = fit(out.algorithm, out.hyperparams, X_train, yr_train, yc_train, labels.size(), out.task,
                                resources);
  const std::vector<std::string> encoded = preprocessor.output_names();
  const Model fitted(out.task, out.algorithm, out.hyperparams, data.target_name, labels, std::move(preprocessor),
                     fitted_estimator.estimator);
  out.model_bytes = fitted.serialize();

  // Evaluate what will be served: the model parsed back from its stored bytes,
  // preprocessing included, on the raw held-out rows.
  const Model served = Model::parse(out.model_bytes);
  // Training-split scores reuse the features computed for fitting.
  if (classify) {
    out.metrics = classification_metrics(yc_test, served.predict_proba_batch(data, split.test));
    out.metrics["train_accuracy"] = accuracy(yc_train, Model::classes_of(served.predict_proba_features(X_train)));
  } else {
    out.metrics = regression_metrics(yr_test, served.predict_batch(data, split.test));
    out.metrics["train_r2"] = r2_score(yr_train, served.predict_features(X_train));
  }
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& c : served.inputs()) inputs.push_back({{"name", c.name}, {"type", to_string(c.type)}, {"sql_type", c.sql_type}});
  out.info = {{"rows", data.rows()},
              {"train_rows", split.train.size()},
              {"test_rows", split.test.size()},
              {"features", served.feature_names()},
              {"inputs", inputs},
              {"encoded_features", served.preprocessor().n_outputs()},
              {"feature_version", served.feature_version()},
              {"task", to_string(out.task)},
              {"task_reason", reason},
              {"algorithm", out.algorithm}};
  out.info.update(fitted_estimator.info);
  out.metrics["feature_importance"] = feature_importance(served.estimator(), encoded);
  if (classify) out.info["classes"] = labels.classes();
  return out;
}

}  // namespace automl
