// ensemble.cpp — see ensemble.hpp.
#include "automl/ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "automl/error.hpp"
#include "json_numbers.hpp"

namespace automl {

EnsembleEstimator::EnsembleEstimator(std::vector<std::shared_ptr<const Estimator>> members,
                                     std::vector<double> weights, Eigen::Index n_features)
    : members_(std::move(members)), weights_(std::move(weights)), n_features_(n_features) {
  if (members_.size() < kMinMembers || members_.size() > kMaxMembers)
    invalid("an ensemble has " + std::to_string(kMinMembers) + " to " +
                std::to_string(kMaxMembers) + " members",
            "got " + std::to_string(members_.size()));
  if (weights_.size() != members_.size()) invalid("an ensemble needs one weight per member");
  double total = 0;
  for (double w : weights_) {
    if (!std::isfinite(w) || w <= 0) invalid("ensemble weights must be positive and finite");
    total += w;
  }
  for (double& w : weights_) w /= total;
  for (const auto& m : members_) {
    if (!m) invalid("an ensemble member is missing");
    if (dynamic_cast<const EnsembleEstimator*>(m.get()))
      invalid("an ensemble member cannot be an ensemble");
    if (m->n_outputs() != n_outputs() || m->link() != link())
      invalid("ensemble members must have the same outputs and link");
  }
}

void EnsembleEstimator::decision(const double* x, double* scores) const {
  const int k = n_outputs();
  double member[64];  // n_outputs is the class count of a softmax model: bounded below
  std::vector<double> heap;
  double* buffer = member;
  if (k > 64) {
    heap.resize(static_cast<size_t>(k));
    buffer = heap.data();
  }
  for (int c = 0; c < k; ++c) scores[c] = 0;
  for (size_t i = 0; i < members_.size(); ++i) {
    members_[i]->decision(x, buffer);
    for (int c = 0; c < k; ++c) scores[c] += weights_[i] * buffer[c];
  }
}

Eigen::MatrixXd EnsembleEstimator::decision_batch(const Eigen::MatrixXd& X) const {
  Eigen::MatrixXd out = weights_[0] * members_[0]->decision_batch(X);
  for (size_t i = 1; i < members_.size(); ++i) out += weights_[i] * members_[i]->decision_batch(X);
  return out;
}

// Each member scores all rows at once; sums in the order decision() adds them.
void EnsembleEstimator::decision_rows(const double* x, std::size_t n, std::size_t row_length,
                                      double* scores) const {
  const std::size_t size = n * static_cast<std::size_t>(n_outputs());
  std::vector<double> member(size);
  std::fill(scores, scores + size, 0.0);
  for (size_t i = 0; i < members_.size(); ++i) {
    members_[i]->decision_rows(x, n, row_length, member.data());
    for (std::size_t j = 0; j < size; ++j) scores[j] += weights_[i] * member[j];
  }
}

void EnsembleEstimator::contributions(const double* x, int group, double* out) const {
  const auto n = static_cast<size_t>(n_features_) + 1;
  std::vector<double> member(n);
  for (size_t j = 0; j < n; ++j) out[j] = 0;
  for (size_t i = 0; i < members_.size(); ++i) {
    members_[i]->contributions(x, group, member.data());
    for (size_t j = 0; j < n; ++j) out[j] += weights_[i] * member[j];
  }
}

nlohmann::json EnsembleEstimator::to_json() const {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& m : members_) members.push_back(m->to_json());
  return {{"type", "ensemble"}, {"weights", weights_}, {"members", members}};
}

std::unique_ptr<EnsembleEstimator> EnsembleEstimator::from_json(const nlohmann::json& j,
                                                                Eigen::Index n_features) {
  const auto& members = j.at("members");
  if (!members.is_array() || members.size() < kMinMembers || members.size() > kMaxMembers)
    invalid("model file: an ensemble has " + std::to_string(kMinMembers) + " to " +
            std::to_string(kMaxMembers) + " members");
  std::vector<std::shared_ptr<const Estimator>> parsed;
  for (const auto& m : members) {
    // Checked before parsing, so a hostile file cannot nest ensembles to any depth.
    const std::string type = m.at("type").get<std::string>();
    if (type == "ensemble" || type == "kmeans")
      invalid("model file: an ensemble member cannot be of type \"" + type + "\"");
    parsed.push_back(estimator_from_json(m, n_features));
  }
  return std::make_unique<EnsembleEstimator>(
      std::move(parsed), checked_numbers<double>(j.at("weights"), "ensemble weight"), n_features);
}

}  // namespace automl
