// design_criteria.cpp — the numbers a finished design is judged by, computed afresh
// from its coded model matrix (the search's running values drift with every
// rank-one update; these are the ones the result reports).
#include <cmath>

#include "automl/error.hpp"
#include "design_internal.hpp"

namespace automl::design {

Scores score_design(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W) {
  const auto p = static_cast<double>(X.cols());
  const auto n = static_cast<double>(X.rows());
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(X.cols(), X.cols());
  M.selfadjointView<Eigen::Lower>().rankUpdate(X.transpose());
  M = M.selfadjointView<Eigen::Lower>();
  const Eigen::LLT<Eigen::MatrixXd> llt(M);
  // The search only returns nonsingular designs; a failure here is a bug, not a request.
  if (llt.info() != Eigen::Success || !(llt.rcond() > 1e-14))
    throw Error(sqlstate::kInternalError, "the design's information matrix is singular");
  const Eigen::MatrixXd inverse = llt.solve(Eigen::MatrixXd::Identity(X.cols(), X.cols()));
  Scores s;
  s.log_det = 2 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
  // JMP's D-efficiency: 100 |X'X|^(1/p) / N, which is 100 for an orthogonal +-1 design.
  s.d_efficiency = 100 * std::exp(s.log_det / p) / n;
  s.trace_inverse = inverse.trace();
  s.a_efficiency = 100 * p / (n * s.trace_inverse);
  // The mean of f(x)' (X'X)^-1 f(x) over the candidates: trace((X'X)^-1 W).
  s.i_criterion = W.cwiseProduct(inverse).sum();
  return s;
}

double loss_of(const Scores& s, Criterion c) {
  return c == Criterion::D ? -s.log_det : c == Criterion::A ? s.trace_inverse : s.i_criterion;
}

double criterion_value(const Scores& s, Criterion c) {
  return c == Criterion::D ? s.log_det : c == Criterion::A ? s.trace_inverse : s.i_criterion;
}

}  // namespace automl::design
