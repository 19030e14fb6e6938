// linear_analysis_test.cpp — OLS against NIST's certified Longley results and
// statsmodels' OLS summary (tests/reference/statsmodels_ols.py), and its errors.
#include "automl/linear_analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "automl/error.hpp"
#include "reference.hpp"

namespace automl {
namespace {

const nlohmann::json& ols_reference() {
  static const nlohmann::json ref = run_reference("statsmodels_ols.py");
  return ref;
}

Eigen::MatrixXd matrix_of(const nlohmann::json& rows) {
  Eigen::MatrixXd X(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(rows[0].size()));
  for (Eigen::Index i = 0; i < X.rows(); ++i)
    for (Eigen::Index j = 0; j < X.cols(); ++j) X(i, j) = rows[i][j].get<double>();
  return X;
}

Eigen::VectorXd vector_of(const nlohmann::json& values) {
  const auto v = values.get<std::vector<double>>();
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

std::vector<std::string> names_of(Eigen::Index p) {
  std::vector<std::string> names;
  for (Eigen::Index j = 0; j < p; ++j) names.push_back("x" + std::to_string(j + 1));
  return names;
}

// Significant digits in common (NIST's "log relative error").
double digits(double ours, double certified) {
  if (ours == certified) return 16;
  return -std::log10(std::fabs(ours - certified) / std::fabs(certified));
}

TEST(LinearAnalysis, LongleyMatchesNistCertifiedValues) {
  const nlohmann::json& ref = ols_reference();
  ASSERT_FALSE(ref.is_null()) << "/usr/bin/python3 with python3-statsmodels is needed";
  const Eigen::MatrixXd X = matrix_of(ref["longley"]["X"]);
  const LinearFit fit = fit_linear(X, vector_of(ref["longley"]["y"]), names_of(6), {});
  // https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml
  const double coef[] = {-3482258.63459582, 15.0618722713733,  -0.358191792925910E-01,
                         -2.02022980381683, -1.03322686717359, -0.511041056535807E-01,
                         1829.15146461355};
  const double sd[] = {890420.383607373,  84.9149257747669,  0.334910077722432E-01,
                       0.488399681651699, 0.214274163161675, 0.226073200069370,
                       455.478499142212};
  ASSERT_EQ(fit.terms.size(), 7u);
  double worst_coef = 16, worst_sd = 16;
  for (std::size_t j = 0; j < 7; ++j) {
    worst_coef = std::min(worst_coef, digits(fit.terms[j].coef, coef[j]));
    worst_sd = std::min(worst_sd, digits(fit.terms[j].std_err, sd[j]));
  }
  std::cout << "[longley] digits: coefficients " << worst_coef << ", standard errors " << worst_sd
            << ", residual sd " << digits(fit.residual_std_err, 304.854073561965) << ", R² "
            << digits(fit.r_squared, 0.995479004577296) << "\n";
  EXPECT_GE(worst_coef, 10);
  EXPECT_GE(worst_sd, 9);
  EXPECT_GE(digits(fit.residual_std_err, 304.854073561965), 10);
  EXPECT_GE(digits(fit.r_squared, 0.995479004577296), 10);
  EXPECT_GE(digits(*fit.f_statistic, 330.285339234588), 9);
  EXPECT_EQ(fit.df_resid, 9);
  // statsmodels' condition number (4.86e9) from the same design.
  EXPECT_NEAR(fit.condition_number / ref["longley"]["fit"]["condition_number"].get<double>(), 1,
              1e-6);
}

void expect_close(double ours, const nlohmann::json& theirs, const std::string& what) {
  ASSERT_TRUE(theirs.is_number()) << what;
  const double t = theirs.get<double>();
  EXPECT_NEAR(ours, t, 1e-9 * std::max(1.0, std::fabs(t))) << what;
}

void expect_statsmodels_summary(bool intercept) {
  const nlohmann::json& ref = ols_reference();
  ASSERT_FALSE(ref.is_null()) << "/usr/bin/python3 with python3-statsmodels is needed";
  const Eigen::MatrixXd X = matrix_of(ref["X"]);
  LinearOptions options;
  options.intercept = intercept;
  const LinearFit fit = fit_linear(X, vector_of(ref["y"]), names_of(X.cols()), options);
  const nlohmann::json& sm = ref[intercept ? "with_intercept" : "without_intercept"];
  ASSERT_EQ(fit.terms.size(), sm["coef"].size());
  for (std::size_t j = 0; j < fit.terms.size(); ++j) {
    const LinearTerm& term = fit.terms[j];
    const std::string at = term.name + " ";
    expect_close(term.coef, sm["coef"][j], at + "coef");
    expect_close(term.std_err, sm["std_err"][j], at + "std_err");
    expect_close(term.t, sm["t"][j], at + "t");
    EXPECT_NEAR(term.p_value, sm["p_value"][j].get<double>(), 1e-12) << at << "p";
    expect_close(term.ci_low, sm["ci_low"][j], at + "ci_low");
    expect_close(term.ci_high, sm["ci_high"][j], at + "ci_high");
    if (sm["vif"][j].is_null()) {
      EXPECT_FALSE(term.vif.has_value()) << at;
    } else {
      ASSERT_TRUE(term.vif.has_value()) << at;
      expect_close(*term.vif, sm["vif"][j], at + "vif");
    }
  }
  expect_close(fit.r_squared, sm["r_squared"], "r_squared");
  expect_close(fit.adj_r_squared, sm["adj_r_squared"], "adj_r_squared");
  expect_close(*fit.f_statistic, sm["f_statistic"], "f_statistic");
  EXPECT_NEAR(*fit.f_p_value, sm["f_p_value"].get<double>(), 1e-12);
  expect_close(fit.log_likelihood, sm["log_likelihood"], "log_likelihood");
  expect_close(fit.aic, sm["aic"], "aic");
  expect_close(fit.bic, sm["bic"], "bic");
  EXPECT_NEAR(fit.condition_number / sm["condition_number"].get<double>(), 1, 1e-9);
  EXPECT_EQ(fit.df_model, sm["df_model"].get<double>());
  EXPECT_EQ(fit.df_resid, sm["df_resid"].get<double>());
}

TEST(LinearAnalysis, SummaryIsStatsmodels) { expect_statsmodels_summary(true); }
TEST(LinearAnalysis, SummaryWithoutInterceptIsStatsmodels) { expect_statsmodels_summary(false); }

std::string error_of(const Eigen::MatrixXd& X, const Eigen::VectorXd& y,
                     const std::vector<std::string>& names, LinearOptions options = {}) {
  try {
    fit_linear(X, y, names, options);
  } catch (const Error& e) {
    return std::string(e.sqlstate()) + ": " + e.what();
  }
  return "no error";
}

TEST(LinearAnalysis, ErrorsNameTheCulprit) {
  Eigen::MatrixXd X(5, 3);
  X << 1, 2, 3, 2, 1, 3, 3, 5, 8, 4, 2, 6, 5, 9, 14;  // x3 = x1 + x2
  const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(5, 1, 5);
  const std::vector<std::string> names = {"a", "b", "c"};
  const std::string collinear = error_of(X, y, names);
  EXPECT_NE(collinear.find("22023: term \""), std::string::npos) << collinear;
  EXPECT_NE(collinear.find("is a linear combination of the other terms"), std::string::npos);

  EXPECT_EQ(error_of(X.topRows(4), y.head(4), names),
            "22023: linear analysis needs more rows (4) than coefficients (4)");
  Eigen::MatrixXd constant = X;
  constant.col(1).setConstant(7);
  EXPECT_EQ(error_of(constant, y, names),
            "22023: term \"b\" is constant: it cannot be told from the intercept");
  Eigen::MatrixXd with_nan = X;
  with_nan(2, 2) = std::nan("");
  EXPECT_EQ(error_of(with_nan, y, names), "22023: term \"c\" has NaN or infinite values");
  LinearOptions bad_alpha;
  bad_alpha.alpha = 1.5;
  EXPECT_EQ(error_of(X.leftCols(2), y, {"a", "b"}, bad_alpha),
            "22023: options.alpha must be between 0 and 1");
}

TEST(LinearAnalysis, InterceptOnlyIsTheMean) {
  const Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(9, 1, 9);
  const LinearFit fit = fit_linear(Eigen::MatrixXd(9, 0), y, {}, {});
  ASSERT_EQ(fit.terms.size(), 1u);
  EXPECT_DOUBLE_EQ(fit.terms[0].coef, 5);
  EXPECT_NEAR(fit.terms[0].std_err, std::sqrt(7.5 / 9), 1e-12);
  EXPECT_FALSE(fit.f_statistic.has_value());
}

}  // namespace
}  // namespace automl
