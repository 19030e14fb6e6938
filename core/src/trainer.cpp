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

namespace automl {
namespace {

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

LinearWeights fit(const std::string& algorithm, const nlohmann::json& hp, const Eigen::MatrixXd& X,
                  const Eigen::VectorXd& y_reg, const Eigen::VectorXi& y_cls, int n_classes,
                  const std::atomic<bool>* cancel) {
  const bool intercept = hp.at("fit_intercept").get<bool>();
  if (algorithm == "linear") return fit_ols(X, y_reg, intercept);
  if (algorithm == "ridge") return fit_ridge(X, y_reg, hp.at("alpha").get<double>(), intercept);
  if (algorithm == "lasso" || algorithm == "elastic_net") {
    ElasticNetParams p;
    p.alpha = hp.at("alpha").get<double>();
    p.l1_ratio = algorithm == "lasso" ? 1.0 : hp.at("l1_ratio").get<double>();
    p.max_iter = hp.at("max_iter").get<int>();
    p.tol = hp.at("tol").get<double>();
    p.fit_intercept = intercept;
    return fit_elastic_net(X, y_reg, p, cancel);
  }
  if (algorithm == "logistic") {
    LogisticParams p;
    p.C = hp.at("penalty").get<std::string>() == "none" ? std::numeric_limits<double>::infinity()
                                                          : hp.at("C").get<double>();
    p.max_iter = hp.at("max_iter").get<int>();
    p.tol = hp.at("tol").get<double>();
    p.fit_intercept = intercept;
    if (hp.value("class_weight", "none") == "balanced") p.class_weight = balanced_weights(y_cls, n_classes);
    return fit_logistic(X, y_cls, n_classes, p, cancel);
  }
  throw Error(sqlstate::kFeatureNotSupported, "algorithm \"" + algorithm + "\" is not implemented yet");
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

TrainOutcome train(const TrainSpec& spec, const Dataset& data, const std::atomic<bool>* cancel) {
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

  LinearWeights weights = fit(out.algorithm, out.hyperparams, X_train, yr_train, yc_train, labels.size(), cancel);
  const bool converged = weights.converged;
  const int n_iter = weights.n_iter;
  const Link link = !classify ? Link::Identity : labels.size() == 2 ? Link::Sigmoid : Link::Softmax;
  const Model fitted(out.task, out.algorithm, out.hyperparams, data.target_name, labels, std::move(preprocessor),
                     std::make_shared<LinearEstimator>(std::move(weights), link));
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
              {"algorithm", out.algorithm},
              {"n_iter", n_iter},
              {"converged", converged}};
  if (classify) out.info["classes"] = labels.classes();
  return out;
}

}  // namespace automl
