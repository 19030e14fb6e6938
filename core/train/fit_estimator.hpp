// fit_estimator.hpp — one configuration (algorithm and resolved hyper-parameters)
// fitted on encoded rows: the step every trial, fold and final fit of a training
// run shares (trainer.cpp, cross_validation.cpp, search_driver.cpp).
#pragma once

#include <Eigen/Dense>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "automl/estimator.hpp"
#include "automl/task.hpp"

namespace automl {

using TrainClock = std::chrono::steady_clock;

inline double seconds_since(TrainClock::time_point t) {
  return std::chrono::duration<double>(TrainClock::now() - t).count();
}
// Seconds left before `t`; practically infinite without a deadline.
inline double seconds_until(TrainClock::time_point t) {
  return t == TrainClock::time_point::max()
             ? 1e18
             : std::chrono::duration<double>(t - TrainClock::now()).count();
}

// What a fit may use: the cancel flag (57014 when raised), cores, the seed, the deadline.
struct TrainResources {
  const std::atomic<bool>* cancel;
  int threads;
  std::uint64_t seed;
  TrainClock::time_point deadline = TrainClock::time_point::max();
};

struct Fitted {
  std::shared_ptr<const Estimator> estimator;
  nlohmann::json info;  // solver notes: iterations, rounds, convergence
};

// Fits `algorithm` with resolved `hp` on X: y_reg for regression, y_cls (class
// indices of n_classes) for classification. Throws 0A000 for an algorithm not implemented.
Fitted fit_estimator(const std::string& algorithm, const nlohmann::json& hp,
                     const Eigen::MatrixXd& X, const Eigen::VectorXd& y_reg,
                     const Eigen::VectorXi& y_cls, int n_classes, Task task,
                     const TrainResources& resources);

// scikit-learn's class_weight='balanced': n / (k * count(class)); 1 for an absent class.
Eigen::VectorXd balanced_weights(const Eigen::VectorXi& y, int n_classes);

// Share of the model's weight each encoded feature carries: split counts for trees,
// |coefficient| in scaled space for linear models, the share of the between-cluster
// sum of squares for k-means; 0 for other estimators.
nlohmann::json feature_importance(const Estimator& estimator,
                                  const std::vector<std::string>& names);

// Class probabilities (classification) or predictions (regression, one column) of
// a fitted estimator on feature rows.
Eigen::MatrixXd outputs_of(const Estimator& e, const Eigen::MatrixXd& X, Task task, int n_classes);

}  // namespace automl
