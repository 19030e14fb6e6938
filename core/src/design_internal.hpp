// design_internal.hpp — what the parts of make_design (design.hpp) hand each other:
// the parsed request (design_factors.cpp, design_request.cpp), the model's columns
// (design_model.cpp), the candidate set (design_candidates.cpp), the search
// (design_start.cpp, design_exchange.cpp) and the scores (design_criteria.cpp).
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "automl/portable_random.hpp"

namespace automl::design {

// The limits make_design refuses beyond (54000), so that no request can make it
// allocate or compute without bound.
inline constexpr int kMaxFactors = 20;
inline constexpr int kMaxColumns = 500;
inline constexpr long long kMaxCandidates = 100000;
inline constexpr long long kMaxRuns = 10000;
inline constexpr std::size_t kMaxNameBytes = 63;
inline constexpr long long kMaxLevels = 100000;
// The candidates' model matrix, in doubles (40 MB), and the work of the search:
// restarts x runs x candidates x columns. Each exchange pass streams the candidates'
// matrix once or twice per run, so the search takes about restarts x passes (often
// 5 to 10) x runs x candidates x columns / 5e8 seconds: at the limit, minutes.
inline constexpr double kMaxCells = 5e6;
inline constexpr double kMaxSearchWork = 1e10;

struct Factor {
  std::string name;
  bool categorical = false;
  std::vector<double> levels;              // continuous: candidate levels, uncoded
  double low = 0, high = 0;                // continuous: the range coded to [-1, 1]
  std::vector<nlohmann::json> categories;  // categorical: as given
  std::vector<std::string> labels;         // categorical: as column names show them

  double code(double x) const { return (x - 0.5 * (low + high)) / (0.5 * (high - low)); }
  std::size_t level_count() const { return categorical ? categories.size() : levels.size(); }
};

// A point of the design space: per factor its coded value (continuous) or the index
// of its category (categorical).
using Point = std::vector<double>;

// One model-matrix column: a product over (factor, k) of x^k for a continuous factor
// (k is 1 or 2) or [category == k] for a categorical one; empty for the intercept.
using Column = std::vector<std::pair<int, int>>;

struct Model {
  std::vector<std::string> names;
  std::vector<Column> columns;
  std::vector<bool> categorical;  // per factor
};

// lower <= sum of coefficient x coded factor <= upper.
struct Constraint {
  std::vector<std::pair<int, double>> terms;
  double lower = -HUGE_VAL, upper = HUGE_VAL;
};

enum class Criterion { D, I, A };

struct Options {
  Criterion criterion = Criterion::D;
  long long runs = -1;  // -1: columns + 4
  int restarts = 10;
  std::uint64_t seed = 42;
  int max_iterations = 1000;
  std::vector<Constraint> constraints;
  std::vector<Point> include;                // coded
  std::vector<nlohmann::json> include_rows;  // uncoded, as the result shows them
};

struct Request {
  std::vector<Factor> factors;
  Model model;
  Options options;
};

// design_factors.cpp
std::vector<Factor> parse_factors(const nlohmann::json& factors, long long default_levels);
// One included run, as {factor: value}: its point, and the row the result shows.
std::pair<Point, nlohmann::json> parse_run(const nlohmann::json& run,
                                           const std::vector<Factor>& factors, std::size_t at);

// design_request.cpp: the whole request, validated.
Request parse_request(const nlohmann::json& request);
const char* criterion_name(Criterion c);

// design_model.cpp
Model parse_model(const nlohmann::json& model, const std::vector<Factor>& factors);
Eigen::MatrixXd model_matrix(const Model& model, const std::vector<Point>& points);

// design_candidates.cpp: the grid minus what the constraints exclude, in grid order
// (the last factor varies fastest).
struct Candidates {
  std::vector<Point> points;
  std::vector<std::vector<std::uint32_t>> levels;  // per point, each factor's level index
};
Candidates candidate_points(const std::vector<Factor>& factors,
                            const std::vector<Constraint>& constraints);
// A candidate as the result shows it: {factor: uncoded level or category}.
nlohmann::json uncoded_row(const std::vector<std::uint32_t>& levels,
                           const std::vector<Factor>& factors);
// Moments (1/C) F'F of the candidates' model matrix F; refuses a model they cannot estimate.
Eigen::MatrixXd candidate_moments(const Eigen::MatrixXd& F, const Model& model);

using Random = PortableRandom;

// design_start.cpp: a nonsingular starting design (candidate indices for the free runs).
std::vector<Eigen::Index> starting_design(const Eigen::MatrixXd& F, const Eigen::MatrixXd& fixed,
                                          Eigen::Index free_runs, Random& rng);
// Among the indices where `score` is within a relative 1e-9 of its maximum, one at random.
Eigen::Index pick_best(const Eigen::VectorXd& score, Random& rng);

// design_exchange.cpp
struct SearchProblem {
  const Eigen::MatrixXd& F;      // candidates' model rows, C x p
  const Eigen::MatrixXd& fixed;  // included runs' model rows, n0 x p
  const Eigen::MatrixXd& W;      // weights of trace(W (X'X)^-1): moments (I), identity (A)
  Eigen::Index free_runs;
  Criterion criterion;
  int restarts;
  int max_iterations;
  std::uint64_t seed;
};
struct SearchResult {
  std::vector<Eigen::Index> chosen;  // sorted candidate indices
  long long iterations = 0;          // exchange passes over all restarts
  bool converged = true;             // every restart stopped because nothing improved
};
SearchResult search_design(const SearchProblem& problem);

// design_criteria.cpp
struct Scores {
  double log_det = 0, d_efficiency = 0, a_efficiency = 0, trace_inverse = 0, i_criterion = 0;
};
// Scores of the model matrix X (N x p) with moments W; refuses a singular X'X.
Scores score_design(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W);
// What the search minimises: -log det for D, the trace for A and I.
double loss_of(const Scores& s, Criterion c);
double criterion_value(const Scores& s, Criterion c);

}  // namespace automl::design
