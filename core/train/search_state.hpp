// search_state.hpp — what the trials of one search share and what the search has
// learnt from them, for the search loop (search_driver.cpp) and the re-scoring of
// its best configurations (search_rescore.cpp).
#pragma once

#include <Eigen/Dense>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cross_validation.hpp"
#include "search.hpp"
#include "search_driver.hpp"

namespace automl::search_internal {

// What every trial of one search shares.
struct TrialSetup {
  const Eigen::MatrixXd& X;
  const TrainTargets& targets;
  const std::vector<Eigen::Index>& sample;
  TrialEval eval;
  const std::string& metric;
  const TrainResources& resources;
};

struct BestTrial {
  int trial = -1;  // index into the queue; -1 while no trial has succeeded
  double value = 0;
  Candidate candidate;
  double seconds = 0;        // of one fit: the trial's time over its folds
  double trial_seconds = 0;  // of the whole trial
};

// What a search has learnt: the best trial overall and per family, and how many
// trials of each family have gone by since its best last improved.
struct SearchState {
  bool higher_better;
  BestTrial best;
  std::map<std::string, BestTrial> family_best;
  std::map<std::string, size_t> since_improvement;
  std::vector<BestTrial> ok;  // every trial that succeeded

  void record(const BestTrial& trial);
};

// A trial never eats into what the final fit needs: boosting and forests stop
// growing at this deadline (and score what they grew).
TrainResources trial_resources(const TrainResources& resources, bool budgeted, double reserve);

// The successful trials, best first.
std::vector<const BestTrial*> ranked(const SearchState& state);

// A search that converged with time left re-scores its best few configurations on
// freshly shuffled folds (or holdouts), one more repetition each per round while the
// time left affords it, and the best by its mean over every repetition becomes
// state.best: the best of hundreds of trials on few rows is partly the luckiest
// partition (the winner's curse), and a long budget would otherwise end half spent.
// `reserve(fit_seconds)` is what the final fit of a configuration needs. Returns
// what it scored, best first (result.search.rescored).
nlohmann::json rescore_best(const TrialSetup& in, SearchState& state,
                            const std::function<double(double)>& reserve,
                            const TrainResources& resources);

}  // namespace automl::search_internal
