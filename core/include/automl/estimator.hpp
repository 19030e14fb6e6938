// estimator.hpp — the fitted part of a model that turns scaled features into scores.
//
// Serving needs only this small interface, so new model families (trees in a later
// issue) plug in beside the linear one without touching Model or the extension.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "automl/linear_models.hpp"

namespace automl {

// How raw scores become the answer: identity for regression, sigmoid for a binary
// classifier with one output, softmax for k outputs.
enum class Link { Identity, Sigmoid, Softmax };
const char* to_string(Link link);
Link link_from_string(const std::string& name);  // throws Error 22023
// Applies the link to n raw scores in place (sigmoid: one score becomes P(class 1)).
void apply_link(Link link, int n, double* scores);
// Class probabilities (n x n_classes) from raw scores (n x n_outputs) of a classifier.
Eigen::MatrixXd probabilities(const Eigen::MatrixXd& scores, Link link, int n_classes);

class Estimator {
 public:
  virtual ~Estimator() = default;
  virtual int n_outputs() const = 0;
  virtual Link link() const = 0;
  // Writes n_outputs() raw scores for one scaled feature row.
  virtual void decision(const double* x, double* scores) const = 0;
  // Raw scores of many rows (n x n_outputs()); by default one row at a time.
  virtual Eigen::MatrixXd decision_batch(const Eigen::MatrixXd& X) const;
  // The same for n row-major feature rows into n × n_outputs() scores (predict_batch).
  virtual void decision_rows(const double* x, std::size_t n, std::size_t row_length,
                             double* scores) const;
  // Additive explanation of output `group` for one feature row: n_features
  // contributions, then the bias in out[n_features]; they sum to the raw score.
  virtual void contributions(const double* x, int group, double* out) const = 0;
  virtual nlohmann::json to_json() const = 0;
};

class LinearEstimator final : public Estimator {
 public:
  LinearEstimator(LinearWeights weights, Link link);
  static std::unique_ptr<LinearEstimator> from_json(const nlohmann::json& j,
                                                    Eigen::Index n_features);

  int n_outputs() const override { return static_cast<int>(weights_.coef.rows()); }
  Link link() const override { return link_; }
  void decision(const double* x, double* scores) const override;
  Eigen::MatrixXd decision_batch(const Eigen::MatrixXd& X) const override;
  void contributions(const double* x, int group, double* out) const override;
  nlohmann::json to_json() const override;

  const LinearWeights& weights() const { return weights_; }

 private:
  LinearWeights weights_;
  // Row-major copy of coef so a prediction walks memory contiguously.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> coef_rows_;
  Link link_;
};

std::unique_ptr<Estimator> estimator_from_json(const nlohmann::json& j, Eigen::Index n_features);

}  // namespace automl
