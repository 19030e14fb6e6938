// xgboost_fit.hpp — training tree ensembles with libxgboost's C API.
//
// Lives in automl_train, which only the worker and the tests link: the extension
// serves the resulting TreeEnsemble without ever loading libxgboost.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "automl/model.hpp"
#include "automl/tree_ensemble.hpp"

namespace automl {

struct TreeFit {
  std::shared_ptr<TreeEnsemble> ensemble;
  nlohmann::json info;  // rounds, best_iteration, validation metric
};

// `algorithm` is "xgboost" or "random_forest" with hyper-parameters already resolved
// (algorithms.cpp). y holds class indices (classification) or targets (regression).
// Uses at most `threads` cores; boosting stops early (keeping its trees) at `deadline`. Throws
// Error with XGBGetLastError() on any failure, 57014 when `cancel` is raised between rounds.
TreeFit fit_trees(
    const std::string& algorithm, const nlohmann::json& hyperparams, const Eigen::MatrixXd& X,
    const Eigen::VectorXd& y, Task task, int n_classes, int threads, std::uint64_t seed,
    const std::atomic<bool>* cancel = nullptr,
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max());

}  // namespace automl
