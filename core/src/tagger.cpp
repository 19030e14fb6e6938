// tagger.cpp — the tagger file and the held-out split (tagger.hpp); the training run
// is core/train/tagger_training.cpp.
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

}  // namespace automl
