// drift_reference.hpp — the training distribution a model keeps per input column so
// that automl.drift can compare today's data with it (docs/operations.md, "Drift").
// Bounded: about 100 numbers per numeric column, 20 values per categorical one.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace automl {

constexpr int kDriftPoints = 101;     // percentiles 0..100, where the KS statistic is read
constexpr int kDriftBins = 10;        // deciles: the PSI's bins
constexpr int kDriftCategories = 20;  // the most frequent values; the rest is "other"
constexpr double kDriftChi2Alpha = 0.001;

// Numbers (`all`: every training value, NaN for NULL; `sorted_sample`: the non-NULL
// sampled values, sorted). Writes {"null_rate", "lo", "hi", "points", "below",
// "edges", "fractions"}:
//   points    distinct percentiles of the sample, ascending;
//   below[i]  the fraction of non-NULL training values < points[i] (strictly);
//   edges     distinct interior deciles strictly between lo and hi;
//   fractions the fraction of non-NULL values in each bin [lo, e1), [e1, e2) … [ek, hi],
//             a value's bin being the number of edges <= it (PostgreSQL's width_bucket).
nlohmann::json numeric_drift_reference(const std::vector<double>& all,
                                       const std::vector<double>& sorted_sample);

// Categories (text, or booleans as "true"/"false"): `counts` of the non-NULL values
// counted, `nulls` among `rows`. Writes {"null_rate", "values", "fractions", "other",
// "chi2_critical"}: the kDriftCategories most frequent values with their fractions, the
// fraction of all others, and the chi-square statistic's critical value at
// kDriftChi2Alpha for values.size() degrees of freedom (values + "other" bins).
nlohmann::json category_drift_reference(const std::map<std::string, long long>& counts,
                                        long long nulls, long long rows);

// The (1 - alpha) quantile of the chi-square distribution with `df` degrees of freedom.
double chi2_critical(double alpha, int df);

}  // namespace automl
