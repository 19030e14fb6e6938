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
#include "automl/standard_scaler.hpp"

namespace automl {
namespace {

// Integer targets with fewer distinct values than this are taken as classes.
constexpr size_t kMaxAutoClasses = 10;

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
  if (data.rows() == 0) invalid("the relation has no usable rows", "rows with NULL features or target are skipped");
  if (data.X.cols() == 0) invalid("the relation has no numeric feature columns besides the target");
  if (static_cast<Eigen::Index>(data.target.size()) != data.rows())
    throw Error(sqlstate::kInternalError, "dataset has a target of the wrong length");
  for (Eigen::Index j = 0; j < data.X.cols(); ++j)
    for (Eigen::Index i = 0; i < data.rows(); ++i)
      if (!std::isfinite(data.X(i, j)))
        invalid("feature \"" + data.feature_names[static_cast<size_t>(j)] + "\" has a NaN or infinite value",
                "row " + std::to_string(i + 1));
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

Task detect_task(const Dataset& data, std::string* reason) {
  auto say = [&](const std::string& r) {
    if (reason) *reason = r;
  };
  if (data.target_kind == ValueKind::Text || data.target_kind == ValueKind::Boolean) {
    say(std::string("target is ") + to_string(data.target_kind));
    return Task::Classification;
  }
  std::set<std::string> distinct;
  bool integral = data.target_kind == ValueKind::Integer;
  if (!integral) {
    const Eigen::VectorXd y = numeric_target(data);
    integral = (y.array() == y.array().floor()).all();
  }
  for (const auto& v : data.target) {
    distinct.insert(v);
    if (distinct.size() >= kMaxAutoClasses) break;
  }
  if (integral && distinct.size() < kMaxAutoClasses) {
    say("target has integer values with " + std::to_string(distinct.size()) + " distinct values (< " +
        std::to_string(kMaxAutoClasses) + ")");
    return Task::Classification;
  }
  say(integral ? "target has " + std::to_string(kMaxAutoClasses) + " or more distinct integer values"
               : "target has non-integer numeric values");
  return Task::Regression;
}

TrainOutcome train(const TrainSpec& spec, const Dataset& data, const std::atomic<bool>* cancel) {
  check_data(data);
  TrainOutcome out;
  std::string reason = "given by the job";
  if (spec.task == "auto") out.task = detect_task(data, &reason);
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
  const Eigen::MatrixXd X_train = take_rows(data.X, split.train);
  const Eigen::MatrixXd X_test = take_rows(data.X, split.test);
  const StandardScaler scaler = StandardScaler::fit(X_train);
  const Eigen::MatrixXd X_train_scaled = scaler.transform(X_train);

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

  LinearWeights weights = fit(out.algorithm, out.hyperparams, X_train_scaled, yr_train, yc_train,
                              labels.size(), cancel);
  const bool converged = weights.converged;
  const int n_iter = weights.n_iter;
  const Link link = !classify ? Link::Identity : labels.size() == 2 ? Link::Sigmoid : Link::Softmax;
  const Model fitted(out.task, out.algorithm, out.hyperparams, data.feature_names, data.target_name,
                     labels, scaler, std::make_shared<LinearEstimator>(std::move(weights), link));
  out.model_bytes = fitted.serialize();

  // Evaluate what will be served: the model parsed back from its stored bytes.
  const Model served = Model::parse(out.model_bytes);
  if (classify) {
    out.metrics = classification_metrics(yc_test, served.predict_proba_batch(X_test));
    out.metrics["train_accuracy"] = accuracy(yc_train, served.predict_class_batch(X_train));
  } else {
    out.metrics = regression_metrics(yr_test, served.predict_batch(X_test));
    out.metrics["train_r2"] = r2_score(yr_train, served.predict_batch(X_train));
  }
  out.info = {{"rows", data.rows()},
              {"train_rows", split.train.size()},
              {"test_rows", split.test.size()},
              {"features", data.feature_names},
              {"task", to_string(out.task)},
              {"task_reason", reason},
              {"algorithm", out.algorithm},
              {"n_iter", n_iter},
              {"converged", converged}};
  if (classify) out.info["classes"] = labels.classes();
  return out;
}

}  // namespace automl
