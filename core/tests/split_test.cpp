// split_test.cpp — the train/test split is deterministic, proportional and stratified.
#include "automl/split.hpp"

#include <gtest/gtest.h>

#include <set>

#include "automl/error.hpp"
#include "automl/label_encoder.hpp"
#include "automl/standard_scaler.hpp"

namespace automl {
namespace {

TEST(Split, DeterministicForASeedDifferentAcrossSeeds) {
  const auto a = train_test_split(1000, 0.25, 42);
  const auto b = train_test_split(1000, 0.25, 42);
  const auto c = train_test_split(1000, 0.25, 43);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.test, c.test);
  EXPECT_EQ(a.test.size(), 250u);
  std::set<Eigen::Index> all(a.train.begin(), a.train.end());
  all.insert(a.test.begin(), a.test.end());
  EXPECT_EQ(all.size(), 1000u) << "a partition: every row exactly once";
}

TEST(Split, KnownFirstRowsPinTheAlgorithm) {
  // Changing the shuffle would silently change every stored metric: pin it.
  EXPECT_EQ(train_test_split(10, 0.3, 42).test, (std::vector<Eigen::Index>{0, 5, 9}));
}

TEST(Split, StratifiedKeepsClassProportions) {
  Eigen::VectorXi y(1000);
  for (int i = 0; i < 1000; ++i) y[i] = i < 900 ? 0 : (i < 990 ? 1 : 2);  // 900 / 90 / 10
  const auto s = train_test_split(1000, 0.2, 7, &y);
  int counts[3] = {0, 0, 0};
  for (auto i : s.test) ++counts[y[i]];
  EXPECT_EQ(counts[0], 180);
  EXPECT_EQ(counts[1], 18);
  EXPECT_EQ(counts[2], 2);
}

TEST(Split, TinyClassesAppearOnBothSides) {
  Eigen::VectorXi y(12);
  y << 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1;
  const auto s = train_test_split(12, 0.1, 1, &y);
  int test_ones = 0;
  for (auto i : s.test) test_ones += y[i];
  EXPECT_EQ(test_ones, 1);
}

TEST(Split, RefusesBadSizes) {
  EXPECT_THROW(train_test_split(1, 0.25, 1), Error);
  EXPECT_THROW(train_test_split(100, 0.0, 1), Error);
  EXPECT_THROW(train_test_split(100, 1.0, 1), Error);
}

TEST(LabelEncoder, SortsLikeTheSqlType) {
  EXPECT_EQ(LabelEncoder::fit({"10", "9", "-1", "9"}, ValueKind::Integer).classes(),
            (std::vector<std::string>{"-1", "9", "10"}));
  EXPECT_EQ(LabelEncoder::fit({"true", "false"}, ValueKind::Boolean).classes(),
            (std::vector<std::string>{"false", "true"}));
  EXPECT_EQ(LabelEncoder::fit({"b", "B", "a"}, ValueKind::Text).classes(),
            (std::vector<std::string>{"B", "a", "b"}));
  const auto e = LabelEncoder::fit({"x", "y"}, ValueKind::Text);
  EXPECT_THROW(e.index_of("z"), Error);
  EXPECT_EQ(LabelEncoder::fit({"true", "false"}, ValueKind::Boolean).numeric_value(1), 1.0);
}

TEST(StandardScaler, MatchesPopulationStatisticsAndKeepsConstantsFinite) {
  Eigen::MatrixXd X{{1, 5}, {2, 5}, {3, 5}, {4, 5}};
  const auto s = StandardScaler::fit(X);
  EXPECT_DOUBLE_EQ(s.mean()[0], 2.5);
  EXPECT_DOUBLE_EQ(s.scale()[0], std::sqrt(1.25));
  EXPECT_DOUBLE_EQ(s.scale()[1], 1.0) << "constant column: centred only";
  const Eigen::MatrixXd Z = s.transform(X);
  EXPECT_NEAR(Z.col(0).mean(), 0.0, 1e-15);
  EXPECT_TRUE(Z.allFinite());
}

}  // namespace
}  // namespace automl
