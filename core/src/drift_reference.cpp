// drift_reference.cpp — see drift_reference.hpp.
#include "automl/drift_reference.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>

#include "automl/evaluation.hpp"

namespace automl {
namespace {

// Distinct values of `values` (already sorted).
std::vector<double> distinct(std::vector<double> values) {
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

std::vector<double> quantiles(const std::vector<double>& sorted, int steps) {
  std::vector<double> out;
  for (int i = 0; i <= steps; ++i) out.push_back(quantile_of_sorted(sorted, double(i) / steps));
  return out;
}

}  // namespace

// Exact over every row without sorting them (a model may train on millions): one pass
// for the extremes, one that drops each value into its percentile and decile bucket.
nlohmann::json numeric_drift_reference(const std::vector<double>& all,
                                       const std::vector<double>& sorted_sample) {
  double lo = INFINITY, hi = -INFINITY, present = 0;
  for (double x : all)
    if (!std::isnan(x)) ++present, lo = std::min(lo, x), hi = std::max(hi, x);
  nlohmann::json out = {{"null_rate", all.empty() ? 0.0 : 1.0 - present / double(all.size())}};
  if (present == 0 || sorted_sample.empty()) return out;
  const std::vector<double> points = distinct(quantiles(sorted_sample, kDriftPoints - 1));
  std::vector<double> edges;
  for (double e : distinct(quantiles(sorted_sample, kDriftBins)))
    if (e > lo && e < hi) edges.push_back(e);
  // bucket[k]: the values with exactly k points <= them.
  std::vector<double> bucket(points.size() + 1, 0.0), counts(edges.size() + 1, 0.0);
  for (double x : all) {
    if (std::isnan(x)) continue;
    ++bucket[size_t(std::upper_bound(points.begin(), points.end(), x) - points.begin())];
    ++counts[size_t(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin())];
  }
  std::vector<double> below, fractions;
  double under = 0;  // values below points[i]: those with at most i points <= them
  for (size_t i = 0; i < points.size(); ++i) below.push_back((under += bucket[i]) / present);
  for (double c : counts) fractions.push_back(c / present);
  out["lo"] = lo;
  out["hi"] = hi;
  out["points"] = points;
  out["below"] = below;
  out["edges"] = edges;
  out["fractions"] = fractions;
  return out;
}

nlohmann::json category_drift_reference(const std::map<std::string, long long>& counts,
                                        long long nulls, long long rows) {
  std::vector<std::pair<std::string, long long>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  long long total = 0;
  for (const auto& entry : sorted) total += entry.second;
  nlohmann::json values = nlohmann::json::array(), fractions = nlohmann::json::array();
  double other = total > 0 ? 1.0 : 0.0;
  for (size_t i = 0; i < sorted.size() && i < size_t(kDriftCategories); ++i) {
    const double f = double(sorted[i].second) / double(total);
    values.push_back(sorted[i].first);
    fractions.push_back(f);
    other -= f;
  }
  const int df = static_cast<int>(values.size());
  return {{"null_rate", rows > 0 ? double(nulls) / double(rows) : 0.0},
          {"values", values},
          {"fractions", fractions},
          {"other", std::max(0.0, other)},
          {"chi2_critical", df > 0 ? nlohmann::json(chi2_critical(kDriftChi2Alpha, df)) : nullptr}};
}

double chi2_critical(double alpha, int df) {
  const boost::math::chi_squared distribution(df);
  return boost::math::quantile(boost::math::complement(distribution, alpha));
}

}  // namespace automl
