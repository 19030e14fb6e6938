// cross_validation.hpp — scoring a configuration on the training split only: one
// holdout of it, or k stratified folds. Search trials and the job's folds => k use it;
// the test split is never seen here.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fit_estimator.hpp"
#include "search.hpp"

namespace automl {

// The training split's targets: reg for regression, cls (class indices) for classification.
struct TrainTargets {
  const Eigen::VectorXd& reg;
  const Eigen::VectorXi& cls;
  Task task;
  int n_classes;
};

// The fold (0 … folds - 1) of each of n rows: rows dealt round-robin after a seeded
// shuffle, class by class when `strata` (class indices) is given, so every fold
// keeps the class balance.
std::vector<int> stratified_folds(Eigen::Index n, int folds, const Eigen::VectorXi* strata,
                                  std::uint64_t seed);

// The metric of fitting `c` on `fit_rows` and scoring on `score_rows` of X.
double holdout_score(const Candidate& c, const Eigen::MatrixXd& X, const TrainTargets& y,
                     const std::vector<Eigen::Index>& fit_rows,
                     const std::vector<Eigen::Index>& score_rows, const std::string& metric,
                     const TrainResources& r);

// The seed of repetition `rep` of a cross-validation seeded with `seed`: repetition 0
// is a plain k-fold with that seed. A search that scores a configuration again
// (search_rescore.cpp) continues the same sequence.
inline std::uint64_t repetition_seed(std::uint64_t seed, int rep) {
  return seed + static_cast<std::uint64_t>(rep) * 0x9e3779b97f4a7c15ULL;
}

// Mean and standard deviation of the metric over k stratified folds of `rows`,
// `repeats` times with differently shuffled folds (repeated k-fold: on few rows one
// partition's luck decides too much); k < 2: one 80/20 holdout, standard deviation 0.
std::pair<double, double> cross_validate(const Candidate& c, const Eigen::MatrixXd& X,
                                         const TrainTargets& y,
                                         const std::vector<Eigen::Index>& rows, int folds,
                                         const std::string& metric, const TrainResources& r,
                                         int repeats = 1);

}  // namespace automl
