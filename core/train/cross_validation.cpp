// cross_validation.cpp — holdout and k-fold scores of a configuration.
#include "cross_validation.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "automl/metrics.hpp"
#include "automl/split.hpp"

namespace automl {

std::vector<int> stratified_folds(Eigen::Index n, int folds, const Eigen::VectorXi* strata,
                                  std::uint64_t seed) {
  std::vector<int> fold_of(static_cast<size_t>(n));
  const TrainTestSplit order = train_test_split(n, 0.5, seed ^ 0xcafe, strata);
  std::vector<Eigen::Index> shuffled = order.train;
  shuffled.insert(shuffled.end(), order.test.begin(), order.test.end());
  std::map<int, int> dealt;
  for (Eigen::Index i : shuffled) {
    const int cls = strata ? (*strata)[i] : 0;
    fold_of[static_cast<size_t>(i)] = dealt[cls]++ % folds;
  }
  return fold_of;
}

double holdout_score(const Candidate& c, const Eigen::MatrixXd& X, const TrainTargets& y,
                     const std::vector<Eigen::Index>& fit_rows,
                     const std::vector<Eigen::Index>& score_rows, const std::string& metric,
                     const TrainResources& r) {
  const Eigen::MatrixXd Xf = take_rows(X, fit_rows), Xs = take_rows(X, score_rows);
  const bool classify = y.task == Task::Classification;
  const Eigen::VectorXd yr = classify ? Eigen::VectorXd() : take(y.reg, fit_rows);
  const Eigen::VectorXi yc = classify ? take(y.cls, fit_rows) : Eigen::VectorXi();
  const Fitted f = fit_estimator(c.algorithm, c.hyperparams, Xf, yr, yc, y.n_classes, y.task, r);
  const Eigen::MatrixXd out = outputs_of(*f.estimator, Xs, y.task, y.n_classes);
  const nlohmann::json m = classify ? classification_metrics(take(y.cls, score_rows), out)
                                    : regression_metrics(take(y.reg, score_rows), out.col(0));
  return m.at(metric).get<double>();
}

std::pair<double, double> cross_validate(const Candidate& c, const Eigen::MatrixXd& X,
                                         const TrainTargets& y,
                                         const std::vector<Eigen::Index>& rows, int folds,
                                         const std::string& metric, const TrainResources& r,
                                         int repeats) {
  const bool classify = y.task == Task::Classification;
  const auto n = static_cast<Eigen::Index>(rows.size());
  Eigen::VectorXi strata;
  if (classify) strata = take(y.cls, rows);
  if (folds < 2) {
    const TrainTestSplit s =
        train_test_split(n, 0.2, r.seed ^ 0xf01d, classify ? &strata : nullptr);
    std::vector<Eigen::Index> a, b;
    for (auto i : s.train) a.push_back(rows[static_cast<size_t>(i)]);
    for (auto i : s.test) b.push_back(rows[static_cast<size_t>(i)]);
    return {holdout_score(c, X, y, a, b, metric, r), 0.0};
  }
  std::vector<double> scores;
  for (int rep = 0; rep < std::max(1, repeats); ++rep) {
    const std::vector<int> fold_of =
        stratified_folds(n, folds, classify ? &strata : nullptr, repetition_seed(r.seed, rep));
    for (int k = 0; k < folds; ++k) {
      std::vector<Eigen::Index> a, b;
      for (Eigen::Index i = 0; i < n; ++i)
        (fold_of[static_cast<size_t>(i)] == k ? b : a).push_back(rows[static_cast<size_t>(i)]);
      scores.push_back(holdout_score(c, X, y, a, b, metric, r));
    }
  }
  double mean = 0, var = 0;
  for (double v : scores) mean += v;
  mean /= static_cast<double>(scores.size());
  for (double v : scores) var += (v - mean) * (v - mean);
  return {mean, std::sqrt(var / static_cast<double>(scores.size() - 1))};
}

}  // namespace automl
