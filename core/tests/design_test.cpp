// design_test.cpp — make_design finds optimal designs: the 2^3 factorial, and on
// small cases the best of every possible design, enumerated here with the model
// coded independently of design_model.cpp; plus determinism, augmentation,
// constraints and a larger case. Refusals are in design_errors_test.cpp.
#include "automl/design.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <set>
#include <vector>

namespace automl {
namespace {

using nlohmann::json;
using Row = Eigen::RowVectorXd;
using Coder = std::function<Row(const json& row)>;
using Loss = std::function<double(const Eigen::MatrixXd& M)>;

constexpr double kInf = std::numeric_limits<double>::infinity();

// -log det M, or +inf when M is singular.
double minus_log_det(const Eigen::MatrixXd& M) {
  const Eigen::LLT<Eigen::MatrixXd> llt(M);
  if (llt.info() != Eigen::Success || llt.rcond() < 1e-12) return kInf;
  return -2 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
}

// trace(W M^-1), or +inf when M is singular.
Loss weighted_trace(const Eigen::MatrixXd& W) {
  return [W](const Eigen::MatrixXd& M) {
    const Eigen::LLT<Eigen::MatrixXd> llt(M);
    if (llt.info() != Eigen::Success || llt.rcond() < 1e-12) return kInf;
    return W.cwiseProduct(llt.solve(Eigen::MatrixXd::Identity(M.rows(), M.cols()))).sum();
  };
}

// The smallest loss over every multiset of n rows of F added to the information M.
double best_multiset(const Eigen::MatrixXd& F, const Eigen::MatrixXd& M, int n, Eigen::Index from,
                     const Loss& loss) {
  if (n == 0) return loss(M);
  double best = kInf;
  for (Eigen::Index j = from; j < F.rows(); ++j)
    best = std::min(best, best_multiset(F, M + F.row(j).transpose() * F.row(j), n - 1, j, loss));
  return best;
}

double best_design(const Eigen::MatrixXd& F, int n, const Loss& loss,
                   const Eigen::MatrixXd& fixed = {}) {
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(F.cols(), F.cols());
  if (fixed.size()) M = fixed.transpose() * fixed;
  return best_multiset(F, M, n, 0, loss);
}

Eigen::MatrixXd information(const json& result, const Coder& code) {
  Eigen::MatrixXd M;
  for (const auto& row : result["rows"]) {
    const Row f = code(row);
    if (M.size() == 0) M = Eigen::MatrixXd::Zero(f.size(), f.size());
    M += f.transpose() * f;
  }
  return M;
}

Eigen::MatrixXd rows_of(const std::vector<Row>& rows) {
  Eigen::MatrixXd F(static_cast<Eigen::Index>(rows.size()), rows[0].size());
  for (std::size_t i = 0; i < rows.size(); ++i) F.row(static_cast<Eigen::Index>(i)) = rows[i];
  return F;
}

// Two factors on [-1, 1], full quadratic: 1, a, b, ab, a^2, b^2.
Row quad2(double a, double b) {
  Row f(6);
  f << 1, a, b, a * b, a * a, b * b;
  return f;
}
Row quad2_row(const json& r) { return quad2(r["a"].get<double>(), r["b"].get<double>()); }
// Equally spaced levels on [-1, 1], coded as they are.
std::vector<double> levels(int n) {
  std::vector<double> out;
  for (int k = 0; k < n; ++k) out.push_back(-1 + 2.0 * k / (n - 1));
  return out;
}
Eigen::MatrixXd quad2_candidates(int n_levels) {
  std::vector<Row> rows;
  for (double a : levels(n_levels))
    for (double b : levels(n_levels)) rows.push_back(quad2(a, b));
  return rows_of(rows);
}
json quad2_request(int runs, int n_levels) {
  return {{"factors", {{"a", {{"min", -1}, {"max", 1}}}, {"b", {{"min", -1}, {"max", 1}}}}},
          {"model", "quadratic"},
          {"runs", runs},
          {"options", {{"levels", n_levels}}}};
}

TEST(DesignFactorial, TwoCubedIsTheFullFactorial) {
  const json request = {{"factors", json::array({{{"name", "temp"}, {"min", 150}, {"max", 200}},
                                                 {{"name", "time"}, {"min", 0}, {"max", 1}},
                                                 {{"name", "pressure"}, {"min", -5}, {"max", 5}}})},
                        {"model", "linear"},
                        {"runs", 8},
                        {"options", {{"levels", 2}}}};
  const json result = make_design(request);
  ASSERT_EQ(result["rows"].size(), 8u);
  std::set<std::vector<double>> corners;
  for (const auto& r : result["rows"])
    corners.insert({r["temp"].get<double>(), r["time"].get<double>(), r["pressure"].get<double>()});
  EXPECT_EQ(corners.size(), 8u) << "each corner once: " << result["rows"].dump();
  for (const auto& c : corners) {
    EXPECT_TRUE(c[0] == 150 || c[0] == 200);
    EXPECT_TRUE(c[1] == 0 || c[1] == 1);
    EXPECT_TRUE(c[2] == -5 || c[2] == 5);
  }
  EXPECT_NEAR(result["d_efficiency"].get<double>(), 100.0, 1e-9);
  EXPECT_NEAR(result["log_det"].get<double>(), 4 * std::log(8.0), 1e-9);
  EXPECT_NEAR(result["a_efficiency"].get<double>(), 100.0, 1e-9);
  EXPECT_EQ(result["columns"], json({"intercept", "temp", "time", "pressure"}));
  EXPECT_EQ(result["terms"], 4);
  EXPECT_EQ(result["candidates"], 8);
  EXPECT_EQ(result["runs"], 8);
  EXPECT_EQ(result["included"], json(std::vector<bool>(8, false)));
}

TEST(DesignExhaustive, QuadraticInTwoFactorsIsTheBestOfAllDesigns) {
  // At 4 levels the sequential start alone is not optimal: the exchange must work.
  for (int n_levels : {3, 4}) {
    const Eigen::MatrixXd F = quad2_candidates(n_levels);
    for (int runs : {6, 7}) {
      const json result = make_design(quad2_request(runs, n_levels));
      const double best = -best_design(F, runs, minus_log_det);
      EXPECT_NEAR(result["log_det"].get<double>(), best, 1e-9)
          << n_levels << " levels, runs " << runs;
      EXPECT_NEAR(-minus_log_det(information(result, quad2_row)), best, 1e-9) << "the rows' own";
      EXPECT_EQ(result["rows"].size(), static_cast<std::size_t>(runs));
      EXPECT_EQ(result["columns"], json({"intercept", "a", "b", "a:b", "a^2", "b^2"}));
    }
  }
}

// a on [-1, 1] at 3 levels, c in {x, y, z}, with interactions: 1, a, c=y, c=z, a:c=y, a:c=z.
Row cont_cat(double a, int c) {
  Row f(6);
  f << 1, a, c == 1, c == 2, a * (c == 1), a * (c == 2);
  return f;
}

TEST(DesignExhaustive, ContinuousByCategoricalIsTheBestOfAllDesigns) {
  std::vector<Row> rows;
  for (double a : {-1, 0, 1})
    for (int c : {0, 1, 2}) rows.push_back(cont_cat(a, c));
  const Coder code = [](const json& r) {
    const std::string c = r["c"].get<std::string>();
    return cont_cat(r["a"].get<double>(), c == "x" ? 0 : c == "y" ? 1 : 2);
  };
  // runs p + 1, and 9 runs from a single start, which needs the exchange.
  for (const auto& [runs, restarts] : {std::pair{7, 10}, std::pair{9, 1}}) {
    const json request = {
        {"factors", {{"a", {{"min", -1}, {"max", 1}}}, {"c", {{"categories", {"x", "y", "z"}}}}}},
        {"model", "interactions"},
        {"runs", runs},
        {"options", {{"restarts", restarts}}}};
    const json result = make_design(request);
    const double best = -best_design(rows_of(rows), runs, minus_log_det);
    EXPECT_NEAR(result["log_det"].get<double>(), best, 1e-9) << "runs " << runs;
    EXPECT_NEAR(-minus_log_det(information(result, code)), best, 1e-9);
    EXPECT_EQ(result["columns"], json({"intercept", "a", "c=y", "c=z", "a:c=y", "a:c=z"}));
  }
}

TEST(DesignExhaustive, ACriterionAndICriterionAreTheBestOfAllDesigns) {
  const Eigen::MatrixXd F = quad2_candidates(4);
  const Eigen::MatrixXd moments = F.transpose() * F / static_cast<double>(F.rows());
  const Eigen::MatrixXd identity = Eigen::MatrixXd::Identity(6, 6);
  for (const auto& [criterion, W] : {std::pair{"A", identity}, std::pair{"I", moments}}) {
    json request = quad2_request(6, 4);
    request["criterion"] = criterion;
    const json result = make_design(request);
    const double best = best_design(F, 6, weighted_trace(W));
    EXPECT_NEAR(result["criterion_value"].get<double>(), best, 1e-9 * best) << criterion;
    EXPECT_NEAR(weighted_trace(W)(information(result, quad2_row)), best, 1e-9 * best);
    EXPECT_EQ(result["criterion"], criterion);
  }
  // The reported I criterion is the average prediction variance whatever was optimised.
  const json d = make_design(quad2_request(7, 4));
  EXPECT_NEAR(d["i_criterion"].get<double>(), weighted_trace(moments)(information(d, quad2_row)),
              1e-9);
  EXPECT_NEAR(d["a_efficiency"].get<double>(),
              100.0 * 6 / (7 * weighted_trace(identity)(information(d, quad2_row))), 1e-9);
}

TEST(DesignDeterminism, SameSeedSameDesignOtherSeedsStillOptimal) {
  json request = quad2_request(8, 4);
  request["options"]["seed"] = 7;
  request["options"]["restarts"] = 3;
  EXPECT_EQ(make_design(request).dump(), make_design(request).dump());
  EXPECT_EQ(make_design(request)["seed"], 7);
  json factorial = {{"factors",
                     {{"A", {{"min", 0}, {"max", 1}}},
                      {"B", {{"min", 0}, {"max", 1}}},
                      {"C", {{"min", 0}, {"max", 1}}}}},
                    {"model", "interactions"},
                    {"runs", 8},
                    {"options", {{"levels", 2}}}};
  for (int seed : {1, 2, 3, 1000}) {
    factorial["options"]["seed"] = seed;
    factorial["options"]["restarts"] = 2;
    EXPECT_NEAR(make_design(factorial)["d_efficiency"].get<double>(), 100.0, 1e-9) << seed;
  }
}

TEST(DesignAugmentation, IncludedRunsComeFirstAndTheRestIsOptimalAroundThem) {
  json request = quad2_request(8, 4);
  request["options"]["include"] = {{{"a", 0.5}, {"b", 1}}, {{"a", 0}, {"b", 0}}};
  const json result = make_design(request);
  ASSERT_EQ(result["rows"].size(), 8u);
  EXPECT_EQ(result["rows"][0], json({{"a", 0.5}, {"b", 1.0}}));
  EXPECT_EQ(result["rows"][1], json({{"a", 0.0}, {"b", 0.0}}));
  EXPECT_EQ(result["included"], json({true, true, false, false, false, false, false, false}));
  Eigen::MatrixXd fixed(2, 6);
  fixed << quad2(0.5, 1), quad2(0, 0);
  const double best = -best_design(quad2_candidates(4), 6, minus_log_det, fixed);
  EXPECT_NEAR(result["log_det"].get<double>(), best, 1e-9);
  EXPECT_NEAR(-minus_log_det(information(result, quad2_row)), best, 1e-9);
}

TEST(DesignAugmentation, IncludedCategoriesMatchAsGiven) {
  const json request = {
      {"factors", {{"a", {{"levels", {1, 2, 4}}}}, {"c", {{"categories", {1, 2, "three"}}}}}},
      {"model", "linear"},
      {"runs", 5},
      {"options", {{"include", {{{"a", 3}, {"c", 2}}, {{"a", 1}, {"c", "three"}}}}}}};
  const json result = make_design(request);
  EXPECT_EQ(result["rows"][0], json({{"a", 3.0}, {"c", 2}}));
  EXPECT_EQ(result["rows"][1], json({{"a", 1.0}, {"c", "three"}}));
  EXPECT_EQ(result["columns"], json({"intercept", "a", "c=2", "c=three"}));
  for (const auto& r : result["rows"]) {
    const double a = r["a"].get<double>();
    EXPECT_TRUE(a == 1 || a == 2 || a == 3 || a == 4) << r.dump();
  }
}

TEST(DesignConstraints, NoRowViolatesThem) {
  const json sum = {{"terms", {{"A", 1}, {"B", 1}}}, {"max", 1}};
  const json low = {{"terms", {{"A", 1}}}, {"min", -0.5}};
  const json request = {
      {"factors", {{"A", {{"min", 0}, {"max", 10}}}, {"B", {{"min", -1}, {"max", 1}}}}},
      {"model", "interactions"},
      {"runs", 8},
      {"options", {{"constraints", json::array({sum, low})}}}};
  const json result = make_design(request);
  EXPECT_EQ(result["candidates"], 5) << "of 9, (10, 1) and A at 0 (coded -1) excluded";
  for (const auto& r : result["rows"]) {
    const double a = (r["A"].get<double>() - 5) / 5, b = r["B"].get<double>();
    EXPECT_LE(a + b, 1 + 1e-12) << r.dump();
    EXPECT_GE(a, -0.5) << r.dump();
  }
}

TEST(DesignConstraints, TheFactorialCornerIsReplaced) {
  const json request = {
      {"factors", {{"A", {{"min", -1}, {"max", 1}}}, {"B", {{"min", -1}, {"max", 1}}}}},
      {"model", "interactions"},
      {"runs", 4},
      {"options", {{"constraints", {{{"terms", {{"A", 1}, {"B", 1}}}, {"max", 1}}}}}}};
  const json result = make_design(request);
  for (const auto& r : result["rows"])
    EXPECT_FALSE(r["A"] == 1.0 && r["B"] == 1.0) << result["rows"].dump();
  EXPECT_LT(result["d_efficiency"].get<double>(), 100.0);
}

TEST(DesignModel, ExplicitTermsAndObjectOrder) {
  const json request = {{"factors",
                         {{"y", {{"min", 0}, {"max", 1}}},
                          {"x", {{"min", 0}, {"max", 1}}},
                          {"k", {{"categories", {"lo", "mid", "hi"}}}}}},
                        {"model", {"x", " y ", "x : k", "y^2", "1"}},
                        {"runs", 9}};
  const json result = make_design(request);
  // Objects are read in nlohmann's key order (sorted), arrays in their own.
  EXPECT_EQ(result["columns"], json({"intercept", "x", "y", "x:k=mid", "x:k=hi", "y^2"}));
  EXPECT_EQ(result["rows"][0].size(), 3u);
}

TEST(DesignModel, QuadraticSkipsTwoLevelFactors) {
  const json request = {
      {"factors", {{"a", {{"levels", {0, 1}}}}, {"b", {{"min", 0}, {"max", 1}, {"levels", 3}}}}},
      {"model", "quadratic"}};
  const json result = make_design(request);
  EXPECT_EQ(result["columns"], json({"intercept", "a", "b", "a:b", "b^2"}));
  EXPECT_EQ(result["runs"], 9) << "the default is the model's columns + 4";
}

TEST(DesignSanity, SixFactorsQuadraticFortyRuns) {
  json factors = json::object();
  for (const char* name : {"f1", "f2", "f3", "f4", "f5", "f6"})
    factors[name] = {{"min", 0}, {"max", 1}};
  for (const char* criterion : {"D", "I"}) {
    const json request = {
        {"factors", factors}, {"model", "quadratic"}, {"runs", 40}, {"criterion", criterion}};
    const auto start = std::chrono::steady_clock::now();
    const json result = make_design(request);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "6 factors, quadratic, 40 runs, criterion " << criterion << ": " << seconds
              << " s, d_efficiency " << result["d_efficiency"] << ", i_criterion "
              << result["i_criterion"] << ", " << result["iterations"] << " passes\n";
    EXPECT_EQ(result["terms"], 28);
    EXPECT_EQ(result["candidates"], 729);
    EXPECT_EQ(result["rows"].size(), 40u);
    EXPECT_GT(result["d_efficiency"].get<double>(), 30.0);
  }
}

}  // namespace
}  // namespace automl
