// search.hpp — the configurations a hyper-parameter search tries.
//
// Grid and random search enumerate what the job's search_params describe. The
// budgeted 'auto' search follows FLAML's cost-frugal idea: cheap configurations of
// every family first, then variations of the best one, for as long as the budget
// allows (the loop lives in search_driver.cpp).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "automl/model.hpp"

namespace automl {

struct Candidate {
  std::string algorithm;
  nlohmann::json hyperparams;  // resolved: every parameter present
};

// Every combination of the listed values, on top of the job's hyperparams.
std::vector<Candidate> grid_candidates(const std::string& algorithm, const nlohmann::json& base,
                                       const nlohmann::json& params);
// n_trials (default 10) draws: lists uniformly, ranges uniform or log-uniform.
std::vector<Candidate> random_candidates(const std::string& algorithm, const nlohmann::json& base,
                                         const nlohmann::json& params, std::uint64_t seed);
// The cheap starting points of 'auto', cheapest first.
std::vector<Candidate> auto_start_candidates(Task task, const std::vector<std::string>& algorithms);
// A random variation of a configuration (log-scale steps where natural).
Candidate auto_variation(const Candidate& best, std::mt19937_64& rng);

}  // namespace automl
