// search_rescore.cpp — the re-scoring of a converged search's best configurations
// (search_state.hpp says why).
#include <algorithm>
#include <string>

#include "automl/error.hpp"
#include "search_state.hpp"

namespace automl::search_internal {
namespace {

// A converged search re-scores its best configurations: how many, and at most how
// many more repetitions each.
constexpr size_t kRescored = 5;
constexpr int kMaxExtraRepetitions = 10;

}  // namespace

nlohmann::json rescore_best(const TrialSetup& in, SearchState& state,
                            const std::function<double(double)>& reserve,
                            const TrainResources& resources) {
  struct Rescored {
    BestTrial trial;
    int repetitions;
    double sum;
  };
  std::vector<Rescored> best;
  std::vector<std::string> seen;
  for (const BestTrial* t : ranked(state)) {
    const std::string key = t->candidate.algorithm + t->candidate.hyperparams.dump();
    if (best.size() == kRescored || std::find(seen.begin(), seen.end(), key) != seen.end())
      continue;
    seen.push_back(key);
    best.push_back({*t, in.eval.repeats, t->value * in.eval.repeats});
  }
  double slowest_fit = 0;
  for (const Rescored& r : best) slowest_fit = std::max(slowest_fit, r.trial.seconds);
  const double kept = reserve(slowest_fit);
  bool time_left = true;
  for (int round = 0; round < kMaxExtraRepetitions && time_left; ++round)
    for (Rescored& r : best) {
      const double one = r.trial.trial_seconds / in.eval.repeats;
      if (seconds_until(resources.deadline) < one * 1.2 + kept) {
        time_left = false;
        break;
      }
      if (resources.cancel && *resources.cancel)
        throw Error(sqlstate::kQueryCanceled, "training was cancelled");
      TrainResources limited = trial_resources(resources, true, kept);
      limited.seed = repetition_seed(resources.seed, r.repetitions);
      try {
        r.sum += cross_validate(r.trial.candidate, in.X, in.targets, in.sample, in.eval.folds,
                                in.metric, limited, 1)
                     .first;
        ++r.repetitions;
      } catch (const Error& e) {
        if (e.sqlstate() == std::string(sqlstate::kQueryCanceled)) throw;
      }
    }
  auto mean = [](const Rescored& r) { return r.sum / r.repetitions; };
  std::stable_sort(best.begin(), best.end(), [&](const Rescored& a, const Rescored& b) {
    return state.higher_better ? mean(a) > mean(b) : mean(a) < mean(b);
  });
  nlohmann::json summary = nlohmann::json::array();
  for (const Rescored& r : best)
    summary.push_back(
        {{"trial", r.trial.trial + 1}, {"repetitions", r.repetitions}, {"value", mean(r)}});
  state.best = best.front().trial;
  state.best.value = mean(best.front());
  return summary;
}

}  // namespace automl::search_internal
