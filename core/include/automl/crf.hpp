// crf.hpp — a linear-chain conditional random field for short-text tagging
// ("3M Aura 9205+ N95" → brand model model filter_type).
//
// Tokens become sparse string features (TokenFeatures, versioned); the model scores a tag
// sequence by state weights (feature × tag), transition weights (tag → tag) and
// start/end weights. Training (core/train/crf_fit.cpp) minimises the negative
// log-likelihood plus c2/2 ‖θ‖² with L-BFGS, plus c1 ‖θ‖₁ with OWL-QN when c1 > 0, or
// runs the averaged structured perceptron or passive-aggressive updates over the same
// features; inference is Viterbi (under the constraints learnt from the training tags,
// from version 3 token features on), and the confidence of the answer is its
// probability under the model, exp(score − log Z), from the forward pass.
// No CRF library is packaged for Debian, so this one is tested hard
// (core/tests/crf_test.cpp: finite-difference gradient check, Viterbi and log Z
// against brute force; crf_training_test.cpp: the training alternatives).
#pragma once

#include <Eigen/Dense>
#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "automl/crf_constraints.hpp"
#include "automl/token_features.hpp"

namespace automl {

// How the weights are found: the likelihood by L-BFGS (OWL-QN with an L1 term), or
// online over shuffled passes — Collins' (2002) averaged structured perceptron, or
// PA-I (Crammer et al. 2006) with the same averaging.
enum class CrfTraining { Lbfgs, Perceptron, PassiveAggressive };

struct CrfOptions {
  double c2 = 0.1;            // L2 penalty on every weight (lbfgs)
  double c1 = 0;              // L1 penalty on every weight (lbfgs: OWL-QN when > 0)
  int max_iter = 200;         // L-BFGS iterations
  int min_feature_count = 2;  // features (and lexicon entries) seen fewer times are dropped
  int token_features = 1;     // the version of the token features (token_features.hpp)
  CrfTraining training = CrfTraining::Lbfgs;
  int epochs = 10;  // passes over the data (perceptron, pa); fewer once one makes no error
  double aggressiveness = 1;  // PA-I's C: the largest step of one update (pa)
  std::uint64_t seed = 42;    // the order of the passes (perceptron, pa)
};

// Splits on single spaces like string_to_array(input, ' '), dropping empty tokens.
std::vector<std::string> whitespace_tokens(const std::string& text);

// Sequence algorithms over emission scores (n × L), transitions (L × L, from → to),
// start and end scores (L). Shared by training, tagging and the tests.
namespace crf_detail {
struct Scores {
  Eigen::MatrixXd emission;
  const Eigen::MatrixXd* transition;
  const Eigen::VectorXd* start;
  const Eigen::VectorXd* end;
};
double sequence_score(const Scores& s, const std::vector<int>& tags);
// log Z, and when `marginals` is given, P(y_i = a) (n × L) and Σ_i P(y_i = a, y_i+1 = b) (L × L).
double log_partition(const Scores& s, Eigen::MatrixXd* marginals = nullptr,
                     Eigen::MatrixXd* pair_marginals = nullptr);
std::vector<int> viterbi(const Scores& s);

// The emission scores of one sequence (n × L): for each token, the sum of its
// features' rows of `state` (features × labels) — training, the online trainings and
// tagging alike.
template <typename State>
Eigen::MatrixXd emission_scores(const State& state, const std::vector<std::vector<int>>& features) {
  const auto n = static_cast<Eigen::Index>(features.size());
  Eigen::MatrixXd emission = Eigen::MatrixXd::Zero(n, state.cols());
  for (Eigen::Index i = 0; i < n; ++i)
    for (int f : features[static_cast<std::size_t>(i)]) emission.row(i) += state.row(f);
  return emission;
}

// Layout of θ: state (features × labels, row-major), transition (labels × labels,
// row = from), start, end.
struct Layout {
  Eigen::Index F, L;
  Eigen::Index state(Eigen::Index f, Eigen::Index label) const { return f * L + label; }
  Eigen::Index transition() const { return F * L; }
  Eigen::Index start() const { return F * L + L * L; }
  Eigen::Index end() const { return F * L + L * L + L; }
  Eigen::Index size() const { return F * L + L * L + 2 * L; }
};
}  // namespace crf_detail

class Crf {
 public:
  struct Tagging {
    std::vector<std::string> tags;
    double confidence = 0;  // P(tags | tokens), in (0, 1]
  };

  // Trains on sequences (tokens and tags of equal, non-zero length). `cancel`, when
  // set, is polled between iterations (sequences, for the online trainings);
  // `iterations` gets the L-BFGS iterations or the passes made.
  static Crf fit(const std::vector<TaggedSequence>& data, const CrfOptions& options,
                 const std::atomic<bool>* cancel = nullptr, int* iterations = nullptr);

  Tagging tag(const std::vector<std::string>& tokens) const;

  const std::vector<std::string>& labels() const { return labels_; }
  std::size_t n_features() const { return feature_names_.size(); }
  const TokenFeatures& token_features() const { return token_features_; }

  const CrfConstraints& constraints() const { return constraints_; }

  // Version 1 token features write no "token_features" key: the bytes of 0.2.0;
  // version 3 and later add "constraints" (crf_constraints.hpp).
  nlohmann::json to_json() const;
  static Crf from_json(const nlohmann::json& j);  // throws Error(XX001) on a bad file

  // The training data encoded (feature and label ids, the constraints learnt) and
  // the objective over it, for L-BFGS and the gradient check: negative
  // log-likelihood + c2/2 ‖θ‖², and its gradient. θ is laid out as crf_detail::Layout.
  class Problem {
   public:
    struct Encoded {
      std::vector<std::vector<int>> features;  // per token
      std::vector<int> tags;
    };

    Problem(const std::vector<TaggedSequence>& data, const CrfOptions& options);
    Eigen::Index dimension() const;
    double operator()(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) const;
    Crf model(const Eigen::VectorXd& theta) const;

    crf_detail::Layout layout() const;
    const std::vector<Encoded>& sequences() const { return data_; }
    const CrfConstraints& constraints() const { return constraints_; }

   private:
    std::vector<std::string> labels_;
    TokenFeatures token_features_;
    std::vector<std::string> feature_names_;
    std::vector<Encoded> data_;
    double c2_;
    CrfConstraints constraints_;  // learnt for version 3 token features and later
  };

 private:
  crf_detail::Scores scores(const std::vector<std::vector<int>>& features) const;
  std::vector<std::vector<int>> encode(const std::vector<std::string>& tokens) const;

  std::vector<std::string> labels_;
  TokenFeatures token_features_;
  std::vector<std::string> feature_names_;
  std::unordered_map<std::string, int> feature_index_;
  Eigen::MatrixXd state_;       // features × labels
  Eigen::MatrixXd transition_;  // labels × labels
  Eigen::VectorXd start_, end_;
  CrfConstraints constraints_;  // none before version 3 token features
};

// Entities of a tag sequence: runs of one label (BIO prefixes stripped; B- starts a
// new run), O excluded. [begin, end) token positions.
struct TagSpan {
  std::string label;
  std::size_t begin, end;
  bool operator<(const TagSpan& o) const {
    return std::tie(begin, end, label) < std::tie(o.begin, o.end, o.label);
  }
};
std::vector<TagSpan> tag_spans(const std::vector<std::string>& tags);

// Token accuracy and entity-level precision, recall and F1 (exact spans), overall
// and per label: {"token_accuracy", "entity_precision", "entity_recall", "entity_f1",
// "per_label": {label: {"precision", "recall", "f1", "support"}}}.
nlohmann::json tagging_metrics(const std::vector<TaggedSequence>& truth,
                               const std::vector<std::vector<std::string>>& predicted);

// Consecutive tokens with one label form a component ("model": "Aura 9205+"); BIO
// prefixes (B-brand, I-brand) are stripped, B- starts a new span; O is not a component.
// Spans of one label are joined with a space.
nlohmann::json tag_components(const std::vector<std::string>& tokens,
                              const std::vector<std::string>& tags);

// The documented rules for the bundled respirator domain, used when a project has
// no deployed tagger: brand, filter_type, size, model (tokens with digits), else O.
std::vector<std::string> respirator_rules(const std::vector<std::string>& tokens);

}  // namespace automl
