// evaluation_regression.cpp — a regressor's stored evaluation (a sample of actual
// and predicted values, residual quantiles and histogram), and the quantile and
// histogram helpers the column profiles share.
#include <algorithm>
#include <cmath>

#include "automl/evaluation.hpp"

namespace automl {

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

nlohmann::json histogram_of(const std::vector<double>& values, int bins) {
  double lo = INFINITY, hi = -INFINITY;
  for (double x : values)
    if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  if (!std::isfinite(lo)) return nullptr;
  if (hi == lo) bins = 1;
  const double width = hi > lo ? (hi - lo) / bins : 1.0;
  std::vector<long long> counts(static_cast<size_t>(bins), 0);
  for (double x : values)
    if (std::isfinite(x))
      ++counts[static_cast<size_t>(std::clamp(static_cast<int>((x - lo) / width), 0, bins - 1))];
  nlohmann::json edges = nlohmann::json::array();
  for (int b = 0; b <= bins; ++b)
    edges.push_back(b == bins ? (hi > lo ? hi : lo + 1) : lo + b * width);
  return {{"edges", edges}, {"counts", counts}};
}

nlohmann::json regression_evaluation(const Eigen::VectorXd& y_true, const Eigen::VectorXd& y_pred) {
  const Eigen::Index n = y_true.size();
  std::vector<double> residuals(static_cast<size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) residuals[static_cast<size_t>(i)] = y_true[i] - y_pred[i];
  nlohmann::json sample = nlohmann::json::array();
  for (size_t s : evenly_spaced(static_cast<size_t>(n), static_cast<size_t>(kMaxResidualSample))) {
    const auto i = static_cast<Eigen::Index>(s);
    sample.push_back({y_true[i], y_pred[i]});
  }
  nlohmann::json histogram = histogram_of(residuals);
  std::sort(residuals.begin(), residuals.end());
  nlohmann::json quantiles = nlohmann::json::array();
  for (double q : {0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0})
    quantiles.push_back({q, quantile_of_sorted(residuals, q)});
  return {{"rows", n},
          {"residuals", {{"sample", sample}, {"quantiles", quantiles}, {"histogram", histogram}}}};
}

}  // namespace automl
