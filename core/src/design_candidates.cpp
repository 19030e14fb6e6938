// design_candidates.cpp — the candidate set a design's runs are chosen from: the full
// grid of the factors' levels, minus the points the constraints exclude, and the
// check that the model can be estimated on what is left at all (otherwise no
// design of any size could be nonsingular, and the search would chase a zero det).
#include <cmath>

#include "automl/error.hpp"
#include "design_internal.hpp"

namespace automl::design {
namespace {

// Slack for points exactly on a constraint's boundary (coded units, so scale-free).
constexpr double kConstraintSlack = 1e-9;
// A column whose part unexplained by the columns before it is below this fraction
// of its own size is taken to be a linear combination of them.
constexpr double kDependence = 1e-10;

bool satisfies(const Point& x, const std::vector<Constraint>& constraints) {
  for (const auto& c : constraints) {
    double v = 0;
    for (const auto& [f, coef] : c.terms) v += coef * x[static_cast<std::size_t>(f)];
    if (v < c.lower - kConstraintSlack || v > c.upper + kConstraintSlack) return false;
  }
  return true;
}

double grid_size(const std::vector<Factor>& factors) {
  double n = 1;
  for (const auto& f : factors) n *= static_cast<double>(f.level_count());
  return n;
}

// Cholesky of W that skips dependent columns: the first one it meets, or -1.
Eigen::Index first_dependent_column(const Eigen::MatrixXd& W) {
  const Eigen::Index p = W.rows();
  Eigen::MatrixXd L = Eigen::MatrixXd::Zero(p, p);
  Eigen::Index first = -1;
  for (Eigen::Index j = 0; j < p; ++j) {
    const double v = W(j, j) - L.row(j).head(j).squaredNorm();
    if (!(v > kDependence * W(j, j)) || W(j, j) <= 0) {
      if (first < 0) first = j;
      continue;  // L's column j stays zero: later columns are reduced by the others only
    }
    L(j, j) = std::sqrt(v);
    for (Eigen::Index i = j + 1; i < p; ++i)
      L(i, j) = (W(i, j) - L.row(i).head(j).dot(L.row(j).head(j))) / L(j, j);
  }
  return first;
}

}  // namespace

Candidates candidate_points(const std::vector<Factor>& factors,
                            const std::vector<Constraint>& constraints) {
  const double size = grid_size(factors);
  if (size > static_cast<double>(kMaxCandidates))
    throw Error(sqlstate::kProgramLimitExceeded,
                "the candidate grid has " + std::to_string(static_cast<long long>(size)) +
                    " points, more than the limit of " + std::to_string(kMaxCandidates),
                "", "use fewer levels (options.levels, or a factor's \"levels\") or fewer factors");
  const std::size_t n = factors.size();
  Candidates out;
  std::vector<std::uint32_t> index(n, 0);
  Point x(n);
  for (long long count = 0; count < static_cast<long long>(size); ++count) {
    for (std::size_t f = 0; f < n; ++f)
      x[f] = factors[f].categorical ? static_cast<double>(index[f])
                                    : factors[f].code(factors[f].levels[index[f]]);
    if (satisfies(x, constraints)) {
      out.points.push_back(x);
      out.levels.push_back(index);
    }
    // The next grid point: the last factor varies fastest.
    for (std::size_t f = n; f-- > 0;) {
      if (++index[f] < factors[f].level_count()) break;
      index[f] = 0;
    }
  }
  if (out.points.empty())
    invalid("the constraints exclude every candidate point",
            "the grid has " + std::to_string(static_cast<long long>(size)) + " points",
            "constraints apply to coded factors, which run from -1 to 1");
  return out;
}

nlohmann::json uncoded_row(const std::vector<std::uint32_t>& levels,
                           const std::vector<Factor>& factors) {
  nlohmann::json row = nlohmann::json::object();
  for (std::size_t f = 0; f < factors.size(); ++f)
    row[factors[f].name] = factors[f].categorical ? factors[f].categories[levels[f]]
                                                  : nlohmann::json(factors[f].levels[levels[f]]);
  return row;
}

Eigen::MatrixXd candidate_moments(const Eigen::MatrixXd& F, const Model& model) {
  Eigen::MatrixXd W = Eigen::MatrixXd::Zero(F.cols(), F.cols());
  W.selfadjointView<Eigen::Lower>().rankUpdate(F.transpose(), 1.0 / static_cast<double>(F.rows()));
  W = W.selfadjointView<Eigen::Lower>();
  const Eigen::Index dependent = first_dependent_column(W);
  if (dependent >= 0)
    invalid("the model is not estimable on the candidate points: column \"" +
                model.names[static_cast<std::size_t>(dependent)] +
                "\" is a linear combination of the columns before it",
            std::to_string(F.rows()) + " candidate points, " + std::to_string(F.cols()) +
                " model columns",
            "a square needs 3 or more levels of its factor; constraints may have removed the "
            "points that tell the terms apart");
  return W;
}

}  // namespace automl::design
