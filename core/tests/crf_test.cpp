// crf_test.cpp — the CRF against first principles: the gradient against finite
// differences, Viterbi and log Z against enumerating every tag sequence, then
// training, the model file, components, tokenisation and the rules.
#include "automl/crf.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "automl/error.hpp"
#include "automl/values.hpp"

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
  for (Eigen::Index k = 0; k < theta.size(); k += std::max<Eigen::Index>(1, theta.size() / 200))
    checked.push_back(k);
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

// Standard-normal transitions and start/end scores and emissions of twice that spread,
// for `tokens` tokens over `labels` labels; Scores points into this object.
class RandomScores {
 public:
  RandomScores(std::mt19937& rng, int labels, int tokens)
      : transition_(labels, labels),
        start_(labels),
        end_(labels),
        scores_{Eigen::MatrixXd(tokens, labels), &transition_, &start_, &end_} {
    std::normal_distribution<double> normal(0, 1);
    for (int a = 0; a < labels; ++a) {
      start_(a) = normal(rng);
      end_(a) = normal(rng);
      for (int b = 0; b < labels; ++b) transition_(a, b) = normal(rng);
    }
    for (int i = 0; i < tokens; ++i)
      for (int a = 0; a < labels; ++a) scores_.emission(i, a) = 2 * normal(rng);
  }
  RandomScores(const RandomScores&) = delete;
  RandomScores& operator=(const RandomScores&) = delete;
  const crf_detail::Scores& scores() const { return scores_; }

 private:
  Eigen::MatrixXd transition_;
  Eigen::VectorXd start_, end_;
  crf_detail::Scores scores_;
};

// The best-scoring tag sequence the rules allow, by trying every one (empty when the
// rules allow none).
std::vector<int> best_allowed(const CrfConstraints& rules, const crf_detail::Scores& s) {
  const int n = static_cast<int>(s.emission.rows()), labels = static_cast<int>(s.emission.cols());
  double best = -1e300;
  std::vector<int> best_tags, tags(static_cast<std::size_t>(n), 0);
  for (int code = 0; code < static_cast<int>(std::pow(labels, n)); ++code) {
    for (int i = 0, c = code; i < n; ++i, c /= labels)
      tags[static_cast<std::size_t>(i)] = c % labels;
    const double score = crf_detail::sequence_score(s, tags);
    if (rules.allows(tags) && score > best) best = score, best_tags = tags;
  }
  return best_tags;
}

TEST(CrfConstraints, DecodeMatchesBruteForceUnderTheRules) {
  std::mt19937 rng(5);
  // Labels 0 (O, may come back), 1 and 2 (single runs); 2 never follows itself.
  const CrfConstraints rules = CrfConstraints::learn({{0, 1, 1, 0, 2, 0}, {2, 1, 0}}, 3, 0);
  EXPECT_TRUE(rules.allows({0, 1, 1, 0, 2}));
  EXPECT_FALSE(rules.allows({1, 0, 1})) << "1 came back";
  EXPECT_FALSE(rules.allows({2, 2})) << "never seen";
  EXPECT_TRUE(CrfConstraints().allows({2, 2}));
  for (int trial = 0; trial < 40; ++trial) {
    const int L = 3, n = 1 + trial % 6;
    const RandomScores random(rng, L, n);
    const crf_detail::Scores& s = random.scores();
    EXPECT_EQ(rules.decode(s), best_allowed(rules, s)) << "trial " << trial;
    EXPECT_EQ(CrfConstraints().decode(s), crf_detail::viterbi(s));
  }
}

TEST(CrfConstraints, RequiredLabelsAndRunLengthsDecodeAsBruteForce) {
  std::mt19937 rng(7);
  // Labels 0 (O), 1 (single run, in every sequence, runs of up to 2), 2 (single run,
  // not in every sequence, runs of 1), 3 (single run, in every sequence, runs of 1).
  const std::vector<std::vector<int>> seen{{1, 1, 3, 0, 0, 0}, {3, 2, 1}, {0, 1, 3, 2, 0}};
  const CrfConstraints rules = CrfConstraints::learn(seen, 4, 0, true);
  const CrfConstraints v3 = CrfConstraints::learn(seen, 4, 0);
  EXPECT_TRUE(rules.has_required());
  EXPECT_FALSE(v3.has_required());
  EXPECT_TRUE(rules.allows({1, 1, 3, 0}));
  EXPECT_FALSE(rules.allows({1, 1, 3, 0, 0, 0, 0})) << "O ran to 3 at most";
  EXPECT_FALSE(rules.allows({1, 3, 3})) << "3 ran to 1";
  EXPECT_FALSE(rules.allows({3, 2})) << "1 is required";
  EXPECT_TRUE(v3.allows({3, 2}));
  for (int trial = 0; trial < 60; ++trial) {
    const int L = 4, n = 1 + trial % 7;
    const RandomScores random(rng, L, n);
    const crf_detail::Scores& s = random.scores();
    std::vector<int> best_tags = best_allowed(rules, s);
    // A name too short for the required labels keeps no rule: plain Viterbi.
    if (best_tags.empty()) best_tags = crf_detail::viterbi(s);
    EXPECT_EQ(rules.decode(s), best_tags) << "trial " << trial;
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
  EXPECT_EQ(
      tag_components({"3M", "Aura", "9205+", "N95"}, {"brand", "model", "model", "filter_type"})
          .dump(),
      R"({"brand":"3M","filter_type":"N95","model":"Aura 9205+"})");
  EXPECT_EQ(tag_components({"a", "b", "c", "d"}, {"B-x", "I-x", "B-x", "O"}).dump(),
            R"({"x":"a b c"})");
  EXPECT_EQ(tag_components({"a"}, {"O"}).dump(), "{}");
}

TEST(Tagging, WhitespaceTokensLikeStringToArray) {
  EXPECT_EQ(whitespace_tokens("3M  Aura 9205+ "),
            (std::vector<std::string>{"3M", "Aura", "9205+"}));
  EXPECT_TRUE(whitespace_tokens("").empty());
}

TEST(Tagging, RulesForRespirators) {
  EXPECT_EQ(respirator_rules({"3M", "Aura", "9205+", "N95", "Large"}),
            (std::vector<std::string>{"brand", "O", "model", "filter_type", "size"}));
}

}  // namespace
}  // namespace automl

namespace automl {
namespace {

// The bundled dataset: CSV rows "name,{tokens},{tags}" (scripts/generate_respirators.py).
std::vector<TaggedSequence> read_respirators(const std::string& file, std::size_t limit) {
  std::ifstream in(std::string(AUTOML_SOURCE_DIR) + "/data/" + file);
  std::string line;
  std::getline(in, line);  // header
  std::vector<TaggedSequence> out;
  while (out.size() < limit && std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // Python's csv writes CRLF
    // The two array fields are CSV-quoted with doubled quotes; they start at ",\"{".
    const auto first = line.find(",\"{");
    const auto second = line.find(",\"{", first + 1);
    auto field = [&](std::size_t from, std::size_t to) {
      std::string quoted = line.substr(from + 2, to - from - 3), raw;
      for (std::size_t i = 0; i < quoted.size(); ++i) {
        raw.push_back(quoted[i]);
        if (quoted[i] == '"' && i + 1 < quoted.size() && quoted[i + 1] == '"') ++i;
      }
      return raw;
    };
    TaggedSequence s;
    EXPECT_TRUE(parse_text_array(field(first, second), s.tokens)) << line;
    EXPECT_TRUE(parse_text_array(field(second, line.size()), s.tags)) << line;
    out.push_back(std::move(s));
  }
  return out;
}

TEST(Crf, TagsUnseenBrandsAndModelsOfTheRespiratorData) {
  const auto train = read_respirators("respirators_train.csv", 3000);
  const auto test = read_respirators("respirators_test.csv", 500);
  ASSERT_EQ(train.size(), 3000u);
  const Crf crf = Crf::fit(train, CrfOptions{});
  std::size_t tokens = 0, right = 0;
  for (const auto& s : test) {
    const auto tagged = crf.tag(s.tokens);
    for (std::size_t i = 0; i < s.tags.size(); ++i, ++tokens) right += tagged.tags[i] == s.tags[i];
  }
  const double accuracy = static_cast<double>(right) / static_cast<double>(tokens);
  std::printf("[ measure  ] CRF token accuracy on unseen brands and models: %.4f (%zu tokens)\n",
              accuracy, tokens);
  EXPECT_GT(accuracy, 0.95);
}

TEST(Values, TextArrays) {
  std::vector<std::string> v;
  EXPECT_TRUE(parse_text_array(R"({3M,"Aura 2","say \"hi\"",N95})", v));
  EXPECT_EQ(v, (std::vector<std::string>{"3M", "Aura 2", "say \"hi\"", "N95"}));
  EXPECT_TRUE(parse_text_array("{}", v));
  EXPECT_TRUE(v.empty());
  for (const char* bad : {"{a,NULL}", "{a,,b}", "{{a}}", "a,b", "{\"a}", "{a\"b}"})
    EXPECT_FALSE(parse_text_array(bad, v)) << bad;
}

}  // namespace
}  // namespace automl

namespace automl {
namespace {

TEST(Tagging, EntityMetricsCountExactSpans) {
  const std::vector<TaggedSequence> truth = {{{"a", "b", "c"}, {"brand", "model", "model"}}};
  const auto perfect = tagging_metrics(truth, {{"brand", "model", "model"}});
  EXPECT_DOUBLE_EQ(perfect["entity_f1"].get<double>(), 1.0);
  // The model span is cut short: 1 of 2 entities right, token accuracy 2/3.
  const auto m = tagging_metrics(truth, {{"brand", "model", "O"}});
  EXPECT_NEAR(m["token_accuracy"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_NEAR(m["entity_precision"].get<double>(), 0.5, 1e-12);
  EXPECT_NEAR(m["entity_recall"].get<double>(), 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(m["per_label"]["brand"]["f1"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(m["per_label"]["model"]["f1"].get<double>(), 0.0);
}

}  // namespace
}  // namespace automl
