// design_start.cpp — random, nonsingular starting designs for the exchange search.
//
// A start is built in three steps: a random number of uniformly random candidates
// (what makes restarts differ), then candidates that add a new direction to the
// span of the rows so far, largest unexplained part first, until X'X has full rank
// (a Gram-Schmidt over the candidates' residuals, so rank is decided by a clear
// threshold instead of by a ridge), then, for the runs left, the candidate of
// largest prediction variance d(x) (sequential D-optimal augmentation). Ties are
// broken at random. The random step never takes a slot the spanning step needs,
// so a start is singular only when the included runs leave too few runs: an error.
#include <algorithm>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "design_internal.hpp"

namespace automl::design {
namespace {

// A row adds a new direction when its part outside the span is above this fraction
// of its size (squared); coded model rows are O(1), so this is far above rounding.
constexpr double kNewDirection = 1e-9;

// An orthonormal basis of the span of the design's rows so far, and each
// candidate's squared distance from it.
class Span {
 public:
  explicit Span(const Eigen::MatrixXd& F)
      : F_(F), basis_(F.cols(), F.cols()), size2_(F.rowwise().squaredNorm()), residual2_(size2_) {}

  Eigen::Index rank() const { return rank_; }
  bool full() const { return rank_ == F_.cols(); }

  // Adds f to the span; whether it was outside it.
  bool absorb(const Eigen::VectorXd& f) {
    Eigen::VectorXd r = f;
    for (int pass = 0; pass < 2; ++pass)  // twice: classical Gram-Schmidt loses orthogonality
      r -= basis_.leftCols(rank_) * (basis_.leftCols(rank_).transpose() * r);
    if (!(r.squaredNorm() > kNewDirection * f.squaredNorm())) return false;
    const Eigen::VectorXd q = r.normalized();
    basis_.col(rank_++) = q;
    residual2_ -= (F_ * q).cwiseAbs2();
    residual2_ = residual2_.cwiseMax(0.0);
    return true;
  }

  // Squared residuals, with -1 for the candidates already (numerically) in the span.
  Eigen::VectorXd outside() const {
    return (residual2_.array() > kNewDirection * size2_.array()).select(residual2_, -1.0);
  }

 private:
  const Eigen::MatrixXd& F_;
  Eigen::MatrixXd basis_;
  Eigen::Index rank_ = 0;
  Eigen::VectorXd size2_, residual2_;
};

// Adds `count` runs, each the candidate of largest d(x) = f'(X'X)^-1 f given the
// rows so far (X'X nonsingular), updating the inverse by Sherman-Morrison.
void augment(const Eigen::MatrixXd& F, const Eigen::MatrixXd& fixed, Eigen::Index count,
             std::vector<Eigen::Index>& chosen, Random& rng) {
  if (count == 0) return;
  const Eigen::Index p = F.cols();
  Eigen::MatrixXd M = fixed.transpose() * fixed;
  for (auto j : chosen) M += F.row(j).transpose() * F.row(j);
  Eigen::MatrixXd B = M.ldlt().solve(Eigen::MatrixXd::Identity(p, p));
  Eigen::VectorXd d = (F * B).cwiseProduct(F).rowwise().sum();
  for (Eigen::Index t = 0; t < count; ++t) {
    check_interrupt();
    const Eigen::Index j = pick_best(d, rng);
    chosen.push_back(j);
    const Eigen::VectorXd u = B * F.row(j).transpose();
    const double s = 1.0 / (1.0 + F.row(j).dot(u));
    B -= s * u * u.transpose();
    d -= s * (F * u).cwiseAbs2();
  }
}

}  // namespace

Eigen::Index pick_best(const Eigen::VectorXd& score, Random& rng) {
  const double best = score.maxCoeff();
  const double threshold = best - 1e-9 * std::abs(best);
  const auto ties = static_cast<std::uint64_t>((score.array() >= threshold).count());
  auto k = rng.below(ties);
  for (Eigen::Index j = 0; j < score.size(); ++j)
    if (score[j] >= threshold && k-- == 0) return j;
  return score.size() - 1;  // not reached
}

std::vector<Eigen::Index> starting_design(const Eigen::MatrixXd& F, const Eigen::MatrixXd& fixed,
                                          Eigen::Index free_runs, Random& rng) {
  const Eigen::Index p = F.cols();
  Span span(F);
  for (Eigen::Index i = 0; i < fixed.rows(); ++i) span.absorb(fixed.row(i).transpose());
  const Eigen::Index spare = free_runs - (p - span.rank());
  if (spare < 0)
    invalid("the included runs leave too few runs to estimate the model",
            std::to_string(fixed.rows()) + " included runs span " + std::to_string(span.rank()) +
                " of the " + std::to_string(p) + " model columns; the other " +
                std::to_string(free_runs) + " runs cannot make up the remaining " +
                std::to_string(p - span.rank()),
            "increase runs");
  std::vector<Eigen::Index> chosen;
  const auto random_count =
      static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(std::min(spare, p)) + 1));
  for (Eigen::Index t = 0; t < random_count; ++t) {
    chosen.push_back(static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(F.rows()))));
    span.absorb(F.row(chosen.back()).transpose());
  }
  while (!span.full()) {
    check_interrupt();
    const Eigen::VectorXd outside = span.outside();
    if (!(outside.maxCoeff() > 0))  // candidate_moments checked the candidates' rank
      throw Error(sqlstate::kInternalError, "design: the candidates do not span the model");
    chosen.push_back(pick_best(outside, rng));
    span.absorb(F.row(chosen.back()).transpose());
  }
  augment(F, fixed, free_runs - static_cast<Eigen::Index>(chosen.size()), chosen, rng);
  return chosen;
}

}  // namespace automl::design
