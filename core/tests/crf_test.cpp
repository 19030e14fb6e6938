// crf_test.cpp — the CRF against first principles: the gradient against finite
// differences, Viterbi and log Z against enumerating every tag sequence, then
// training, the model file, components, tokenisation and the rules.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "automl/crf.hpp"
#include "automl/error.hpp"

namespace automl {
namespace {

std::vector<TaggedSequence> toy_data() {
  return {{{"3M", "Aura", "9205+", "N95"}, {"brand", "model", "model", "filter_type"}},
          {{"Moldex", "2200", "N95", "M"}, {"brand", "model", "filter_type", "size"}},
          {{"Honeywell", "DF300", "N95"}, {"brand", "model", "filter_type"}},
          {{"3M", "8210", "N95", "Large"}, {"brand", "model", "filter_type", "size"}},
          {{"Uvex", "Silv-Air", "2310", "FFP3"}, {"brand", "model", "model", "filter_type"}}};
}

TEST(Crf, GradientMatchesFiniteDifferences) {
  CrfOptions options;
  options.c2 = 0.3;
  const Crf::Problem problem(toy_data(), options);
  std::mt19937 rng(7);
  std::normal_distribution<double> normal(0, 0.5);
  Eigen::VectorXd theta(problem.dimension());
  for (Eigen::Index k = 0; k < theta.size(); ++k) theta(k) = normal(rng);
  Eigen::VectorXd gradient, unused;
  problem(theta, gradient);
  // Every transition, start and end weight, and a spread of state weights.
  std::vector<Eigen::Index> checked;
  for (Eigen::Index k = 0; k < theta.size(); k += std::max<Eigen::Index>(1, theta.size() / 200)) checked.push_back(k);
  for (Eigen::Index k = theta.size() - 40; k < theta.size(); ++k) checked.push_back(k);
  const double h = 1e-6;
  for (Eigen::Index k : checked) {
    Eigen::VectorXd plus = theta, minus = theta;
    plus(k) += h;
    minus(k) -= h;
    const double numeric = (problem(plus, unused) - problem(minus, unused)) / (2 * h);
    EXPECT_NEAR(gradient(k), numeric, 1e-5 * std::max(1.0, std::abs(numeric))) << "weight " << k;
  }
}

TEST(Crf, ViterbiAndLogPartitionMatchBruteForce) {
  std::mt19937 rng(11);
  std::normal_distribution<double> normal(0, 1);
  for (int trial = 0; trial < 20; ++trial) {
    const int L = 3, n = 1 + trial % 4;
    Eigen::MatrixXd transition(L, L);
    Eigen::VectorXd start(L), end(L);
    for (int a = 0; a < L; ++a) {
      start(a) = normal(rng);
      end(a) = normal(rng);
      for (int b = 0; b < L; ++b) transition(a, b) = normal(rng);
    }
    crf_detail::Scores s{Eigen::MatrixXd(n, L), &transition, &start, &end};
    for (int i = 0; i < n; ++i)
      for (int a = 0; a < L; ++a) s.emission(i, a) = normal(rng);
    double best = -1e300, z = 0;
    std::vector<int> best_tags, tags(static_cast<std::size_t>(n), 0);
    for (int code = 0; code < static_cast<int>(std::pow(L, n)); ++code) {
      for (int i = 0, c = code; i < n; ++i, c /= L) tags[static_cast<std::size_t>(i)] = c % L;
      const double score = crf_detail::sequence_score(s, tags);
      z += std::exp(score);
      if (score > best) best = score, best_tags = tags;
    }
    EXPECT_EQ(crf_detail::viterbi(s), best_tags) << "trial " << trial;
    Eigen::MatrixXd marginals, pairs;
    EXPECT_NEAR(crf_detail::log_partition(s, &marginals, &pairs), std::log(z), 1e-9);
    for (int i = 0; i < n; ++i) EXPECT_NEAR(marginals.row(i).sum(), 1.0, 1e-9);
    EXPECT_NEAR(pairs.sum(), n - 1, 1e-9);
  }
}

TEST(Crf, LearnsTheToyDataAndGeneralisesByShape) {
  int iterations = 0;
  const Crf crf = Crf::fit(toy_data(), CrfOptions{}, nullptr, &iterations);
  EXPECT_GT(iterations, 0);
  for (const auto& s : toy_data()) EXPECT_EQ(crf.tag(s.tokens).tags, s.tags);
  const auto unseen = crf.tag({"Moldex", "8000", "N95", "M"});
  EXPECT_EQ(unseen.tags, (std::vector<std::string>{"brand", "model", "filter_type", "size"}));
  EXPECT_GT(unseen.confidence, 0.0);
  EXPECT_LE(unseen.confidence, 1.0);
  EXPECT_EQ(crf.tag({}).tags.size(), 0u);
}

TEST(Crf, ModelFileRoundTripsAndRefusesCorruption) {
  const Crf crf = Crf::fit(toy_data(), CrfOptions{});
  const Crf copy = Crf::from_json(nlohmann::json::parse(crf.to_json().dump()));
  const std::vector<std::string> tokens{"3M", "9502", "KN95"};
  EXPECT_EQ(copy.tag(tokens).tags, crf.tag(tokens).tags);
  EXPECT_DOUBLE_EQ(copy.tag(tokens).confidence, crf.tag(tokens).confidence);
  nlohmann::json broken = crf.to_json();
  broken["state"].erase(0);
  EXPECT_THROW(Crf::from_json(broken), Error);
  broken = crf.to_json();
  broken["start"][0] = "x";
  EXPECT_THROW(Crf::from_json(broken), Error);
  EXPECT_THROW(Crf::from_json(nlohmann::json::array()), Error);
}

TEST(Crf, RefusesUnevenSequences) {
  EXPECT_THROW(Crf::fit({{{"a", "b"}, {"x"}}}, CrfOptions{}), Error);
  EXPECT_THROW(Crf::fit({}, CrfOptions{}), Error);
}

TEST(Tagging, ComponentsJoinRunsAndHonourBio) {
  EXPECT_EQ(tag_components({"3M", "Aura", "9205+", "N95"}, {"brand", "model", "model", "filter_type"}).dump(),
            R"({"brand":"3M","filter_type":"N95","model":"Aura 9205+"})");
  EXPECT_EQ(tag_components({"a", "b", "c", "d"}, {"B-x", "I-x", "B-x", "O"}).dump(), R"({"x":"a b c"})");
  EXPECT_EQ(tag_components({"a"}, {"O"}).dump(), "{}");
}

TEST(Tagging, WhitespaceTokensLikeStringToArray) {
  EXPECT_EQ(whitespace_tokens("3M  Aura 9205+ "), (std::vector<std::string>{"3M", "Aura", "9205+"}));
  EXPECT_TRUE(whitespace_tokens("").empty());
}

TEST(Tagging, RulesForRespirators) {
  EXPECT_EQ(respirator_rules({"3M", "Aura", "9205+", "N95", "Large"}),
            (std::vector<std::string>{"brand", "O", "model", "filter_type", "size"}));
}

}  // namespace
}  // namespace automl
