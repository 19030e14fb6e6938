// crf_constraints.hpp — what a tagger learnt of its tag sequences that weights only
// suggest, enforced when it decodes (version 3 token features and later).
//
// Rules read off the training tags (the first two from version 3, all four from 4):
//   - a transition (label a followed by label b) never seen in training is never
//     taken: a size is one word, so "Large Premium" is not one size;
//   - a label that never came back in a training sequence once its run ended
//     (every label but O in product names: one brand, one model) forms at most one
//     run: "Premium Quality R95 Pyramex Type 821" cannot have two models;
//   - a single-run label every training sequence has is in every answer (every
//     product name has a brand and a model): "FFP2 Pyramex 658" has a brand;
//   - no run is longer than the longest of its label in training (up to kMaxRun;
//     longer ones leave the label unbounded): "Made in USA Moldex Falcon 1138" is
//     not one five-word model when models had at most two words.
// A first-order CRF can only make these unlikely, and on words it never saw its
// emission scores overrule the transition weights. Viterbi under the rules tracks
// which single-run labels have closed and, for bounded runs, how long the current run
// is: L × R × 2^S states for S such labels and longest bounded run R; it runs only
// when the unconstrained answer breaks a rule, so names that keep them cost nothing.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace automl {
namespace crf_detail {
struct Scores;
}

class CrfConstraints {
 public:
  // Bound on the states of constrained Viterbi, labels × longest bounded run ×
  // 2^(single-run labels): a file past it is refused, training past it keeps no
  // single-run labels (then no bounded runs).
  static constexpr std::size_t kMaxStates = 4096;
  // Tokens × states of one constrained decoding (its back-pointers, 16 MB): a longer
  // input is decoded without the rules.
  // Runs longer than this in training leave their label's runs unbounded.
  static constexpr int kMaxRun = 8;
  static constexpr std::size_t kMaxCells = std::size_t{1} << 22;

  CrfConstraints() = default;  // no rules
  // Learnt from tag sequences (label ids in [0, labels)); `outside` is the id of O
  // (or -1), which may always come back.
  // With `required`, also the third rule: a single-run label every training sequence
  // has is in every answer.
  static CrfConstraints learn(const std::vector<std::vector<int>>& sequences, int labels,
                              int outside, bool required = false);

  bool empty() const { return allowed_.empty(); }
  bool has_required() const { return !required_.empty(); }
  bool allows(const std::vector<int>& tags) const;
  // The best sequence that keeps the rules (the unconstrained Viterbi when none is
  // broken), or the unconstrained one when no sequence keeps them.
  std::vector<int> decode(const crf_detail::Scores& s) const;

  // {"transitions": [[from, to], …] (allowed, label names), "single_run": [label, …]},
  // and with `required` (version 4) "required": [label, …] and "max_run":
  // {label: longest run, …} (bounded labels only).
  nlohmann::json to_json(const std::vector<std::string>& labels) const;
  // Throws Error(XX001) on unknown labels, repeats, or more states than kMaxStates.
  static CrfConstraints from_json(const nlohmann::json& j, const std::vector<std::string>& labels);

 private:
  int labels_ = 0;
  std::vector<char> allowed_;     // labels × labels, row = from
  std::vector<char> single_run_;  // per label
  std::vector<char> required_;    // per label, single-run labels only
  std::vector<int> max_run_;      // per label, the longest run (0: unbounded)
};

}  // namespace automl
