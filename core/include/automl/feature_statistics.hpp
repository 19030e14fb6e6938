// feature_statistics.hpp — the statistics the preprocessor fits per feature on the
// training split: the fill value of an imputation strategy (scikit-learn's
// SimpleImputer) and the mean and scale of standard scaling (its StandardScaler).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace automl {

// The median of the values; the mean of the two middle ones for an even count.
double median_of(std::vector<double> values);
// The most frequent value; ties go to the smallest value, like scikit-learn.
double most_frequent_of(const std::vector<double>& values);
// The value `strategy` (mean | median | most_frequent | constant) imputes, from the
// present (non-NULL) values; constant, and an all-NULL column, impute 0.
double fill_value(const std::string& strategy, const std::vector<double>& present);

// Population mean and standard deviation of values(0) … values(n - 1), like
// scikit-learn's StandardScaler; a constant feature keeps scale 1 (it is only centred).
template <typename Values>
std::pair<double, double> mean_and_scale(const Values& values, std::size_t n) {
  if (n == 0) return {0, 1};
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) mean += values(i);
  mean /= static_cast<double>(n);
  double var = 0;
  for (std::size_t i = 0; i < n; ++i) var += (values(i) - mean) * (values(i) - mean);
  var /= static_cast<double>(n);
  const double sd = std::sqrt(var);
  return {mean, sd > 1e-12 * std::max(1.0, std::abs(mean)) ? sd : 1.0};
}

}  // namespace automl
