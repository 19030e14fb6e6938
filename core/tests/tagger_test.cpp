// tagger_test.cpp — the tagger as a model: its stored bytes (pinned, so models
// stored by earlier versions still load), its parser's refusals, and train_tagger,
// whose metrics are those of the model parsed back from the bytes it returns.
#include "automl/tagger.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "automl/error.hpp"

namespace automl {
namespace {

std::vector<TaggedSequence> respirators() {
  return {{{"3M", "Aura", "9205+", "N95"}, {"brand", "model", "model", "filter_type"}},
          {{"Moldex", "2200", "N95", "M"}, {"brand", "model", "filter_type", "size"}},
          {{"Honeywell", "DF300", "N95"}, {"brand", "model", "filter_type"}},
          {{"3M", "8210", "N95", "Large"}, {"brand", "model", "filter_type", "size"}},
          {{"Uvex", "Silv-Air", "2310", "FFP3"}, {"brand", "model", "model", "filter_type"}},
          {{"Moldex", "3405", "FFP2", "S"}, {"brand", "model", "filter_type", "size"}},
          {{"Honeywell", "H910", "N95", "L"}, {"brand", "model", "filter_type", "size"}},
          {{"3M", "1860", "N95"}, {"brand", "model", "filter_type"}}};
}

TEST(TaggerFile, BytesAreTheCrfWithItsColumnsAsStoredBefore) {
  const Crf crf = Crf::fit(respirators(), CrfOptions{});
  const TaggerFile file{crf, "tags", "tokens"};
  // What automl-worker 0.2.0 stored: keep it byte for byte, or stored models stop loading.
  nlohmann::json expected = crf.to_json();
  expected["format_version"] = 1;
  expected["task"] = "tagging";
  expected["target"] = "tags";
  expected["tokens_column"] = "tokens";
  EXPECT_EQ(file.serialize(), expected.dump());
  EXPECT_EQ(file.serialize().rfind("{\"end\":[", 0), 0u) << "keys in sorted order, no spaces";
}

TEST(TaggerFile, ParsesBackWhatItStores) {
  const TaggerFile file{Crf::fit(respirators(), CrfOptions{}), "tags", "tokens"};
  const TaggerFile back = TaggerFile::parse(file.serialize());
  EXPECT_EQ(back.target, "tags");
  EXPECT_EQ(back.tokens_column, "tokens");
  EXPECT_EQ(back.crf.labels(), file.crf.labels());
  EXPECT_EQ(back.serialize(), file.serialize())
      << "weights are stored as float and read back exactly";
  const std::vector<std::string> tokens{"Moldex", "8000", "N95", "M"};
  EXPECT_EQ(back.crf.tag(tokens).tags, file.crf.tag(tokens).tags);
}

TEST(TaggerFile, RefusesWhatIsNotATaggerOfThisFormat) {
  const nlohmann::json good = nlohmann::json::parse(
      TaggerFile{Crf::fit(respirators(), CrfOptions{}), "t", "x"}.serialize());
  auto refused = [](const nlohmann::json& doc) {
    try {
      TaggerFile::parse(doc.dump());
    } catch (const Error& e) {
      return std::string(e.sqlstate());
    }
    return std::string("accepted");
  };
  for (const char* key : {"tokens_column", "target", "format_version", "labels"}) {
    nlohmann::json broken = good;
    broken.erase(key);
    EXPECT_EQ(refused(broken), sqlstate::kDataCorrupted) << key;
  }
  nlohmann::json newer = good;
  newer["format_version"] = 2;
  EXPECT_EQ(refused(newer), sqlstate::kDataCorrupted);
  nlohmann::json tabular = good;
  tabular["type"] = "xgboost";
  EXPECT_EQ(refused(tabular), sqlstate::kDataCorrupted);
  EXPECT_THROW(TaggerFile::parse("{not json"), Error);
  EXPECT_THROW(TaggerFile::parse("[]"), Error);
}

TEST(SplitTagged, IsDeterministicByTheSeedAndKeepsBothSides) {
  const TaggedSplit a = split_tagged(respirators(), 0.25, 7),
                    b = split_tagged(respirators(), 0.25, 7);
  ASSERT_EQ(a.test.size(), 2u);
  EXPECT_EQ(a.train.size(), 6u);
  for (std::size_t i = 0; i < a.test.size(); ++i) EXPECT_EQ(a.test[i].tokens, b.test[i].tokens);
  EXPECT_EQ(split_tagged(respirators(), 0.0, 7).test.size(), 1u);
  EXPECT_EQ(split_tagged(respirators(), 1.0, 7).train.size(), 1u);
}

TEST(TrainTagger, EvaluatesTheModelParsedBackFromItsBytes) {
  TrainSpec spec;
  spec.target = "tags";
  spec.test_size = 0.25;
  spec.seed = 3;
  std::vector<std::pair<float, std::string>> progress;
  TaggerOptions options;
  options.progress = [&](float p, const std::string& m) { progress.emplace_back(p, m); };
  const TaggerOutcome outcome = train_tagger(spec, respirators(), "tokens", options);

  const TaggerFile stored = TaggerFile::parse(outcome.model_bytes);
  EXPECT_EQ(stored.serialize(), outcome.model_bytes);
  EXPECT_EQ(stored.tokens_column, "tokens");
  EXPECT_EQ(stored.target, "tags");
  const TaggedSplit split = split_tagged(respirators(), spec.test_size, spec.seed);
  std::vector<std::vector<std::string>> predicted;
  for (const auto& s : split.test) predicted.push_back(stored.crf.tag(s.tokens).tags);
  EXPECT_EQ(outcome.metrics, tagging_metrics(split.test, predicted));
  EXPECT_EQ(outcome.info["train_rows"], 6);
  EXPECT_EQ(outcome.info["test_rows"], 2);
  EXPECT_GT(outcome.info["iterations"].get<int>(), 0);
  EXPECT_EQ(outcome.info["features"], stored.crf.n_features());
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_EQ(progress[0].second, "training a CRF on 6 sequences");
  EXPECT_EQ(progress[1].second, "evaluating on 2 held-out sequences");
}

TEST(TrainTagger, HyperparamsReachTheCrf) {
  TrainSpec spec;
  spec.target = "tags";
  spec.hyperparams = {{"max_iter", 1}, {"min_feature_count", 100}};
  const TaggerOutcome outcome = train_tagger(spec, respirators(), "tokens");
  EXPECT_LE(outcome.info["iterations"].get<int>(), 1);
  EXPECT_LE(outcome.model.crf.n_features(), 1u) << "only features seen 100 times survive";
}

TEST(TrainTagger, RefusesTooFewRowsAndStopsWhenCancelled) {
  TrainSpec spec;
  spec.target = "tags";
  try {
    train_tagger(spec, {respirators()[0]}, "tokens");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.sqlstate()), sqlstate::kInvalidParameterValue);
    EXPECT_STREQ(e.what(), "a tagging job needs at least 2 tagged rows, the relation has 1");
  }
  std::atomic<bool> cancel{true};
  TaggerOptions options;
  options.cancel = &cancel;
  try {
    train_tagger(spec, respirators(), "tokens", options);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.sqlstate()), sqlstate::kQueryCanceled);
  }
}

}  // namespace
}  // namespace automl
