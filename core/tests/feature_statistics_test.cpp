// feature_statistics_test.cpp — the per-feature statistics of preprocessing, by
// scikit-learn's conventions: SimpleImputer's fill values, StandardScaler's scale.
#include "automl/feature_statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace automl {
namespace {

TEST(FeatureStatistics, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(median_of({5, 1, 3}), 3);
  EXPECT_EQ(median_of({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(median_of({7}), 7);
}

TEST(FeatureStatistics, MostFrequentBreaksTiesTowardsTheSmallest) {
  EXPECT_EQ(most_frequent_of({3, 1, 3, 2, 2}), 2);
  EXPECT_EQ(most_frequent_of({9, 4, 9}), 9);
}

TEST(FeatureStatistics, FillValueOfEachStrategy) {
  const std::vector<double> present = {1, 2, 2, 7};
  EXPECT_EQ(fill_value("mean", present), 3);
  EXPECT_EQ(fill_value("median", present), 2);
  EXPECT_EQ(fill_value("most_frequent", present), 2);
  EXPECT_EQ(fill_value("constant", present), 0);
  EXPECT_EQ(fill_value("median", {}), 0) << "an all-NULL column imputes 0";
}

TEST(FeatureStatistics, MeanAndScaleUsePopulationStatisticsAndKeepConstantsUnscaled) {
  const std::vector<double> v = {1, 2, 3, 4};
  const auto [mean, scale] = mean_and_scale([&](size_t i) { return v[i]; }, v.size());
  EXPECT_DOUBLE_EQ(mean, 2.5);
  EXPECT_DOUBLE_EQ(scale, std::sqrt(1.25));
  const auto constant = mean_and_scale([](size_t) { return 1e6; }, 5);
  EXPECT_DOUBLE_EQ(constant.first, 1e6);
  EXPECT_EQ(constant.second, 1.0);
  const auto empty = mean_and_scale([](size_t) { return 0.0; }, 0);
  EXPECT_EQ(empty.first, 0);
  EXPECT_EQ(empty.second, 1);
}

}  // namespace
}  // namespace automl
