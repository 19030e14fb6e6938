// linear_analysis.cpp — OLS with statsmodels' summary statistics (linear_analysis.hpp).
//
// The regressors are centred on their means (long-double sums) and scaled to unit
// norm before a column-pivoting QR: centring removes the intercept's collinearity
// with large-valued columns (Longley's years and populations), scaling makes the
// rank test and the pivots independent of units. One step of iterative refinement,
// with residuals accumulated in long double, recovers the digits the QR's rounding
// lost. The intercept and its variance come back from the means:
//   b0 = ȳ − x̄·b,  Var(b0) = σ²/n + x̄ᵀ Cov(b) x̄.
#include "automl/linear_analysis.hpp"

#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"

namespace automl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_finite(const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                  const std::vector<std::string>& names) {
  if (!y.allFinite())
    throw Error(sqlstate::kInvalidParameterValue, "the target has NaN or infinite values", "",
                "filter them out, or cast them to NULL");
  for (Eigen::Index j = 0; j < X.cols(); ++j)
    if (!X.col(j).allFinite())
      throw Error(sqlstate::kInvalidParameterValue,
                  "term \"" + names[static_cast<std::size_t>(j)] + "\" has NaN or infinite values",
                  "", "filter them out, or cast them to NULL");
}

double mean_of(const Eigen::Ref<const Eigen::VectorXd>& v) {
  long double sum = 0;
  for (Eigen::Index i = 0; i < v.size(); ++i) sum += v[i];
  return static_cast<double>(sum / static_cast<long double>(v.size()));
}

// The centred, unit-norm regressors Z = (X − x̄) S⁻¹ and what undoes them.
struct Standardised {
  Eigen::MatrixXd Z;
  Eigen::VectorXd means, scales;
  double y_mean = 0;
};

Standardised standardise(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, bool intercept,
                         const std::vector<std::string>& names) {
  Standardised s;
  const Eigen::Index p = X.cols();
  s.means = Eigen::VectorXd::Zero(p);
  if (intercept) {
    for (Eigen::Index j = 0; j < p; ++j) s.means[j] = mean_of(X.col(j));
    s.y_mean = mean_of(y);
  }
  s.Z = X.rowwise() - s.means.transpose();
  s.scales = s.Z.colwise().norm().transpose();
  for (Eigen::Index j = 0; j < p; ++j) {
    if (!(s.scales[j] > 0))
      throw Error(sqlstate::kInvalidParameterValue,
                  "term \"" + names[static_cast<std::size_t>(j)] +
                      (intercept ? "\" is constant: it cannot be told from the intercept"
                                 : "\" is zero on every row"),
                  "", "leave it out of options.terms");
    s.Z.col(j) /= s.scales[j];
  }
  return s;
}

// yc − Z g, each row's dot product summed in long double.
Eigen::VectorXd residual_of(const Eigen::MatrixXd& Z, const Eigen::VectorXd& yc,
                            const Eigen::VectorXd& g) {
  Eigen::VectorXd r(Z.rows());
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    long double acc = yc[i];
    for (Eigen::Index j = 0; j < Z.cols(); ++j) acc -= static_cast<long double>(Z(i, j)) * g[j];
    r[i] = static_cast<double>(acc);
  }
  return r;
}

// Coefficients of the standardised problem and (ZᵀZ)⁻¹, from one pivoted QR.
struct Solved {
  Eigen::VectorXd gamma;
  Eigen::MatrixXd zz_inverse;
};

Solved solve(const Standardised& s, const Eigen::VectorXd& yc,
             const std::vector<std::string>& names) {
  const Eigen::Index p = s.Z.cols();
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(s.Z);
  qr.setThreshold(1e-12);
  if (qr.rank() < p) {
    const auto culprit = static_cast<std::size_t>(qr.colsPermutation().indices()[qr.rank()]);
    throw Error(sqlstate::kInvalidParameterValue,
                "term \"" + names[culprit] + "\" is a linear combination of the other terms",
                "the design matrix has rank " + std::to_string(qr.rank()) + " of " +
                    std::to_string(p) + " regressors",
                "leave it (or one of the terms it depends on) out of options.terms");
  }
  check_interrupt();
  Solved out;
  out.gamma = qr.solve(yc);
  out.gamma += qr.solve(residual_of(s.Z, yc, out.gamma));  // iterative refinement
  const Eigen::MatrixXd R = qr.matrixR().topLeftCorner(p, p).triangularView<Eigen::Upper>();
  const Eigen::MatrixXd R_inverse =
      R.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(p, p));
  const auto& P = qr.colsPermutation();
  out.zz_inverse = P * (R_inverse * R_inverse.transpose()) * P.transpose();
  return out;
}

// statsmodels' condition number: the ratio of the design matrix's extreme singular
// values, intercept column included (the R of an unpivoted QR has the same ones).
double condition_number(const Eigen::MatrixXd& X, bool intercept) {
  Eigen::MatrixXd design(X.rows(), X.cols() + (intercept ? 1 : 0));
  if (intercept) design.col(0).setOnes();
  design.rightCols(X.cols()) = X;
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(design);
  const Eigen::Index m = design.cols();
  const Eigen::MatrixXd R = qr.matrixQR().topLeftCorner(m, m).triangularView<Eigen::Upper>();
  const Eigen::VectorXd sv = Eigen::JacobiSVD<Eigen::MatrixXd>(R).singularValues();
  return sv[0] / sv[m - 1];
}

// t, p and the confidence interval of one coefficient.
void infer(LinearTerm& term, int df_resid, double t_critical) {
  term.t =
      term.std_err > 0 ? term.coef / term.std_err : (term.coef == 0 ? kNaN : term.coef * INFINITY);
  if (std::isnan(term.t)) {
    term.p_value = kNaN;
  } else if (std::isinf(term.t)) {
    term.p_value = 0;
  } else {
    const boost::math::students_t dist(df_resid);
    term.p_value = 2 * boost::math::cdf(boost::math::complement(dist, std::fabs(term.t)));
  }
  term.ci_low = term.coef - t_critical * term.std_err;
  term.ci_high = term.coef + t_critical * term.std_err;
}

void summarise(LinearFit& fit, double rss, double tss, bool intercept) {
  const double n = static_cast<double>(fit.n);
  const int k_const = intercept ? 1 : 0;
  fit.r_squared = tss > 0 ? 1 - rss / tss : kNaN;
  fit.adj_r_squared = 1 - (n - k_const) / fit.df_resid * (1 - fit.r_squared);
  if (fit.df_model > 0 && rss > 0) {
    fit.f_statistic = ((tss - rss) / fit.df_model) / (rss / fit.df_resid);
    const boost::math::fisher_f dist(fit.df_model, fit.df_resid);
    fit.f_p_value =
        boost::math::cdf(boost::math::complement(dist, std::max(0.0, *fit.f_statistic)));
  }
  const double coefficients = fit.df_model + k_const;
  fit.log_likelihood = -n / 2 * (std::log(2 * M_PI) + std::log(rss / n) + 1);
  fit.aic = -2 * fit.log_likelihood + 2 * coefficients;
  fit.bic = -2 * fit.log_likelihood + std::log(n) * coefficients;
  fit.residual_std_err = std::sqrt(rss / fit.df_resid);
}

}  // namespace

LinearFit fit_linear(const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                     const std::vector<std::string>& names, const LinearOptions& options) {
  const Eigen::Index n = X.rows(), p = X.cols();
  if (y.size() != n || names.size() != static_cast<std::size_t>(p))
    throw Error(sqlstate::kInternalError, "fit_linear: shapes do not match");
  if (!(options.alpha > 0 && options.alpha < 1)) invalid("options.alpha must be between 0 and 1");
  if (p == 0 && !options.intercept) invalid("linear analysis has no terms to fit");
  const int k_const = options.intercept ? 1 : 0;
  if (n <= p + k_const)
    invalid("linear analysis needs more rows (" + std::to_string(n) + ") than coefficients (" +
            std::to_string(p + k_const) + ")");
  check_finite(X, y, names);
  const Standardised s = standardise(X, y, options.intercept, names);
  const Eigen::VectorXd yc = y.array() - s.y_mean;
  Solved solved{Eigen::VectorXd::Zero(p), Eigen::MatrixXd::Zero(p, p)};
  if (p > 0) solved = solve(s, yc, names);
  const Eigen::VectorXd beta = solved.gamma.cwiseQuotient(s.scales);
  const double b0 = s.y_mean - static_cast<double>(s.means.dot(beta));
  const Eigen::VectorXd residuals =
      residual_of(X, y.array() - (options.intercept ? b0 : 0.0), beta);
  const double rss = residuals.squaredNorm();
  const double tss =
      options.intercept ? (y.array() - s.y_mean).matrix().squaredNorm() : y.squaredNorm();

  LinearFit fit;
  fit.n = static_cast<long>(n);
  fit.df_model = static_cast<int>(p);
  fit.df_resid = static_cast<int>(n - p - k_const);
  const double sigma2 = rss / fit.df_resid;
  const Eigen::VectorXd inv_scale = s.scales.cwiseInverse();
  const Eigen::MatrixXd cov =
      sigma2 * inv_scale.asDiagonal() * solved.zz_inverse * inv_scale.asDiagonal();
  const double t_critical = boost::math::quantile(
      boost::math::complement(boost::math::students_t(fit.df_resid), options.alpha / 2));
  if (options.intercept) {
    LinearTerm term;
    term.name = "intercept";
    term.coef = b0;
    term.std_err = std::sqrt(sigma2 / static_cast<double>(n) + s.means.dot(cov * s.means));
    infer(term, fit.df_resid, t_critical);
    fit.terms.push_back(term);
  }
  for (Eigen::Index j = 0; j < p; ++j) {
    LinearTerm term;
    term.name = names[static_cast<std::size_t>(j)];
    term.coef = beta[j];
    term.std_err = std::sqrt(cov(j, j));
    infer(term, fit.df_resid, t_critical);
    term.vif = solved.zz_inverse(j, j);  // unit-norm columns: (ZᵀZ)⁻¹ⱼⱼ is 1 / (1 − R²ⱼ)
    fit.terms.push_back(term);
  }
  summarise(fit, rss, tss, options.intercept);
  fit.condition_number = condition_number(X, options.intercept);
  return fit;
}

}  // namespace automl
