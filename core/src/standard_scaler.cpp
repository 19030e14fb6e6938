// standard_scaler.cpp — z-scoring with scikit-learn's conventions.
#include "automl/standard_scaler.hpp"

#include <cmath>

#include "automl/error.hpp"

namespace automl {

StandardScaler StandardScaler::fit(const Eigen::MatrixXd& X) {
  if (X.rows() == 0) invalid("cannot fit a scaler on zero rows");
  StandardScaler s;
  s.mean_ = X.colwise().mean().transpose();
  s.scale_.resize(X.cols());
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    double var = (X.col(j).array() - s.mean_[j]).square().mean();
    double sd = std::sqrt(var);
    // sklearn keeps scale 1 for (near-)constant features instead of dividing by ~0.
    s.scale_[j] =
        sd < 10 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(s.mean_[j])) ? 1.0
                                                                                               : sd;
  }
  return s;
}

Eigen::MatrixXd StandardScaler::transform(const Eigen::MatrixXd& X) const {
  return (X.rowwise() - mean_.transpose()).array().rowwise() / scale_.transpose().array();
}

void StandardScaler::transform_row(const double* in, double* out) const {
  const Eigen::Index n = mean_.size();
  for (Eigen::Index j = 0; j < n; ++j) out[j] = (in[j] - mean_[j]) / scale_[j];
}

nlohmann::json StandardScaler::to_json() const {
  return {{"mean", std::vector<double>(mean_.data(), mean_.data() + mean_.size())},
          {"scale", std::vector<double>(scale_.data(), scale_.data() + scale_.size())}};
}

StandardScaler StandardScaler::from_json(const nlohmann::json& j, Eigen::Index n_features) {
  auto mean = j.at("mean").get<std::vector<double>>();
  auto scale = j.at("scale").get<std::vector<double>>();
  if (static_cast<Eigen::Index>(mean.size()) != n_features ||
      static_cast<Eigen::Index>(scale.size()) != n_features)
    invalid("model file: scaler has " + std::to_string(mean.size()) + " features, expected " +
            std::to_string(n_features));
  StandardScaler s;
  s.mean_ = Eigen::Map<Eigen::VectorXd>(mean.data(), n_features);
  s.scale_ = Eigen::Map<Eigen::VectorXd>(scale.data(), n_features);
  for (Eigen::Index k = 0; k < n_features; ++k)
    if (!std::isfinite(s.mean_[k]) || !std::isfinite(s.scale_[k]) || s.scale_[k] == 0.0)
      invalid("model file: scaler values must be finite with non-zero scale");
  return s;
}

}  // namespace automl
