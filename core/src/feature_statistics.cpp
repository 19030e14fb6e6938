// feature_statistics.cpp — imputation fill values with scikit-learn's conventions.
#include "automl/feature_statistics.hpp"

#include <map>

namespace automl {

double median_of(std::vector<double> values) {
  const size_t n = values.size();
  std::nth_element(values.begin(), values.begin() + static_cast<long>(n / 2), values.end());
  const double hi = values[n / 2];
  if (n % 2) return hi;
  return (*std::max_element(values.begin(), values.begin() + static_cast<long>(n / 2)) + hi) / 2;
}

double most_frequent_of(const std::vector<double>& values) {
  std::map<double, size_t> counts;  // ordered: ties go to the smallest value
  for (double x : values) ++counts[x];
  double best = 0;
  size_t best_count = 0;
  for (const auto& [x, c] : counts)
    if (c > best_count) best = x, best_count = c;
  return best;
}

double fill_value(const std::string& strategy, const std::vector<double>& present) {
  if (present.empty() || strategy == "constant") return 0;
  if (strategy == "median") return median_of(present);
  if (strategy == "most_frequent") return most_frequent_of(present);
  double sum = 0;
  for (double x : present) sum += x;
  return sum / static_cast<double>(present.size());
}

}  // namespace automl
