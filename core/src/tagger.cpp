// tagger.cpp — see tagger.hpp.
#include "automl/tagger.hpp"

#include <algorithm>
#include <numeric>
#include <random>

#include "automl/error.hpp"

namespace automl {
namespace {

[[noreturn]] void invalid_tagger(const std::string& what) {
  throw Error(sqlstate::kDataCorrupted, "model file: " + what);
}

void report(const TaggerOptions& options, float progress, const std::string& message) {
  if (options.progress) options.progress(progress, message);
}

}  // namespace

int TaggerFile::format_version() const { return crf.token_features().version(); }

std::string TaggerFile::serialize() const {
  nlohmann::json file = crf.to_json();
  file["format_version"] = format_version();
  file["task"] = "tagging";
  file["target"] = target;
  file["tokens_column"] = tokens_column;
  return file.dump();
}

TaggerFile TaggerFile::from_json(const nlohmann::json& doc) {
  if (!doc.is_object()) invalid_tagger("not a tagger");
  TaggerFile file{Crf::from_json(doc), {}, {}};
  const auto text = [&](const char* key) {
    const auto it = doc.find(key);
    if (it == doc.end() || !it->is_string())
      invalid_tagger("a CRF without its tokens and target columns");
    return it->get<std::string>();
  };
  file.target = text("target");
  file.tokens_column = text("tokens_column");
  const auto version = doc.find("format_version");
  if (version == doc.end() || !version->is_number_integer() || *version < 1 ||
      *version > kFormatVersion)
    invalid_tagger("a tagger of format version " +
                   (version == doc.end() ? std::string("none") : version->dump().substr(0, 20)) +
                   "; this build reads versions 1 to " + std::to_string(kFormatVersion));
  if (*version != file.format_version())
    invalid_tagger("a tagger of format version " + version->dump() +
                   " with token features of version " +
                   std::to_string(file.crf.token_features().version()));
  return file;
}

TaggerFile TaggerFile::parse(std::string_view bytes) {
  const nlohmann::json doc = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (doc.is_discarded()) invalid_tagger("not JSON");
  return from_json(doc);
}

TaggedSplit split_tagged(std::vector<TaggedSequence> rows, double test_size, std::uint64_t seed) {
  std::vector<std::size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  const std::size_t n_test = std::clamp<std::size_t>(
      static_cast<std::size_t>(test_size * static_cast<double>(order.size()) + 0.5), 1,
      order.size() - 1);
  TaggedSplit split;
  for (std::size_t k = 0; k < order.size(); ++k)
    (k < n_test ? split.test : split.train).push_back(std::move(rows[order[k]]));
  return split;
}

TaggerOutcome train_tagger(const TrainSpec& spec, std::vector<TaggedSequence> rows,
                           const std::string& tokens_column, const TaggerOptions& options) {
  if (rows.size() < 2)
    throw Error(sqlstate::kInvalidParameterValue,
                "a tagging job needs at least 2 tagged rows, the relation has " +
                    std::to_string(rows.size()));
  TaggedSplit split = split_tagged(std::move(rows), spec.test_size, spec.seed);

  report(options, 0.2f, "training a CRF on " + std::to_string(split.train.size()) + " sequences");
  CrfOptions crf_options;
  crf_options.c2 = spec.hyperparams.value("c2", 0.1);
  crf_options.max_iter = spec.hyperparams.value("max_iter", 200);
  crf_options.min_feature_count = spec.hyperparams.value("min_feature_count", 2);
  crf_options.token_features =
      spec.hyperparams.value("token_features", TokenFeatures::kLatestVersion);
  int iterations = 0;
  std::vector<TaggedSequence> train = std::move(split.train);
  const std::size_t train_rows = train.size();
  for (auto& row : augment_tagged(train, spec.hyperparams.value("augment", 1.0), spec.seed))
    train.push_back(std::move(row));
  TaggerFile fitted{Crf::fit(train, crf_options, options.cancel, &iterations), spec.target,
                    tokens_column};
  if (options.cancel && *options.cancel)
    throw Error(sqlstate::kQueryCanceled, "training was cancelled");

  // The model evaluated is the one served: the CRF parsed back from its file.
  TaggerOutcome outcome;
  outcome.model_bytes = fitted.serialize();
  outcome.model = TaggerFile::parse(outcome.model_bytes);
  report(options, 0.85f,
         "evaluating on " + std::to_string(split.test.size()) + " held-out sequences");
  std::vector<std::vector<std::string>> predicted;
  predicted.reserve(split.test.size());
  for (const auto& s : split.test) predicted.push_back(outcome.model.crf.tag(s.tokens).tags);
  outcome.metrics = tagging_metrics(split.test, predicted);
  outcome.info = {{"train_rows", train_rows},
                  {"augmented_rows", train.size() - train_rows},
                  {"test_rows", split.test.size()},
                  {"iterations", iterations},
                  {"features", outcome.model.crf.n_features()}};
  return outcome;
}

}  // namespace automl
