// drift_reference_test.cpp — the training distribution kept for automl.drift.
#include "automl/drift_reference.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace automl {
namespace {

double sum_of(const nlohmann::json& values) {
  double total = 0;
  for (const auto& v : values) total += v.get<double>();
  return total;
}

TEST(DriftReference, NumbersKeepPercentilesAndDecileBins) {
  std::vector<double> all;
  for (int i = 1; i <= 1000; ++i) all.push_back(i);
  all.push_back(NAN);
  std::vector<double> sorted(all.begin(), all.end() - 1);
  const nlohmann::json ref = numeric_drift_reference(all, sorted);
  EXPECT_NEAR(ref["null_rate"].get<double>(), 1.0 / 1001, 1e-12);
  EXPECT_EQ(ref["lo"].get<double>(), 1);
  EXPECT_EQ(ref["hi"].get<double>(), 1000);
  ASSERT_EQ(ref["points"].size(), size_t(kDriftPoints));
  EXPECT_EQ(ref["below"][0].get<double>(), 0);  // nothing is below the minimum
  EXPECT_NEAR(ref["below"][50].get<double>(), 0.5, 0.001);
  ASSERT_EQ(ref["edges"].size(), size_t(kDriftBins - 1));
  ASSERT_EQ(ref["fractions"].size(), size_t(kDriftBins));
  EXPECT_NEAR(sum_of(ref["fractions"]), 1.0, 1e-9);
  for (const auto& f : ref["fractions"]) EXPECT_NEAR(f.get<double>(), 0.1, 0.002);
}

TEST(DriftReference, AConstantColumnHasOneBinAndOnePoint) {
  const std::vector<double> all(50, 7.0);
  const nlohmann::json ref = numeric_drift_reference(all, all);
  EXPECT_EQ(ref["points"].size(), 1u);
  EXPECT_TRUE(ref["edges"].empty());
  EXPECT_EQ(ref["fractions"].size(), 1u);
  EXPECT_EQ(ref["fractions"][0].get<double>(), 1.0);
}

TEST(DriftReference, AllNullNumbersKeepOnlyTheNullRate) {
  const nlohmann::json ref = numeric_drift_reference({NAN, NAN}, {});
  EXPECT_EQ(ref["null_rate"].get<double>(), 1.0);
  EXPECT_FALSE(ref.contains("points"));
}

TEST(DriftReference, CategoriesKeepTheMostFrequentAndTheRest) {
  std::map<std::string, long long> counts;
  for (int i = 0; i < 25; ++i) counts["v" + std::to_string(i)] = 100 + i;  // v24 most frequent
  const nlohmann::json ref = category_drift_reference(counts, 10, 10 + 25 * 112);
  ASSERT_EQ(ref["values"].size(), size_t(kDriftCategories));
  EXPECT_EQ(ref["values"][0], "v24");
  EXPECT_NEAR(sum_of(ref["fractions"]) + ref["other"].get<double>(), 1.0, 1e-12);
  EXPECT_NEAR(ref["other"].get<double>(), (100 + 101 + 102 + 103 + 104) / (25.0 * 112), 1e-12);
  EXPECT_NEAR(ref["chi2_critical"].get<double>(), chi2_critical(kDriftChi2Alpha, kDriftCategories),
              1e-12);
}

// scipy.stats.chi2.ppf(0.999, df) for df = 1, 5, 20.
TEST(DriftReference, ChiSquareCriticalValuesMatchScipy) {
  EXPECT_NEAR(chi2_critical(0.001, 1), 10.827566170662733, 1e-9);
  EXPECT_NEAR(chi2_critical(0.001, 5), 20.515005652432873, 1e-9);
  EXPECT_NEAR(chi2_critical(0.001, 20), 45.31474661812586, 1e-9);
}

}  // namespace
}  // namespace automl
