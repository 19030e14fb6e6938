// search.cpp — grid, random and 'auto' candidates.
#include "search.hpp"

#include <algorithm>
#include <cmath>

#include "automl/algorithms.hpp"

namespace automl {
namespace {

Candidate make(const std::string& algorithm, nlohmann::json hp) {
  return {algorithm, resolve_hyperparams(algorithm, hp)};
}

bool is_integer_param(const std::string& name) {
  return name == "n_estimators" || name == "max_depth" || name == "max_iter" ||
         name == "early_stopping_rounds";
}

}  // namespace

std::vector<Candidate> grid_candidates(const std::string& algorithm, const nlohmann::json& base,
                                       const nlohmann::json& params) {
  std::vector<nlohmann::json> combos = {base};
  for (const auto& [key, values] : params.items()) {
    std::vector<nlohmann::json> next;
    for (const auto& combo : combos)
      for (const auto& v : values) {
        nlohmann::json c = combo;
        c[key] = v;
        next.push_back(c);
      }
    combos = std::move(next);
  }
  std::vector<Candidate> out;
  for (const auto& c : combos) out.push_back(make(algorithm, c));
  return out;
}

std::vector<Candidate> random_candidates(const std::string& algorithm, const nlohmann::json& base,
                                         const nlohmann::json& params, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  const int n = params.value("n_trials", 10);
  std::vector<Candidate> out;
  for (int t = 0; t < n; ++t) {
    nlohmann::json hp = base;
    for (const auto& [key, spec] : params.items()) {
      if (key == "n_trials") continue;
      if (spec.is_array()) {
        hp[key] =
            spec[static_cast<size_t>(u(rng) * static_cast<double>(spec.size())) % spec.size()];
        continue;
      }
      const double lo = spec.at("min").get<double>(), hi = spec.at("max").get<double>();
      const bool log = spec.value("log", false) && lo > 0;
      double x = log ? std::exp(std::log(lo) + u(rng) * (std::log(hi) - std::log(lo)))
                     : lo + u(rng) * (hi - lo);
      if (is_integer_param(key) ||
          (spec.at("min").is_number_integer() && spec.at("max").is_number_integer()))
        hp[key] = static_cast<long long>(std::llround(x));
      else
        hp[key] = x;
    }
    out.push_back(make(algorithm, hp));
  }
  return out;
}

std::vector<Candidate> auto_start_candidates(Task task,
                                             const std::vector<std::string>& algorithms) {
  const bool classify = task == Task::Classification;
  auto allowed = [&](const std::string& a) {
    return algorithms.empty() ||
           std::find(algorithms.begin(), algorithms.end(), a) != algorithms.end();
  };
  std::vector<Candidate> out;
  const std::string linear = classify ? "logistic" : "ridge";
  if (allowed(linear)) out.push_back(make(linear, nlohmann::json::object()));
  // Boosting in 'auto' trains a fixed number of rounds (the search explores it), so
  // the final model learns from every training row instead of holding some out.
  auto boost = [](nlohmann::json hp) {
    hp["early_stopping_rounds"] = 0;
    return make("xgboost", hp);
  };
  if (allowed("xgboost"))
    out.push_back(boost({{"n_estimators", 50}, {"max_depth", 3}, {"learning_rate", 0.3}}));
  if (allowed("random_forest"))
    out.push_back(make("random_forest", {{"n_estimators", 50}, {"max_depth", 8}}));
  if (allowed("xgboost")) {
    // Close to scikit-learn's HistGradientBoosting defaults (shrinkage 0.1, leaves of
    // about 20 rows or more): strong on small noisy tables where XGBoost's overfit.
    out.push_back(boost({{"n_estimators", 100},
                         {"max_depth", 5},
                         {"learning_rate", 0.1},
                         {"min_child_weight", classify ? 5.0 : 20.0}}));
    out.push_back(boost(
        {{"n_estimators", 100}, {"max_depth", 6}, {"learning_rate", 0.3}}));  // XGBoost's defaults
    out.push_back(boost({{"n_estimators", 200}, {"max_depth", 6}, {"learning_rate", 0.1}}));
    out.push_back(boost({{"n_estimators", 500},
                         {"max_depth", 8},
                         {"learning_rate", 0.05},
                         {"subsample", 0.8},
                         {"colsample_bytree", 0.8},
                         {"min_child_weight", 2.0}}));
  }
  if (!classify && allowed("elastic_net")) out.push_back(make("elastic_net", {{"alpha", 0.1}}));
  if (classify && allowed("logistic")) out.push_back(make("logistic", {{"C", 10.0}}));
  return out;
}

Candidate auto_variation(const Candidate& best, std::mt19937_64& rng) {
  std::normal_distribution<double> step(0, 0.5);
  std::uniform_real_distribution<double> u(0, 1);
  nlohmann::json hp = best.hyperparams;
  auto log_step = [&](const char* key, double lo, double hi) {
    if (!hp.contains(key)) return;
    hp[key] = std::clamp(hp[key].get<double>() * std::exp(step(rng)), lo, hi);
  };
  auto int_step = [&](const char* key, long long lo, long long hi) {
    if (!hp.contains(key)) return;
    const double x = static_cast<double>(hp[key].get<long long>()) * std::exp(step(rng));
    hp[key] = std::clamp(static_cast<long long>(std::llround(x)), lo, hi);
  };
  if (best.algorithm == "xgboost") {
    log_step("learning_rate", 0.01, 0.5);
    int_step("n_estimators", 20, 2000);
    if (u(rng) < 0.5)
      hp["max_depth"] =
          std::clamp<long long>(hp["max_depth"].get<long long>() + (u(rng) < 0.5 ? -1 : 1), 2, 12);
    hp["subsample"] = std::clamp(hp["subsample"].get<double>() + step(rng) * 0.2, 0.5, 1.0);
    hp["colsample_bytree"] =
        std::clamp(hp["colsample_bytree"].get<double>() + step(rng) * 0.2, 0.4, 1.0);
    log_step("min_child_weight", 0.1, 20);
    log_step("reg_lambda", 0.01, 20);
  } else if (best.algorithm == "random_forest") {
    int_step("n_estimators", 20, 500);
    hp["max_depth"] =
        std::clamp<long long>(hp["max_depth"].get<long long>() + (u(rng) < 0.5 ? -2 : 2), 3, 20);
    hp["colsample_bynode"] =
        std::clamp(hp["colsample_bynode"].get<double>() + step(rng) * 0.2, 0.3, 1.0);
  } else if (best.algorithm == "logistic") {
    log_step("C", 1e-4, 1e4);
  } else {
    log_step("alpha", 1e-6, 1e3);
  }
  return make(best.algorithm, hp);
}

}  // namespace automl
