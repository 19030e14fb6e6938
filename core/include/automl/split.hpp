// split.hpp — deterministic train/test split.
//
// The same (n, test_size, seed, strata) always gives the same split on every
// platform: the shuffle uses our own Fisher-Yates over a fixed PRNG (splitmix64)
// rather than std::shuffle, whose output is implementation-defined.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

namespace automl {

struct TrainTestSplit {
  std::vector<Eigen::Index> train;
  std::vector<Eigen::Index> test;
};

// With strata (class indices), each class is split in proportion, so both sides
// keep the class balance (scikit-learn's stratify=y). Both sides are non-empty.
TrainTestSplit train_test_split(Eigen::Index n, double test_size, std::uint64_t seed,
                                const Eigen::VectorXi* strata = nullptr);

// Rows of X (or entries of v) picked by index, in index order.
Eigen::MatrixXd take_rows(const Eigen::MatrixXd& X, const std::vector<Eigen::Index>& rows);
Eigen::VectorXd take(const Eigen::VectorXd& v, const std::vector<Eigen::Index>& rows);
Eigen::VectorXi take(const Eigen::VectorXi& v, const std::vector<Eigen::Index>& rows);

}  // namespace automl
