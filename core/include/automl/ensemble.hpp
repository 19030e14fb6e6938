// ensemble.hpp — a weighted average of fitted estimators' raw scores: what
// search => 'auto' serves when averaging its best configurations scores better than
// the best alone.
//
// Members average in margin space (log-odds for classifiers, the prediction for
// regression), so the ensemble is one more Estimator with the members' link, and its
// explanation is the same weighted average of the members' — exact, summing to the
// raw score like every other estimator's.
#pragma once

#include <memory>
#include <vector>

#include "automl/estimator.hpp"

namespace automl {

class EnsembleEstimator final : public Estimator {
 public:
  // Members (kMinMembers … kMaxMembers, none an ensemble) with the same outputs and
  // link, over rows of n_features; weights positive and finite, normalised to sum to 1.
  // Throws 22023.
  EnsembleEstimator(std::vector<std::shared_ptr<const Estimator>> members,
                    std::vector<double> weights, Eigen::Index n_features);
  static constexpr std::size_t kMinMembers = 2, kMaxMembers = 10;
  static std::unique_ptr<EnsembleEstimator> from_json(const nlohmann::json& j,
                                                      Eigen::Index n_features);

  int n_outputs() const override { return members_.front()->n_outputs(); }
  Link link() const override { return members_.front()->link(); }
  void decision(const double* x, double* scores) const override;
  Eigen::MatrixXd decision_batch(const Eigen::MatrixXd& X) const override;
  void decision_rows(const double* x, std::size_t n, std::size_t row_length,
                     double* scores) const override;
  void contributions(const double* x, int group, double* out) const override;
  nlohmann::json to_json() const override;

  const std::vector<std::shared_ptr<const Estimator>>& members() const { return members_; }
  const std::vector<double>& weights() const { return weights_; }

 private:
  std::vector<std::shared_ptr<const Estimator>> members_;
  std::vector<double> weights_;
  Eigen::Index n_features_;
};

}  // namespace automl
