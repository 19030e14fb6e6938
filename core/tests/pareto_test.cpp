// Non-dominated sorting against brute force (peeling fronts by pairwise checks), on
// random points with many ties, for one to five objectives and mixed senses; and the
// NSGA-II crowding distance on a front worked by hand.
#include "automl/pareto.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "automl/error.hpp"

namespace automl {
namespace {

bool dominates(const double* a, const double* b, std::size_t k, const std::vector<bool>& maximize) {
  bool better = false;
  for (std::size_t j = 0; j < k; ++j) {
    const double x = maximize[j] ? -a[j] : a[j], y = maximize[j] ? -b[j] : b[j];
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

// Front 1: nobody left dominates the point; remove it and repeat.
std::vector<int> brute_force_fronts(const std::vector<double>& v, std::size_t k,
                                    const std::vector<bool>& maximize) {
  const std::size_t n = v.size() / k;
  std::vector<int> front(n, 0);
  for (int f = 1, assigned = 0; assigned < static_cast<int>(n); ++f) {
    std::vector<std::size_t> now;
    for (std::size_t i = 0; i < n; ++i) {
      if (front[i] != 0) continue;
      bool free = true;
      for (std::size_t q = 0; q < n && free; ++q)
        if (front[q] == 0 && dominates(&v[q * k], &v[i * k], k, maximize)) free = false;
      if (free) now.push_back(i);
    }
    for (std::size_t i : now) front[i] = f;
    assigned += static_cast<int>(now.size());
  }
  return front;
}

class ParetoBruteForce : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ParetoBruteForce, FrontsMatchPairwisePeeling) {
  const std::size_t k = GetParam();
  std::mt19937_64 rng(7 + k);
  for (int round = 0; round < 20; ++round) {
    const std::size_t n = 1 + rng() % 400;
    const int grid = 2 + static_cast<int>(rng() % 12);  // small grids: many ties and duplicates
    std::vector<double> v(n * k);
    for (double& x : v) x = static_cast<double>(rng() % static_cast<unsigned>(grid)) - grid / 2.0;
    std::vector<bool> maximize(k);
    for (std::size_t j = 0; j < k; ++j) maximize[j] = (rng() & 1) != 0;
    const ParetoRanks ranks = pareto_ranks(v, k, maximize);
    EXPECT_EQ(ranks.front, brute_force_fronts(v, k, maximize)) << "k=" << k << " round " << round;
    ASSERT_EQ(ranks.crowding.size(), n);
  }
}

INSTANTIATE_TEST_SUITE_P(Objectives, ParetoBruteForce, ::testing::Values(1, 2, 3, 4, 5));

TEST(Pareto, CrowdingDistanceAsNsga2) {
  // One front of four points (minimise both): (0,3) (1,2) (2,1) (4,0).
  const std::vector<double> v = {0, 3, 1, 2, 2, 1, 4, 0};
  const ParetoRanks r = pareto_ranks(v, 2, {false, false});
  EXPECT_EQ(r.front, (std::vector<int>{1, 1, 1, 1}));
  EXPECT_TRUE(std::isinf(r.crowding[0]));
  EXPECT_TRUE(std::isinf(r.crowding[3]));
  EXPECT_DOUBLE_EQ(r.crowding[1], (2.0 - 0.0) / 4 + (3.0 - 1.0) / 3);
  EXPECT_DOUBLE_EQ(r.crowding[2], (4.0 - 1.0) / 4 + (2.0 - 0.0) / 3);
}

TEST(Pareto, MaximiseFlipsTheOrder) {
  // strength (max), cost (min): (10, 5) beats (8, 6); (12, 9) is a trade-off.
  const std::vector<double> v = {10, 5, 8, 6, 12, 9};
  const ParetoRanks r = pareto_ranks(v, 2, {true, false});
  EXPECT_EQ(r.front, (std::vector<int>{1, 2, 1}));
  EXPECT_TRUE(std::isinf(r.crowding[1]));  // alone on its front
}

TEST(Pareto, DuplicatesShareAFront) {
  const std::vector<double> v = {1, 1, 1, 1, 0, 2, 2, 2};
  const ParetoRanks r = pareto_ranks(v, 2, {false, false});
  EXPECT_EQ(r.front, (std::vector<int>{1, 1, 1, 2}));
}

TEST(Pareto, EmptyInputAndBadShapes) {
  EXPECT_TRUE(pareto_ranks({}, 2, {false, false}).front.empty());
  try {
    pareto_ranks({1, 2, 3}, 2, {false, false});
    FAIL() << "a ragged matrix was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate::kInvalidParameterValue);
  }
  EXPECT_THROW(pareto_ranks({1}, 0, {}), Error);
}

}  // namespace
}  // namespace automl
