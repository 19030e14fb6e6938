// token_features.hpp — what the CRF sees of a token, as a versioned set of sparse
// string features. A tagger file records the version its weights were trained on, so
// a stored model is always served the features it learnt.
//
//   version 1 (0.2.0; absent from a file = 1): the lower-cased word, its shape and
//     short shape, affixes, character classes, position, the words and shapes of its
//     neighbours ±2 and the previous-word bigram (token_features_v1, kept verbatim).
//   version 2: version 1 without the absolute position (a name that puts its filter
//     type first moves every other word), plus what carries to names training never
//     saw: case-free shapes (lower-case "sr-179" and "SR-179" look alike) for the
//     token and its neighbours, the case as a class of its own, digit and letter
//     counts, the shapes of the pieces of a hyphenated or slashed token, and a lexicon
//     learnt from the training tags — the lower-cased tokens tagged with each label —
//     for the token, its neighbours ±2 and, as a bag, everything left and right of it
//     ("lex=filter_type", "lex[-1]=none", "left=brand"). Character trigrams were
//     measured and left out: no gain on misspelt brands, a fifth more features.
//   version 3: version 2 plus the whole set of lexicon labels on each side as one
//     feature ("leftset=filter_type", "rightset=brand|none"), which says what is
//     absent as well as what is there; a version 3 tagger also decodes under the
//     constraints it learnt from its training tags (crf.hpp, CrfConstraints).
//   version 4: version 3's features; the tagger also learns that the single-run
//     labels every training sequence has are required and how long each label's
//     runs get, and decodes under those rules too (crf_constraints.hpp).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace automl {

struct TaggedSequence {
  std::vector<std::string> tokens;
  std::vector<std::string> tags;
};

// Version 1's features of token i, unchanged since 0.2.0.
std::vector<std::string> token_features_v1(const std::vector<std::string>& tokens, std::size_t i);

class TokenFeatures {
 public:
  static constexpr int kLatestVersion = 4;
  // A hostile file cannot make the lexicon unbounded: at most this many tokens,
  // each at most kMaxLexiconTokenBytes long (longer ones are never names' words).
  static constexpr std::size_t kMaxLexiconTokens = 200000;
  static constexpr std::size_t kMaxLexiconTokenBytes = 64;

  TokenFeatures() = default;  // version 1

  // The features of `version` for this training data: versions 2 and 3 learn a lexicon,
  // the lower-cased tokens tagged with a label at least `min_count` times (the most
  // frequent kMaxLexiconTokens when there are more).
  static TokenFeatures learn(int version, const std::vector<TaggedSequence>& data, int min_count);

  int version() const { return version_; }
  // Lower-cased token → the labels it carried in training, sorted.
  const std::unordered_map<std::string, std::vector<std::string>>& lexicon() const {
    return lexicon_;
  }

  // The features of every token of a sequence, in order.
  std::vector<std::vector<std::string>> of(const std::vector<std::string>& tokens) const;

  // {"version": 2 or 3, "lexicon": {label: [token, …]}} (tokens sorted); version 1 is
  // never written, a file without it is version 1.
  nlohmann::json to_json() const;
  // Throws Error(XX001) on an unknown version, a lexicon label that is not one of
  // `labels`, or a lexicon past the bounds above.
  static TokenFeatures from_json(const nlohmann::json& j, const std::vector<std::string>& labels);

 private:
  int version_ = 1;
  std::unordered_map<std::string, std::vector<std::string>> lexicon_;
};

}  // namespace automl
