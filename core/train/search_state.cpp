// search_state.cpp — what a search learns from each trial, and the helpers the search
// loop and the re-scoring share.
#include "search_state.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace automl::search_internal {

void SearchState::record(const BestTrial& trial) {
  ok.push_back(trial);
  auto better = [&](const BestTrial& old) {
    return old.trial < 0 || (higher_better ? trial.value > old.value : trial.value < old.value);
  };
  BestTrial& family = family_best[trial.candidate.algorithm];
  // Only a gain beyond the metric's noise floor restarts the family's patience: a
  // ridge alpha nudged forever for gains in the sixth digit has converged.
  const bool gain = family.trial < 0 || std::abs(trial.value - family.value) >
                                            1e-4 * std::max(1.0, std::abs(family.value));
  if (better(family) && gain)
    since_improvement[trial.candidate.algorithm] = 0;
  else
    ++since_improvement[trial.candidate.algorithm];
  if (better(family)) family = trial;
  if (better(best)) best = trial;
}

TrainResources trial_resources(const TrainResources& resources, bool budgeted, double reserve) {
  TrainResources r = resources;
  if (budgeted)
    r.deadline = resources.deadline - std::chrono::duration_cast<TrainClock::duration>(
                                          std::chrono::duration<double>(reserve));
  return r;
}

std::vector<const BestTrial*> ranked(const SearchState& state) {
  std::vector<const BestTrial*> out;
  for (const BestTrial& t : state.ok) out.push_back(&t);
  std::stable_sort(out.begin(), out.end(), [&](const BestTrial* a, const BestTrial* b) {
    return state.higher_better ? a->value > b->value : a->value < b->value;
  });
  return out;
}

}  // namespace automl::search_internal
