// linear_analysis.hpp — ordinary least squares with the inference statistics of
// statsmodels' OLS summary (automl.linear_analysis): per-term standard errors, t,
// p-values, confidence intervals and variance inflation factors, and the fit's R²,
// F test, log-likelihood, AIC/BIC and condition number.
//
// Numerically careful: the regressors are centred (the intercept comes back from
// the means), solved by column-pivoting Householder QR and refined once with
// residuals summed in long double — never the normal equations, which square the
// condition number. On NIST's Longley data the coefficients match the certified
// values to 10+ significant digits (core/tests/linear_analysis_test.cpp).
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <string>
#include <vector>

namespace automl {

struct LinearTerm {
  std::string name;  // "intercept", a column, or "column=level" for a treatment dummy
  double coef = 0, std_err = 0, t = 0, p_value = 0, ci_low = 0, ci_high = 0;
  std::optional<double> vif;  // none for the intercept
};

struct LinearFit {
  std::vector<LinearTerm> terms;
  long n = 0;
  int df_model = 0;  // regressors besides the intercept
  int df_resid = 0;
  double r_squared = 0, adj_r_squared = 0;
  std::optional<double> f_statistic, f_p_value;  // none without regressors
  double log_likelihood = 0, aic = 0, bic = 0;
  double condition_number = 0;  // of the design matrix with its intercept column (statsmodels')
  double residual_std_err = 0;
};

struct LinearOptions {
  bool intercept = true;
  double alpha = 0.05;  // confidence intervals at 1 - alpha
};

// X: n rows × p regressors (no intercept column), y: n targets; names: p names.
// Throws Error 22023 for non-finite values (naming the column), too few rows
// (n must exceed the number of coefficients) and a regressor that is a linear
// combination of the others (naming it).
LinearFit fit_linear(const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                     const std::vector<std::string>& names, const LinearOptions& options);

}  // namespace automl
