// search_driver.cpp — running the trials of a search and choosing the best.
#include "search_driver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <random>

#include "automl/algorithms.hpp"
#include "automl/error.hpp"
#include "automl/metrics.hpp"
#include "search_state.hpp"

namespace automl {
namespace {

using namespace search_internal;

// Trials one job may run and keep: each is a row of automl.trials. Grid and random
// searches are bounded by what they list (at most 1000); 'auto' stops at 300, or
// earlier once every family's local search has converged (on few rows a long budget
// would otherwise try thousands of near-identical configurations).
constexpr size_t kMaxTrials = 1000;
constexpr size_t kMaxAutoTrials = 300;
constexpr int kMaxUnaffordableDraws = 20;
// Rows a budgeted trial runs on, so that a big table cannot eat the budget in one
// trial (FLAML's sample-size idea, in its simplest form).
constexpr size_t kMaxTrialRows = 20000;
// Rows × features below which a budgeted search cross-validates whatever the budget:
// a fifth of so small a table is too few held-out rows to rank configurations by (on
// MASS's nlschools, 1,715 rows × 26 features, a 5 s holdout search served a model
// 0.02 r2 worse than the cross-validated ones), and its trials are cheap. Wider
// tables keep FLAML's rule: digits' 1,347 × 64 cross-validated at 5 s afforded three
// trials and overran the budget.
constexpr double kAlwaysCrossValidateBelow = 50000;
// Seconds kept back for storing the model after the final fit.
constexpr double kStoreReserveSeconds = 0.3;

// The candidates a search starts with: the grid, the random draws, or the cheap
// starting points of every family (of search_params.algorithms) that serves the task.
std::vector<Candidate> first_candidates(const TrainSpec& spec, const Candidate& base, Task task) {
  if (spec.search == "grid")
    return grid_candidates(base.algorithm, base.hyperparams, spec.search_params);
  if (spec.search == "random")
    return random_candidates(base.algorithm, base.hyperparams, spec.search_params, spec.seed);
  std::vector<std::string> families;
  if (spec.search_params.contains("algorithms"))
    families = spec.search_params["algorithms"].get<std::vector<std::string>>();
  for (auto it = families.begin(); it != families.end();) {
    const auto& info = find_algorithm(*it);
    const bool serves = task == Task::Classification ? info.classification : info.regression;
    it = serves ? std::next(it) : families.erase(it);
  }
  std::vector<Candidate> queue = auto_start_candidates(task, families);
  if (queue.empty())
    invalid("search_params.algorithms has no algorithm for " + std::string(to_string(task)));
  return queue;
}

// Ensembles close an 'auto' search when search_params.algorithms asks for them. Not by
// default: on bench/automl.sh's seven real datasets they scored no better on held-out
// rows than the best single configuration (their cross-validated score is measured on
// the folds that chose their members), and the time kept for them cost trials.
bool ensembles_allowed(const TrainSpec& spec) {
  if (!spec.search_params.contains("algorithms")) return false;
  for (const auto& a : spec.search_params["algorithms"])
    if (a == "ensemble") return true;
  return false;
}

// Trials without improvement after which a family's local search has converged: a
// linear model has one or two parameters, boosting seven.
size_t family_patience(const std::string& algorithm) {
  if (algorithm == "xgboost") return 50;
  if (algorithm == "random_forest") return 30;
  return 15;
}

// The next configuration of 'auto' once its starting points are tried: a variation of
// the best configuration of a family whose local search has not converged — half the
// time the family that leads, else another at random, so that a linear model that wins
// early cannot starve the tree families (FLAML gives each learner its own search for
// the same reason). Nothing once every family has converged.
std::optional<Candidate> next_variation(const SearchState& state, std::mt19937_64& rng) {
  std::vector<const BestTrial*> open;
  const BestTrial* leader = nullptr;
  for (const auto& [family, trial] : state.family_best) {
    if (state.since_improvement.at(family) >= family_patience(family)) continue;
    open.push_back(&trial);
    if (family == state.best.candidate.algorithm) leader = &trial;
  }
  if (open.empty()) return std::nullopt;
  std::uniform_real_distribution<double> u(0, 1);
  const BestTrial* parent =
      leader && (open.size() == 1 || u(rng) < 0.5)
          ? leader
          : open[static_cast<size_t>(u(rng) * static_cast<double>(open.size())) % open.size()];
  return auto_variation(parent->candidate, rng);
}

// Runs trial t of candidate c and returns its automl.trials record; the state learns
// its score. A failed fit fails the trial only; cancellation ends the search.
nlohmann::json run_trial(const TrialSetup& in, size_t t, const Candidate& c, SearchState& state) {
  const TrainClock::time_point start = TrainClock::now();
  nlohmann::json trial = {{"trial", t + 1},
                          {"algorithm", c.algorithm},
                          {"hyperparams", c.hyperparams},
                          {"rows", in.sample.size()}};
  try {
    const auto [value, sd] = cross_validate(c, in.X, in.targets, in.sample, in.eval.folds,
                                            in.metric, in.resources, in.eval.repeats);
    trial["value"] = value;
    if (in.eval.folds > 1) trial["std"] = sd;
    trial["status"] = "ok";
    const double took = seconds_since(start);
    state.record({static_cast<int>(t), value, c, took / in.eval.fits(), took});
  } catch (const Error& e) {
    if (e.sqlstate() == std::string(sqlstate::kQueryCanceled)) throw;
    trial["status"] = "failed";
    trial["error"] = e.what();
  }
  trial["seconds"] = seconds_since(start);
  return trial;
}

// From 0.3 to 0.8: elapsed share of the budget, or share of the candidates tried.
float search_progress(bool budgeted, TrainClock::time_point start, TrainClock::time_point deadline,
                      size_t tried, size_t planned) {
  const double elapsed = seconds_since(start);
  const double share =
      budgeted ? std::min(1.0, elapsed / std::max(1e-3, elapsed + seconds_until(deadline)))
               : static_cast<double>(tried) / static_cast<double>(planned);
  return 0.3f + 0.5f * static_cast<float>(share);
}

// Trial seconds and seconds of one fit of the three best trials so far: what an
// ensemble of them will cost (zero before two trials have succeeded).
std::pair<double, double> top_three_cost(const SearchState& state) {
  if (state.ok.size() < 2) return {0, 0};
  const std::vector<const BestTrial*> top = ranked(state);
  double trial_seconds = 0, fit_seconds = 0;
  for (size_t i = 0; i < std::min<size_t>(3, top.size()); ++i)
    trial_seconds += top[i]->trial_seconds, fit_seconds += top[i]->seconds;
  return {trial_seconds, fit_seconds};
}

// An ensemble of the given trials' configurations, with its expected cost: the
// members' trial seconds, and their seconds of one fit.
struct EnsembleCandidate {
  Candidate candidate;
  double trial_seconds = 0, fit_seconds = 0;
};

// Averages of the best configurations: the three best trials, then the best of each of
// the (up to) three best families — the first of those that differ, distinct members.
std::vector<EnsembleCandidate> ensemble_candidates(const SearchState& state) {
  const std::vector<const BestTrial*> best_first = ranked(state);
  auto build = [&](auto&& take) {
    EnsembleCandidate e;
    nlohmann::json members = nlohmann::json::array();
    std::vector<std::string> seen;
    for (const BestTrial* trial : best_first) {
      const BestTrial& t = *trial;
      const std::string key = t.candidate.algorithm + t.candidate.hyperparams.dump();
      if (members.size() == 3 || !take(t) || std::find(seen.begin(), seen.end(), key) != seen.end())
        continue;
      seen.push_back(key);
      members.push_back(
          {{"algorithm", t.candidate.algorithm}, {"hyperparams", t.candidate.hyperparams}});
      e.trial_seconds += t.trial_seconds;
      e.fit_seconds += t.seconds;
    }
    if (members.size() >= 2)
      e.candidate = {"ensemble", resolve_hyperparams("ensemble", {{"members", members}})};
    return e;
  };
  std::vector<EnsembleCandidate> out;
  out.push_back(build([](const BestTrial&) { return true; }));
  std::vector<std::string> families;
  out.push_back(build([&](const BestTrial& t) {
    if (std::find(families.begin(), families.end(), t.candidate.algorithm) != families.end())
      return false;
    families.push_back(t.candidate.algorithm);
    return true;
  }));
  if (!out[1].candidate.algorithm.empty() &&
      out[1].candidate.hyperparams == out[0].candidate.hyperparams)
    out.pop_back();
  out.erase(
      std::remove_if(out.begin(), out.end(),
                     [](const EnsembleCandidate& e) { return e.candidate.algorithm.empty(); }),
      out.end());
  return out;
}

}  // namespace

TrialEval choose_eval(const TrainSpec& spec, size_t rows, size_t width) {
  bool cv = spec.eval == "cv" || (spec.eval == "auto" && spec.folds > 1);
  if (spec.eval == "auto" && !cv && spec.time_budget_seconds) {
    const double cells = static_cast<double>(rows) * static_cast<double>(width);
    cv = cells < kAlwaysCrossValidateBelow ||
         (rows < 100000 && cells / 0.9 < 1e7 * *spec.time_budget_seconds / 3600);
  }
  if (!cv) return {"holdout", 0, 1};
  return {"cv", spec.folds > 1 ? spec.folds : 5, rows < 500 ? 3 : rows < 1000 ? 2 : 1};
}

std::vector<Eigen::Index> sample_rows(size_t n, size_t max_rows, std::uint64_t seed) {
  std::vector<Eigen::Index> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = static_cast<Eigen::Index>(i);
  if (n > max_rows) {
    std::mt19937_64 rng(seed);
    std::shuffle(rows.begin(), rows.end(), rng);
    rows.resize(max_rows);
    std::sort(rows.begin(), rows.end());
  }
  return rows;
}

std::vector<Eigen::Index> final_fit_rows(size_t n_train,
                                         const std::vector<Eigen::Index>& trial_sample,
                                         double full_fit_seconds, double seconds_left,
                                         std::uint64_t seed) {
  if (!(full_fit_seconds > seconds_left && seconds_left > 0))
    return sample_rows(n_train, n_train, seed);
  const auto rows = std::max<size_t>(
      trial_sample.size(),
      static_cast<size_t>(static_cast<double>(n_train) * seconds_left / full_fit_seconds));
  if (rows >= n_train) return sample_rows(n_train, n_train, seed);
  if (rows > trial_sample.size()) return sample_rows(n_train, rows, seed);
  return trial_sample;
}

SearchResult run_search(const TrainSpec& spec, const Candidate& base,
                        const Eigen::MatrixXd& X_train, const TrainTargets& targets,
                        const std::string& metric, const TrainResources& resources,
                        const ProgressReport& report) {
  const bool budgeted = spec.search == "auto";
  const bool ensembles = budgeted && ensembles_allowed(spec);
  const size_t n_train = static_cast<size_t>(X_train.rows());
  const TrainClock::time_point search_start = TrainClock::now();
  const std::vector<Eigen::Index> sample =
      sample_rows(n_train, budgeted ? kMaxTrialRows : n_train, spec.seed);
  std::vector<Candidate> queue = first_candidates(spec, base, targets.task);
  const TrialEval eval = choose_eval(spec, sample.size(), static_cast<size_t>(X_train.cols()));
  // The final fit, estimated from a trial's fit on the sample; with refit, the fit on
  // every row (1 / (1 - test_size) times the training rows) comes after it.
  const double refit_share = spec.refit ? 1.0 / (1.0 - spec.test_size) : 0.0;
  auto final_fit_estimate = [&](double trial_seconds) {
    return trial_seconds * 1.5 * (1.0 + refit_share) * static_cast<double>(n_train) /
           static_cast<double>(std::max<size_t>(sample.size(), 1));
  };
  nlohmann::json trials = nlohmann::json::array();
  std::map<std::string, double> cost_per_estimator;  // seconds per unit of n_estimators, per family
  SearchState state{metric_higher_is_better(metric), {}, {}, {}, {}};
  const BestTrial& best = state.best;
  std::mt19937_64 rng(spec.seed ^ 0xa11);
  const size_t fixed = queue.size();
  std::string stopped;
  int unaffordable = 0;  // variations drawn in a row that the time left cannot afford
  size_t numbered = 0;   // trial numbers used so far (skipped candidates leave gaps)
  for (size_t t = 0;; ++t) {
    if (trials.size() >= (budgeted ? kMaxAutoTrials : kMaxTrials)) {
      stopped = "max_trials";  // a tiny table under a long budget would otherwise try millions
      break;
    }
    if (t >= queue.size()) {
      if (!budgeted || best.trial < 0) break;
      std::optional<Candidate> next = next_variation(state, rng);
      if (!next) {
        stopped = "converged";
        break;
      }
      queue.push_back(*next);
    }
    const Candidate c = queue[t];
    const double size = c.hyperparams.value("n_estimators", 1);
    const double expected =
        cost_per_estimator.count(c.algorithm) ? cost_per_estimator[c.algorithm] * size : 0.05;
    double reserve =
        (best.trial >= 0 ? final_fit_estimate(best.seconds) : 0) + kStoreReserveSeconds;
    if (ensembles) {
      // Time for the closing ensembles (two trials of the three best configurations) and
      // the final fit of one, beyond the best single configuration's.
      const auto [trial_seconds, fit_seconds] = top_three_cost(state);
      reserve += 2.4 * trial_seconds +
                 std::max(0.0, final_fit_estimate(fit_seconds) - final_fit_estimate(best.seconds));
    }
    if (budgeted && seconds_until(resources.deadline) < expected * 1.2 + reserve) {
      if (t < fixed) continue;  // a cheaper start candidate may still fit
      // A variation of a cheaper family may still fit: draw another, a few times.
      if (++unaffordable > kMaxUnaffordableDraws) {
        stopped = "time_budget";
        break;
      }
      queue.erase(queue.begin() + static_cast<std::ptrdiff_t>(t--));
      continue;
    }
    unaffordable = 0;
    if (resources.cancel && *resources.cancel)
      throw Error(sqlstate::kQueryCanceled, "training was cancelled");
    const TrainResources limited = trial_resources(resources, budgeted, reserve);
    const TrialSetup setup{X_train, targets, sample, eval, metric, limited};
    const nlohmann::json trial = run_trial(setup, t, c, state);
    numbered = t + 1;
    cost_per_estimator[c.algorithm] = trial["seconds"].get<double>() / std::max(1.0, size);
    trials.push_back(trial);
    report(search_progress(budgeted, search_start, resources.deadline, t + 1, queue.size()),
           std::to_string(trials.size()) + " trials, best " + metric + " " +
               std::to_string(best.value));
    if (!budgeted && t + 1 >= queue.size()) break;
  }
  nlohmann::json rescored;
  if (budgeted && best.trial >= 0 && (stopped == "converged" || stopped == "max_trials")) {
    const TrialSetup setup{X_train, targets, sample, eval, metric, resources};
    rescored = rescore_best(
        setup, state,
        [&](double fit_seconds) { return final_fit_estimate(fit_seconds) + kStoreReserveSeconds; },
        resources);
  }
  // Averages of the best configurations, tried last as trials of their own (as
  // auto-sklearn ends its search); one that scores better becomes the best. Each runs
  // only if the time left affords it and its final fit.
  if (ensembles && best.trial >= 0)
    for (const EnsembleCandidate& e : ensemble_candidates(state)) {
      const double reserve = final_fit_estimate(e.fit_seconds) + kStoreReserveSeconds;
      if (seconds_until(resources.deadline) < e.trial_seconds * 1.2 + reserve) continue;
      const TrainResources limited = trial_resources(resources, budgeted, reserve);
      const TrialSetup setup{X_train, targets, sample, eval, metric, limited};
      trials.push_back(run_trial(setup, numbered++, e.candidate, state));
    }
  if (best.trial < 0)
    invalid("no trial of the search succeeded",
            trials.empty() ? "the budget allowed no trial" : trials.back().value("error", ""));
  SearchResult result;
  result.best = best.candidate;
  // When the budget cannot fit a full final fit, fit on as many rows as it allows.
  result.final_rows =
      budgeted ? final_fit_rows(n_train, sample, final_fit_estimate(best.seconds),
                                seconds_until(resources.deadline) - kStoreReserveSeconds, spec.seed)
               : sample_rows(n_train, n_train, spec.seed);
  result.summary = {{"kind", spec.search},          {"metric", metric},
                    {"eval", eval.method},          {"trials", trials.size()},
                    {"best_trial", best.trial + 1}, {"best_value", best.value},
                    {"trial_rows", sample.size()},  {"seconds", seconds_since(search_start)}};
  if (eval.folds > 1) result.summary.update({{"folds", eval.folds}, {"repeats", eval.repeats}});
  if (!stopped.empty()) result.summary["stopped"] = stopped;
  if (!rescored.is_null()) result.summary["rescored"] = rescored;
  result.trials = trials;
  return result;
}

}  // namespace automl
