// tagger.hpp — a tagger as a first-class model: its file format (the bytes that
// automl.models stores and automl.tag serves) and its training run, train_tagger,
// which evaluates the model parsed back from those bytes, like train() does for a
// tabular model.
#pragma once

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "automl/crf.hpp"
#include "automl/train_spec.hpp"

namespace automl {

// A stored tagger: the CRF and the columns it was trained on. The file is the CRF's
// JSON with "format_version", "task": "tagging", "target" (the tags column) and
// "tokens_column" added. Format version 1 is a CRF of version 1 token features, byte
// for byte what 0.2.0 stored; version 2 adds the CRF's "token_features" (their
// version, 2, and its lexicon), so a build that knows only version 1 refuses it
// rather than serve it features it was not trained on; version 3 is a CRF of
// version 3 token features and its decoding "constraints". The format version is
// the token features' version.
struct TaggerFile {
  static constexpr int kFormatVersion = 4;  // the newest this build reads

  Crf crf;
  std::string target;
  std::string tokens_column;

  int format_version() const;  // the version of its token features

  std::string serialize() const;
  // Throws Error(XX001) on a file that is not a tagger of this format.
  static TaggerFile parse(std::string_view bytes);
  static TaggerFile from_json(const nlohmann::json& doc);
};

// The deterministic held-out split of a tagging job: `test_size` of the rows (at
// least one, and at least one left for training) chosen by `seed`.
struct TaggedSplit {
  std::vector<TaggedSequence> train, test;
};
TaggedSplit split_tagged(std::vector<TaggedSequence> rows, double test_size, std::uint64_t seed);

// Generic augmentation of training rows: fraction × rows extra rows, each a row drawn
// at random (by `seed`) and changed by one of five transforms, drawn alike: every
// token lower-cased; every token upper-cased; its segments (runs of one label) in a
// random order; about half its words of three or more characters replaced by random
// ones of the same shape; its segments in a random order and about three in ten of
// its words of four or more characters given one typing error (a letter doubled,
// dropped or swapped). Tags travel with their tokens. None of it knows a domain: it
// is what any short-text tagging data meets (case, word order, unseen words, typos).
std::vector<TaggedSequence> augment_tagged(const std::vector<TaggedSequence>& rows, double fraction,
                                           std::uint64_t seed);

struct TaggerOptions {
  const std::atomic<bool>* cancel = nullptr;  // raised: stop with 57014
  std::function<void(float progress, const std::string& message)> progress;
};

struct TaggerOutcome {
  std::string model_bytes;  // TaggerFile::serialize(), what is stored and served
  TaggerFile model;         // parsed back from model_bytes: the model evaluated
  nlohmann::json metrics;   // tagging_metrics on the held-out split
  nlohmann::json info;      // train_rows, test_rows, iterations, features
};

// Trains a CRF on `rows` (tokens and tags of `spec.target`, read from
// `tokens_column`) with spec.hyperparams training, c2, c1, max_iter, epochs,
// min_feature_count, token_features (the version, default the latest) and augment,
// split by spec.test_size and spec.seed. Needs at least 2 rows (else 22023).
// Defined in core/train (tagger_training.cpp): only automl_train links the trainers.
TaggerOutcome train_tagger(const TrainSpec& spec, std::vector<TaggedSequence> rows,
                           const std::string& tokens_column, const TaggerOptions& options = {});

}  // namespace automl
