// fit_estimator.cpp — fitting one configuration of any algorithm on encoded rows,
// and what a fitted estimator tells about itself.
#include "fit_estimator.hpp"

#include <limits>

#include "automl/algorithms.hpp"
#include "automl/ensemble.hpp"
#include "automl/error.hpp"
#include "automl/kmeans.hpp"
#include "automl/linear_models.hpp"
#include "automl/metrics.hpp"
#include "automl/tree_ensemble.hpp"
#include "xgboost_fit.hpp"

namespace automl {

Eigen::VectorXd balanced_weights(const Eigen::VectorXi& y, int n_classes) {
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(n_classes);
  for (Eigen::Index i = 0; i < y.size(); ++i) counts[y[i]] += 1;
  Eigen::VectorXd w(n_classes);
  for (int k = 0; k < n_classes; ++k)
    w[k] = counts[k] > 0 ? static_cast<double>(y.size()) / (n_classes * counts[k]) : 1.0;
  return w;
}

namespace {

// Each member fitted on the same rows, averaged with equal weights.
Fitted fit_ensemble(const nlohmann::json& hp, const Eigen::MatrixXd& X,
                    const Eigen::VectorXd& y_reg, const Eigen::VectorXi& y_cls, int n_classes,
                    Task task, const TrainResources& resources) {
  std::vector<std::shared_ptr<const Estimator>> members;
  nlohmann::json info = nlohmann::json::array();
  for (const auto& m : hp.at("members")) {
    const std::string algorithm = m.at("algorithm").get<std::string>();
    check_algorithm_task(algorithm, task);
    Fitted f =
        fit_estimator(algorithm, m.at("hyperparams"), X, y_reg, y_cls, n_classes, task, resources);
    members.push_back(std::move(f.estimator));
    info.push_back(std::move(f.info));
  }
  const std::vector<double> weights(members.size(), 1.0);
  return {std::make_shared<EnsembleEstimator>(std::move(members), weights, X.cols()),
          {{"members", info}}};
}

}  // namespace

Fitted fit_estimator(const std::string& algorithm, const nlohmann::json& hp,
                     const Eigen::MatrixXd& X, const Eigen::VectorXd& y_reg,
                     const Eigen::VectorXi& y_cls, int n_classes, Task task,
                     const TrainResources& resources) {
  const std::atomic<bool>* cancel = resources.cancel;
  if (algorithm == "ensemble") return fit_ensemble(hp, X, y_reg, y_cls, n_classes, task, resources);
  if (algorithm == "xgboost" || algorithm == "random_forest") {
    const Eigen::VectorXd y =
        task == Task::Classification ? Eigen::VectorXd(y_cls.cast<double>()) : y_reg;
    TreeFit t = fit_trees(algorithm, hp, X, y, task, n_classes, resources.threads, resources.seed,
                          cancel, resources.deadline);
    return {t.ensemble, t.info};
  }
  const Link link = task == Task::Regression ? Link::Identity
                    : n_classes == 2         ? Link::Sigmoid
                                             : Link::Softmax;
  auto linear = [&](LinearWeights w) {
    nlohmann::json info = {{"n_iter", w.n_iter}, {"converged", w.converged}};
    return Fitted{std::make_shared<LinearEstimator>(std::move(w), link), info};
  };
  const bool intercept = hp.at("fit_intercept").get<bool>();
  if (algorithm == "linear") return linear(fit_ols(X, y_reg, intercept));
  if (algorithm == "ridge")
    return linear(fit_ridge(X, y_reg, hp.at("alpha").get<double>(), intercept));
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
    if (hp.value("class_weight", "none") == "balanced")
      p.class_weight = balanced_weights(y_cls, n_classes);
    return linear(fit_logistic(X, y_cls, n_classes, p, cancel));
  }
  throw Error(sqlstate::kFeatureNotSupported,
              "algorithm \"" + algorithm + "\" is not implemented yet");
}

namespace {

// Each encoded feature's share of the model's importance (split counts for trees,
// |coefficient| for linear models, the members' weighted shares for an ensemble, the
// between-cluster sum of squares for k-means).
std::vector<double> importance_shares(const Estimator& estimator, size_t n_features) {
  std::vector<double> share(n_features, 0.0);
  if (const auto* ensemble = dynamic_cast<const EnsembleEstimator*>(&estimator)) {
    for (size_t i = 0; i < ensemble->members().size(); ++i) {
      const std::vector<double> member = importance_shares(*ensemble->members()[i], n_features);
      for (size_t j = 0; j < n_features; ++j) share[j] += ensemble->weights()[i] * member[j];
    }
  } else if (const auto* kmeans = dynamic_cast<const KMeansEstimator*>(&estimator)) {
    share = kmeans->between_cluster_shares();
  } else if (const auto* trees = dynamic_cast<const TreeEnsemble*>(&estimator)) {
    share = trees->split_importance();
  } else if (const auto* linear = dynamic_cast<const LinearEstimator*>(&estimator)) {
    const Eigen::VectorXd w = linear->weights().coef.cwiseAbs().colwise().sum().transpose();
    const double total = w.sum();
    for (size_t j = 0; j < n_features; ++j)
      share[j] = total > 0 ? w[static_cast<Eigen::Index>(j)] / total : 0;
  }
  return share;
}

}  // namespace

nlohmann::json feature_importance(const Estimator& estimator,
                                  const std::vector<std::string>& names) {
  const std::vector<double> share = importance_shares(estimator, names.size());
  nlohmann::json out = nlohmann::json::object();
  for (size_t j = 0; j < names.size(); ++j) out[names[j]] = share[j];
  return out;
}

Eigen::MatrixXd outputs_of(const Estimator& e, const Eigen::MatrixXd& X, Task task, int n_classes) {
  Eigen::MatrixXd scores = e.decision_batch(X);
  return task == Task::Regression ? scores : probabilities(scores, e.link(), n_classes);
}

}  // namespace automl
