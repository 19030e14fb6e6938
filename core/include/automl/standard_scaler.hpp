// standard_scaler.hpp — z-scoring of features, fitted on the training split only.
//
// Same convention as scikit-learn's StandardScaler: population standard deviation,
// and a feature with zero variance keeps scale 1 (it is only centred).
#pragma once

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

namespace automl {

class StandardScaler {
 public:
  static StandardScaler fit(const Eigen::MatrixXd& X);

  Eigen::MatrixXd transform(const Eigen::MatrixXd& X) const;
  // In place on one row of n_features values; the hot path of predict.
  void transform_row(const double* in, double* out) const;

  const Eigen::VectorXd& mean() const { return mean_; }
  const Eigen::VectorXd& scale() const { return scale_; }

  nlohmann::json to_json() const;
  static StandardScaler from_json(const nlohmann::json& j, Eigen::Index n_features);

 private:
  Eigen::VectorXd mean_;
  Eigen::VectorXd scale_;
};

}  // namespace automl
