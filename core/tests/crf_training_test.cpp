// crf_training_test.cpp — the CRF's training alternatives (core/train/crf_*.cpp):
// the averaged perceptron and PA-I learn a separable task exactly and average as a
// naive sum of every weight vector does; OWL-QN meets the L1 optimality conditions,
// zeroes every weight under a large c1 and finds L-BFGS's optimum at c1 = 0; bad
// options and hyper-parameters are refused with 22023 naming the key.
#include "crf_training.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "automl/algorithms.hpp"
#include "automl/crf.hpp"
#include "automl/error.hpp"

namespace automl {
namespace {

// A separable task: the tag is fixed by the word's own identity, and the words
// repeat across sequences (min_feature_count 2 keeps them).
std::vector<TaggedSequence> separable() {
  return {{{"3M", "Aura", "9205+", "N95"}, {"brand", "model", "model", "filter_type"}},
          {{"Moldex", "2200", "N95", "M"}, {"brand", "model", "filter_type", "size"}},
          {{"3M", "2200", "FFP2"}, {"brand", "model", "filter_type"}},
          {{"Moldex", "Aura", "9205+", "FFP2", "M"},
           {"brand", "model", "model", "filter_type", "size"}},
          {{"3M", "9205+", "N95", "M"}, {"brand", "model", "filter_type", "size"}},
          {{"Moldex", "2200", "FFP2"}, {"brand", "model", "filter_type"}}};
}

CrfOptions online(CrfTraining training) {
  CrfOptions o;
  o.training = training;
  o.token_features = 4;
  o.epochs = 20;
  o.seed = 7;
  return o;
}

TEST(CrfPerceptron, LearnsASeparableTaskExactly) {
  for (CrfTraining t : {CrfTraining::Perceptron, CrfTraining::PassiveAggressive}) {
    int passes = 0;
    const Crf crf = Crf::fit(separable(), online(t), nullptr, &passes);
    for (const auto& s : separable())
      EXPECT_EQ(crf.tag(s.tokens).tags, s.tags) << "training " << static_cast<int>(t);
    // A pass with no error ends training before the 20 allowed.
    EXPECT_GE(passes, 2);
    EXPECT_LT(passes, 20);
  }
}

// The structured perceptron written plainly: dense weights, plain Viterbi under the
// constraints, the sum of the weights after every sequence divided by their count.
Eigen::VectorXd naive_averaged_perceptron(const Crf::Problem& problem, const CrfOptions& o) {
  const crf_detail::Layout lay = problem.layout();
  Eigen::VectorXd w = Eigen::VectorXd::Zero(lay.size()), sum = w;
  PortableRandom rng(o.seed);
  double count = 0;
  bool mistakes = true;
  for (int pass = 0; pass < o.epochs && mistakes; ++pass) {
    mistakes = false;
    for (std::size_t k : crf_training::pass_order(problem.sequences().size(), rng)) {
      const auto& e = problem.sequences()[k];
      const Eigen::Index n = static_cast<Eigen::Index>(e.tags.size());
      Eigen::MatrixXd transition(lay.L, lay.L);
      for (Eigen::Index a = 0; a < lay.L; ++a)
        for (Eigen::Index b = 0; b < lay.L; ++b)
          transition(a, b) = w(lay.transition() + a * lay.L + b);
      const Eigen::VectorXd start = w.segment(lay.start(), lay.L),
                            end = w.segment(lay.end(), lay.L);
      crf_detail::Scores s{Eigen::MatrixXd::Zero(n, lay.L), &transition, &start, &end};
      for (Eigen::Index i = 0; i < n; ++i)
        for (int f : e.features[static_cast<std::size_t>(i)])
          for (Eigen::Index a = 0; a < lay.L; ++a) s.emission(i, a) += w(lay.state(f, a));
      const std::vector<int> got = problem.constraints().decode(s), &y = e.tags;
      if (got != y) {
        mistakes = true;
        for (std::size_t i = 0; i < y.size(); ++i) {
          for (int f : e.features[i]) {
            w(lay.state(f, y[i])) += 1;
            w(lay.state(f, got[i])) -= 1;
          }
          if (i > 0) {
            w(lay.transition() + y[i - 1] * lay.L + y[i]) += 1;
            w(lay.transition() + got[i - 1] * lay.L + got[i]) -= 1;
          }
        }
        w(lay.start() + y.front()) += 1;
        w(lay.start() + got.front()) -= 1;
        w(lay.end() + y.back()) += 1;
        w(lay.end() + got.back()) -= 1;
      }
      sum += w;
      count += 1;
    }
  }
  return sum / count;
}

TEST(CrfPerceptron, AveragesLikeTheNaiveSumOfEveryWeightVector) {
  // Noisy labels (one word tagged two ways) keep it making errors for every pass.
  auto data = separable();
  data.push_back({{"3M", "Aura", "N95"}, {"brand", "brand", "filter_type"}});
  CrfOptions o = online(CrfTraining::Perceptron);
  o.epochs = 4;
  const Crf::Problem problem(data, o);
  int passes = 0;
  const Eigen::VectorXd lazy = crf_training::online_weights(problem, o, nullptr, &passes);
  const Eigen::VectorXd naive = naive_averaged_perceptron(problem, o);
  EXPECT_EQ(passes, 4);
  ASSERT_EQ(lazy.size(), naive.size());
  EXPECT_GT(naive.lpNorm<Eigen::Infinity>(), 0.1);
  EXPECT_LT((lazy - naive).lpNorm<Eigen::Infinity>(), 1e-12);
}

TEST(CrfPerceptron, PassOrderIsAPermutationFixedBySeed) {
  PortableRandom a(3), b(3);
  const auto first = crf_training::pass_order(50, a);
  EXPECT_EQ(first, crf_training::pass_order(50, b));
  auto sorted = first;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t k = 0; k < sorted.size(); ++k) EXPECT_EQ(sorted[k], k);
  EXPECT_NE(first, sorted);
}

TEST(CrfOwlqn, LargeC1ZeroesEveryWeight) {
  CrfOptions o;
  o.c2 = 0;
  const Crf::Problem problem(separable(), o);
  // Past the largest |gradient| at 0 (at most the count of a feature), 0 is optimal.
  const Eigen::VectorXd theta = crf_training::owlqn_weights(problem, 1000, 200, nullptr, nullptr);
  EXPECT_EQ((theta.array() == 0).count(), theta.size());
}

TEST(CrfOwlqn, MeetsTheL1OptimalityConditionsWithExactZeros) {
  CrfOptions o;
  o.c2 = 0.1;
  const Crf::Problem problem(separable(), o);
  const double c1 = 0.5;
  int iterations = 0;
  const Eigen::VectorXd theta =
      crf_training::owlqn_weights(problem, c1, 1000, nullptr, &iterations);
  EXPECT_GT(iterations, 0);
  Eigen::VectorXd g;
  problem(theta, g);
  const auto zeros = (theta.array() == 0).count();
  EXPECT_GT(zeros, theta.size() / 4) << "L1 makes exact zeros";
  EXPECT_LT(zeros, theta.size()) << "and keeps some weights";
  // The subgradient condition: g + c1 sign(θ) = 0 where θ ≠ 0, |g| ≤ c1 where θ = 0.
  for (Eigen::Index k = 0; k < theta.size(); ++k) {
    if (theta(k) != 0) {
      EXPECT_NEAR(g(k) + c1 * (theta(k) > 0 ? 1 : -1), 0, 2e-3) << "weight " << k;
    } else {
      EXPECT_LE(std::abs(g(k)), c1 + 2e-3) << "weight " << k;
    }
  }
}

TEST(CrfOwlqn, FindsTheLbfgsOptimumAtC1Zero) {
  CrfOptions o;
  o.c2 = 0.3;
  const Crf::Problem problem(separable(), o);
  const Eigen::VectorXd owlqn = crf_training::owlqn_weights(problem, 0, 1000, nullptr, nullptr);
  const Eigen::VectorXd lbfgs = crf_training::lbfgs_weights(problem, 1000, nullptr, nullptr);
  Eigen::VectorXd g_owlqn, g_lbfgs;
  const double f_owlqn = problem(owlqn, g_owlqn), f_lbfgs = problem(lbfgs, g_lbfgs);
  EXPECT_NEAR(f_owlqn, f_lbfgs, 1e-6 * std::abs(f_lbfgs));
  // Strongly convex (c2 > 0): one minimiser, reached by both within their tolerance.
  EXPECT_LT((owlqn - lbfgs).lpNorm<Eigen::Infinity>(), 1e-3);
}

TEST(CrfOwlqn, FitWithC1ServesASparserTaggerThatStillTags) {
  CrfOptions l2, l1;
  l1.c1 = 0.2;
  const Crf dense = Crf::fit(separable(), l2), sparse = Crf::fit(separable(), l1);
  const auto zeros = [](const Crf& crf) {
    const auto j = crf.to_json()["state"];
    return std::count(j.begin(), j.end(), 0.0);
  };
  EXPECT_GT(zeros(sparse), zeros(dense));
  for (const auto& s : separable()) EXPECT_EQ(sparse.tag(s.tokens).tags, s.tags);
}

TEST(CrfOwlqn, CancelledTrainingStopsWith57014) {
  const Crf::Problem problem(separable(), CrfOptions{});
  std::atomic<bool> cancel{true};
  try {
    crf_training::owlqn_weights(problem, 0.1, 100, &cancel, nullptr);
    FAIL() << "not cancelled";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), sqlstate::kQueryCanceled);
  }
}

std::string refusal(const nlohmann::json& hyperparams) {
  try {
    resolve_hyperparams("crf", hyperparams);
  } catch (const Error& e) {
    return std::string(e.sqlstate()) + ": " + e.what();
  }
  return "accepted";
}

TEST(CrfTrainingOptions, HyperparamsAreCheckedNamingTheKey) {
  const nlohmann::json defaults = resolve_hyperparams("crf", nlohmann::json::object());
  EXPECT_EQ(defaults["training"], "lbfgs");
  EXPECT_EQ(defaults["c1"], 0.0);
  EXPECT_EQ(defaults["epochs"], 10);
  EXPECT_EQ(refusal({{"training", "pa"}, {"epochs", 3}}), "accepted");
  EXPECT_EQ(refusal({{"c1", 0.5}, {"c2", 0}}), "accepted");
  for (const nlohmann::json& bad :
       {nlohmann::json{{"training", "sgd"}}, nlohmann::json{{"training", 1}},
        nlohmann::json{{"epochs", 0}}, nlohmann::json{{"epochs", 2.5}}, nlohmann::json{{"c1", -1}},
        nlohmann::json{{"c1", "x"}}, nlohmann::json{{"training", "perceptron"}, {"c1", 0.1}}}) {
    const std::string r = refusal(bad);
    EXPECT_EQ(r.substr(0, 7), "22023: ") << bad.dump();
    EXPECT_NE(r.find("\"" + bad.items().begin().key() + "\""), std::string::npos)
        << bad.dump() << " → " << r;
  }
}

TEST(CrfTrainingOptions, FitRefusesBadOptions) {
  CrfOptions o = online(CrfTraining::Perceptron);
  o.c1 = 0.1;
  EXPECT_THROW(Crf::fit(separable(), o), Error);
  o = online(CrfTraining::Perceptron);
  o.epochs = 0;
  EXPECT_THROW(Crf::fit(separable(), o), Error);
  o = CrfOptions{};
  o.c1 = -1;
  EXPECT_THROW(Crf::fit(separable(), o), Error);
}

}  // namespace
}  // namespace automl
