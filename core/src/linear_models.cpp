// linear_models.cpp — solvers for the linear family (OLS, ridge, elastic net, logistic).
//
// Each solver reproduces the algorithm scikit-learn uses for the same estimator
// (including its stopping rules), so coefficients, n_iter and convergence
// warnings agree with what users see in Python.
#include "automl/linear_models.hpp"

#include <LBFGS.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "automl/error.hpp"

namespace automl {
namespace {

void check_cancel(CancelFlag cancel) {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed))
    throw Error(sqlstate::kQueryCanceled, "training was cancelled");
}

void check_design(const Eigen::MatrixXd& X, Eigen::Index y_size) {
  if (X.rows() == 0 || X.cols() == 0)
    invalid("cannot fit a linear model on an empty matrix (" + std::to_string(X.rows()) +
            " rows, " + std::to_string(X.cols()) + " features)");
  if (y_size != X.rows())
    invalid("X has " + std::to_string(X.rows()) + " rows but y has " + std::to_string(y_size) +
            " values");
  if (!X.allFinite()) invalid("X contains NaN or infinite values");
}

void check_target(const Eigen::VectorXd& y) {
  if (!y.allFinite()) invalid("y contains NaN or infinite values");
}

void check_penalty(double alpha) {
  if (!std::isfinite(alpha) || alpha < 0)
    invalid("alpha must be a finite non-negative number, got " + std::to_string(alpha));
}

void check_iterations(int max_iter, double tol) {
  if (max_iter < 1) invalid("max_iter must be at least 1, got " + std::to_string(max_iter));
  if (!std::isfinite(tol) || tol < 0)
    invalid("tol must be a finite non-negative number, got " + std::to_string(tol));
}

// Centred copies of X and y (or the originals when there is no intercept); the
// intercept is then recovered from the means as in sklearn's _preprocess_data.
struct Centred {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  Eigen::RowVectorXd x_mean;
  double y_mean = 0.0;
};

Centred centre(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, bool fit_intercept) {
  Centred c;
  if (fit_intercept) {
    c.x_mean = X.colwise().mean();
    c.y_mean = y.mean();
    c.X = X.rowwise() - c.x_mean;
    c.y = y.array() - c.y_mean;
  } else {
    c.x_mean = Eigen::RowVectorXd::Zero(X.cols());
    c.X = X;
    c.y = y;
  }
  return c;
}

LinearWeights single_output(const Eigen::VectorXd& w, const Centred& c) {
  LinearWeights out;
  out.coef = w.transpose();
  out.intercept = Eigen::VectorXd::Constant(1, c.y_mean - c.x_mean.dot(w));
  return out;
}

double max_abs(const Eigen::VectorXd& v) { return v.size() == 0 ? 0.0 : v.cwiseAbs().maxCoeff(); }

// Mean log loss plus the ridge penalty, over theta = [vec(W) (column-major,
// k x p); b (k)] with k = 1 (binary, sigmoid) or n_classes (softmax).
class LogisticObjective {
 public:
  LogisticObjective(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, int n_outputs, double C,
                    bool fit_intercept, const Eigen::VectorXd& class_weight, CancelFlag cancel)
      : X_(X),
        y_(y),
        class_weight_(class_weight),
        k_(n_outputs),
        fit_intercept_(fit_intercept),
        cancel_(cancel),
        // C * sum(loss) + ||W||^2 / 2 scaled by 1 / (C n): same minimiser, with values
        // and gradients of order 1 whatever the number of rows.
        l2_(std::isinf(C) ? 0.0 : 1.0 / (C * static_cast<double>(X.rows()))) {}

  Eigen::Index size() const { return k_ * X_.cols() + (fit_intercept_ ? k_ : 0); }

  double operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) {
    check_cancel(cancel_);
    const Eigen::Index n = X_.rows(), p = X_.cols();
    const double inv_n = 1.0 / static_cast<double>(n);
    Eigen::Map<const Eigen::MatrixXd> W(theta.data(), k_, p);

    // Z is a member: one n x k buffer for the whole solve, not a fresh (page-faulting)
    // allocation per evaluation.
    Eigen::MatrixXd& Z = Z_;
    Z.resize(n, k_);
    Z.noalias() = X_ * W.transpose();
    if (fit_intercept_) Z.rowwise() += theta.tail(k_).transpose();

    // Overwritten with dLoss/dZ (residuals): sigmoid(z) - y or softmax(z) - onehot(y).
    double loss = 0.0;
    if (k_ == 1) {
      for (Eigen::Index i = 0; i < n; ++i) {
        const double z = Z(i, 0);
        // log(1 + e^z) - y z without overflow for large |z|.
        const double softplus = std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z)));
        const double w = weight(i);
        loss += w * (softplus - (y_[i] == 1 ? z : 0.0));
        const double sigmoid =
            z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
        Z(i, 0) = w * (sigmoid - (y_[i] == 1 ? 1.0 : 0.0));
      }
    } else {
      for (Eigen::Index i = 0; i < n; ++i) {
        // log-sum-exp shifted by the row maximum so that exp cannot overflow.
        const double z_true = Z(i, y_[i]);
        const double zmax = Z.row(i).maxCoeff();
        Z.row(i).array() = (Z.row(i).array() - zmax).exp();
        const double sum = Z.row(i).sum();
        const double w = weight(i);
        loss += w * (zmax + std::log(sum) - z_true);
        Z.row(i) /= sum;
        Z(i, y_[i]) -= 1.0;
        if (w != 1.0) Z.row(i) *= w;
      }
    }

    grad.resize(size());
    Eigen::Map<Eigen::MatrixXd> gW(grad.data(), k_, p);
    gW.noalias() = inv_n * Z.transpose() * X_ + l2_ * W;
    if (fit_intercept_) grad.tail(k_) = inv_n * Z.colwise().sum().transpose();
    return loss * inv_n + 0.5 * l2_ * W.squaredNorm();
  }

 private:
  // Per-sample weight from its class (scikit-learn's class_weight); 1 when unset.
  double weight(Eigen::Index i) const { return class_weight_.size() ? class_weight_[y_[i]] : 1.0; }

  const Eigen::MatrixXd& X_;
  const Eigen::VectorXi& y_;
  const Eigen::VectorXd& class_weight_;
  const Eigen::Index k_;
  const bool fit_intercept_;
  const CancelFlag cancel_;
  const double l2_;
  Eigen::MatrixXd Z_;  // scores, then residuals, of the current evaluation
};

struct LbfgsResult {
  int n_iter = 0;
  bool converged = false;
};

// The L-BFGS iteration of LBFGSpp's LBFGSSolver::minimize, driven here so that it
// stops exactly where sklearn 1.2's call of scipy's L-BFGS-B stops, counts
// iterations exactly, and keeps the last accepted point when the line search
// throws (LBFGSpp leaves x at a rejected trial point).
//
// sklearn 1.2 minimises the *sum* form, n times our objective, and scipy stops when
//   max |gradient of the sum form| <= tol                          (pgtol = tol), or
//   (f_prev - f) / max(|f_prev|, |f|, 1) <= factr * eps on the sum  (factr = 1e7).
// `scale` = n converts our objective to the sum form for both tests.
LbfgsResult minimize_lbfgs(LogisticObjective& f, Eigen::VectorXd& x, double scale, int max_iter,
                           double tol) {
  const double rel_reduction_tol = 1e7 * std::numeric_limits<double>::epsilon();
  const auto small_decrease = [&](double decrease, double f_prev, double f_now) {
    return decrease * scale <=
           rel_reduction_tol * std::max({std::abs(f_prev) * scale, std::abs(f_now) * scale, 1.0});
  };

  LBFGSpp::LBFGSParam<double> param;
  // scipy's defaults as sklearn 1.2 uses them: 10 corrections, 20 line-search steps,
  // sufficient-decrease 1e-3 and curvature 0.9.
  param.m = 10;
  param.max_linesearch = 20;
  param.ftol = 1e-3;
  param.wolfe = 0.9;
  // Wolfe's curvature condition keeps s'y > 0 so the BFGS update stays positive definite.
  param.linesearch = LBFGSpp::LBFGS_LINESEARCH_BACKTRACKING_WOLFE;
  param.check_param();

  const Eigen::Index n = x.size();
  LBFGSpp::BFGSMat<double> bfgs;
  bfgs.reset(static_cast<int>(n), param.m);
  Eigen::VectorXd grad(n), xp(n), gradp(n), drt(n);

  double fx = f(x, grad);
  LbfgsResult result;
  if (max_abs(grad) * scale <= tol) {
    result.converged = true;
    return result;
  }
  drt = -grad;
  double step = 1.0 / drt.norm();
  for (int k = 1; k <= max_iter; ++k) {
    xp = x;
    gradp = grad;
    const double fxp = fx;
    try {
      LBFGSpp::LineSearchBacktracking<double>::LineSearch(f, fx, x, grad, step, drt, xp, param);
    } catch (const Error&) {
      throw;
    } catch (const std::exception&) {
      // No acceptable step along drt. Near the optimum that is floating point
      // running out (the predicted decrease is below f's resolution): converged.
      // Otherwise the solver stalled, and we return the last accepted point.
      x = xp;
      result.n_iter = k - 1;
      result.converged = small_decrease(std::abs(gradp.dot(drt)), fxp, fxp);
      return result;
    }
    result.n_iter = k;
    if (max_abs(grad) * scale <= tol || small_decrease(fxp - fx, fxp, fx)) {
      result.converged = true;
      return result;
    }
    bfgs.add_correction(x - xp, grad - gradp);
    bfgs.apply_Hv(grad, -1.0, drt);
    step = 1.0;
  }
  return result;
}

}  // namespace

LinearWeights fit_ols(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, bool fit_intercept) {
  check_design(X, y.size());
  check_target(y);
  const Centred c = centre(X, y, fit_intercept);
  // Complete orthogonal decomposition gives the minimum-norm solution for
  // rank-deficient X, like the LAPACK gelsd that sklearn's LinearRegression calls.
  const Eigen::VectorXd w = c.X.completeOrthogonalDecomposition().solve(c.y);
  return single_output(w, c);
}

LinearWeights fit_ridge(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, double alpha,
                        bool fit_intercept) {
  check_design(X, y.size());
  check_target(y);
  check_penalty(alpha);
  const Centred c = centre(X, y, fit_intercept);
  Eigen::MatrixXd A = c.X.transpose() * c.X;
  A.diagonal().array() += alpha;
  const Eigen::VectorXd w = A.ldlt().solve(c.X.transpose() * c.y);
  return single_output(w, c);
}

LinearWeights fit_elastic_net(const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                              const ElasticNetParams& params, CancelFlag cancel) {
  check_design(X, y.size());
  check_target(y);
  check_penalty(params.alpha);
  if (!(params.l1_ratio >= 0 && params.l1_ratio <= 1))
    invalid("l1_ratio must be between 0 and 1, got " + std::to_string(params.l1_ratio));
  check_iterations(params.max_iter, params.tol);

  const Centred c = centre(X, y, params.fit_intercept);
  const Eigen::Index n = c.X.rows(), p = c.X.cols();
  // sklearn's cd_fast works on n times the documented objective:
  // 1/2 ||R||^2 + l1 ||w||_1 + l2/2 ||w||^2.
  const double l1 = params.alpha * params.l1_ratio * static_cast<double>(n);
  const double l2 = params.alpha * (1.0 - params.l1_ratio) * static_cast<double>(n);
  const Eigen::RowVectorXd col_norm2 = c.X.colwise().squaredNorm();
  const double gap_tol = params.tol * c.y.squaredNorm();

  Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
  Eigen::VectorXd R = c.y;  // residual y - Xw, kept up to date coordinate by coordinate
  int n_iter = params.max_iter;
  bool converged = false;
  for (int iter = 0; iter < params.max_iter; ++iter) {
    check_cancel(cancel);
    double w_max = 0.0, dw_max = 0.0;
    for (Eigen::Index j = 0; j < p; ++j) {
      if (col_norm2[j] == 0.0) continue;
      const double w_old = w[j];
      if (w_old != 0.0) R += w_old * c.X.col(j);
      const double rho = c.X.col(j).dot(R);
      const double shrunk = std::max(std::abs(rho) - l1, 0.0);
      w[j] = rho > 0 ? shrunk / (col_norm2[j] + l2) : rho < 0 ? -shrunk / (col_norm2[j] + l2) : 0.0;
      if (w[j] != 0.0) R -= w[j] * c.X.col(j);
      dw_max = std::max(dw_max, std::abs(w[j] - w_old));
      w_max = std::max(w_max, std::abs(w[j]));
    }
    // Like sklearn, the duality gap is only paid for once the updates look settled,
    // and on the last sweep so that a converged final sweep is not reported as failure.
    if (w_max == 0.0 || dw_max / w_max < params.tol || iter == params.max_iter - 1) {
      const Eigen::VectorXd XtA = c.X.transpose() * R - l2 * w;
      const double dual_norm = max_abs(XtA);
      const double R_norm2 = R.squaredNorm();
      double scale = 1.0, gap = R_norm2;
      if (dual_norm > l1) {
        scale = l1 / dual_norm;
        gap = 0.5 * (R_norm2 + R_norm2 * scale * scale);
      }
      gap += l1 * w.lpNorm<1>() - scale * R.dot(c.y) +
             0.5 * l2 * (1 + scale * scale) * w.squaredNorm();
      if (gap < gap_tol) {
        converged = true;
        n_iter = iter + 1;
        break;
      }
    }
  }
  LinearWeights out = single_output(w, c);
  out.n_iter = n_iter;
  out.converged = converged;
  return out;
}

LinearWeights fit_logistic(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, int n_classes,
                           const LogisticParams& params, CancelFlag cancel) {
  check_design(X, y.size());
  if (n_classes < 2)
    invalid("logistic regression needs at least 2 classes, got " + std::to_string(n_classes));
  for (Eigen::Index i = 0; i < y.size(); ++i)
    if (y[i] < 0 || y[i] >= n_classes)
      invalid("class index " + std::to_string(y[i]) + " at row " + std::to_string(i) +
              " is outside 0.." + std::to_string(n_classes - 1));
  if (std::isnan(params.C) || params.C <= 0)
    invalid("C must be positive, got " + std::to_string(params.C));
  check_iterations(params.max_iter, params.tol);

  const int k = n_classes == 2 ? 1 : n_classes;
  if (params.class_weight.size() &&
      (params.class_weight.size() != n_classes || (params.class_weight.array() <= 0).any()))
    invalid("class_weight needs one positive weight per class");
  LogisticObjective objective(X, y, k, params.C, params.fit_intercept, params.class_weight, cancel);
  Eigen::VectorXd theta = Eigen::VectorXd::Zero(objective.size());
  const LbfgsResult r =
      minimize_lbfgs(objective, theta, static_cast<double>(X.rows()), params.max_iter, params.tol);

  LinearWeights out;
  out.coef = Eigen::Map<const Eigen::MatrixXd>(theta.data(), k, X.cols());
  out.intercept = params.fit_intercept ? Eigen::VectorXd(theta.tail(k)) : Eigen::VectorXd::Zero(k);
  out.n_iter = r.n_iter;
  out.converged = r.converged;
  return out;
}

}  // namespace automl
