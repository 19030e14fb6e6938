// search_driver.hpp — the loop of a hyper-parameter search (the candidates it tries
// come from search.hpp). Grid and random searches try each candidate once; the
// budgeted 'auto' search tries cheap starting points and then variations of the best
// until its deadline, on a sample of the training split, and leaves time for the
// final fit. Trials are scored on the training split only (cross_validation.hpp).
#pragma once

#include <Eigen/Dense>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "automl/train_spec.hpp"
#include "cross_validation.hpp"
#include "search.hpp"

namespace automl {

using ProgressReport = std::function<void(float progress, const std::string& message)>;

// What a search settled on: the best configuration, the rows to fit it on (all the
// training rows unless the budget forces a sample), its summary and the trials
// (each becomes a row of automl.trials).
struct SearchResult {
  Candidate best;
  std::vector<Eigen::Index> final_rows;
  nlohmann::json summary, trials;
};

// How a search scores its trials (spec.eval). 'auto' follows FLAML's rule:
// cross-validation while the trial rows are fewer than 100,000 and rows × features
// is below 10 million per hour of budget (or when the job asks for folds), else one
// 80/20 holdout — except that below 50,000 rows × features it always cross-validates; grid
// and random searches without folds use the holdout. Cross-
// validation has spec.folds folds (default 5), repeated on few rows: 3 times under
// 500 rows, twice under 1,000.
struct TrialEval {
  std::string method;  // "holdout" or "cv"
  int folds = 0;       // < 2 with "holdout"
  int repeats = 1;
  int fits() const { return folds < 2 ? 1 : folds * repeats; }
};
TrialEval choose_eval(const TrainSpec& spec, std::size_t rows, std::size_t width);

// Grid, random or budgeted 'auto' search (spec.search) around `base` on X_train;
// progress runs from 0.3 to 0.8. Throws 22023 when no trial succeeds, 57014 when cancelled.
SearchResult run_search(const TrainSpec& spec, const Candidate& base,
                        const Eigen::MatrixXd& X_train, const TrainTargets& targets,
                        const std::string& metric, const TrainResources& resources,
                        const ProgressReport& report);

// Rows 0 … n - 1, or a seeded sample of max_rows of them; in order either way.
std::vector<Eigen::Index> sample_rows(std::size_t n, std::size_t max_rows, std::uint64_t seed);

// The rows a budgeted search's final fit uses: all n_train when the estimated full
// fit fits in the seconds left, else as many as they allow but never fewer than
// the trials' sample.
std::vector<Eigen::Index> final_fit_rows(std::size_t n_train,
                                         const std::vector<Eigen::Index>& trial_sample,
                                         double full_fit_seconds, double seconds_left,
                                         std::uint64_t seed);

}  // namespace automl
