// token_features_test.cpp — the versioned token features: version 1 exactly as
// 0.2.0 computed it (stored models keep being served what they learnt), version 2's
// lexicon learnt from the tags and carried in the tagger file, the parser's refusals
// and bounds, and the generic training augmentation.
#include "automl/token_features.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "automl/error.hpp"
#include "automl/tagger.hpp"
#include "sqlstate_of.hpp"

namespace automl {
namespace {

std::vector<TaggedSequence> names() {
  return {{{"3M", "Aura", "9205+", "N95"}, {"brand", "model", "model", "filter_type"}},
          {{"Moldex", "2200", "N95", "M"}, {"brand", "model", "filter_type", "size"}},
          {{"Honeywell", "DF300", "N95"}, {"brand", "model", "filter_type"}},
          {{"3M", "8210", "N95", "Large"}, {"brand", "model", "filter_type", "size"}},
          {{"Moldex", "3405", "FFP2", "M"}, {"brand", "model", "filter_type", "size"}},
          {{"3M", "1860", "N95", "Mask"}, {"brand", "model", "filter_type", "O"}}};
}

bool has(const std::vector<std::string>& f, const std::string& x) {
  return std::find(f.begin(), f.end(), x) != f.end();
}

TEST(TokenFeatures, VersionOneIsWhat020Computed) {
  const std::vector<std::string> tokens{"3M", "Aura", "9205+", "N95"};
  const std::vector<std::string> expected{
      "bias",     "w=9205+",      "shape=dddd+", "short=d+",
      "p1=9",     "s1=+",         "p2=92",       "s2=5+",
      "p3=920",   "s3=05+",       "has_digit",   "has_punct",
      "len=5",    "pos=mid",      "i=2",         "from_end=1",
      "w[-2]=3m", "short[-2]=dX", "w[-1]=aura",  "short[-1]=Xx",
      "w[1]=n95", "short[1]=Xd",  "w[2]=EOS",    "w[-1]|w=aura|9205+"};
  EXPECT_EQ(token_features_v1(tokens, 2), expected);
  const TokenFeatures v1;
  EXPECT_EQ(v1.version(), 1);
  const auto all = v1.of(tokens);
  for (std::size_t i = 0; i < tokens.size(); ++i) EXPECT_EQ(all[i], token_features_v1(tokens, i));
}

TEST(TokenFeatures, VersionTwoLearnsALexiconFromTheTags) {
  const TokenFeatures v2 = TokenFeatures::learn(2, names(), 2);
  EXPECT_EQ(v2.version(), 2);
  EXPECT_EQ(v2.lexicon().at("n95"), std::vector<std::string>{"filter_type"});
  EXPECT_EQ(v2.lexicon().at("3m"), std::vector<std::string>{"brand"});
  EXPECT_EQ(v2.lexicon().count("honeywell"), 0u) << "tagged once: under min_count";
  EXPECT_EQ(v2.lexicon().count("mask"), 0u);
  const auto f = v2.of({"n95", "3m", "sr-179", "box"});  // lower case, filter type first
  EXPECT_TRUE(has(f[0], "lex=filter_type"));
  EXPECT_TRUE(has(f[1], "lex=brand") && has(f[1], "lex[-1]=filter_type"));
  EXPECT_TRUE(has(f[2], "fshort=a-d") && has(f[2], "head=aa") && has(f[2], "tail=ddd"));
  EXPECT_TRUE(has(f[2], "left=brand") && has(f[2], "right=none") && has(f[2], "case=lower"));
  EXPECT_TRUE(has(f[3], "lex=none") && !has(f[3], "right=none"));
  for (const auto& token : f)
    for (const auto& feature : token) EXPECT_NE(feature.rfind("i=", 0), 0u) << feature;
  EXPECT_EQ(TokenFeatures::learn(1, names(), 2).lexicon().size(), 0u);
  EXPECT_EQ(
      sqlstate_of([] { TokenFeatures::learn(TokenFeatures::kLatestVersion + 1, names(), 2); }),
      "22023");
  for (const auto& token : f)
    for (const auto& feature : token) EXPECT_NE(feature.rfind("leftset=", 0), 0u) << feature;
}

TEST(TokenFeatures, VersionThreeAddsTheSetOfLabelsOnEachSide) {
  const TokenFeatures v2 = TokenFeatures::learn(2, names(), 2);
  const TokenFeatures v3 = TokenFeatures::learn(3, names(), 2);
  EXPECT_EQ(v3.lexicon(), v2.lexicon());
  const std::vector<std::string> tokens{"n95", "pyramex", "sr-179", "3m"};
  const auto f2 = v2.of(tokens), f3 = v3.of(tokens);
  ASSERT_EQ(f3.size(), tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::vector<std::string> without_sets;
    for (const auto& feature : f3[i])
      if (feature.rfind("leftset=", 0) != 0 && feature.rfind("rightset=", 0) != 0)
        without_sets.push_back(feature);
    EXPECT_EQ(without_sets, f2[i]) << "version 3 is version 2 plus the sets, token " << i;
  }
  EXPECT_TRUE(has(f3[0], "leftset=") && has(f3[0], "rightset=brand|none"));
  EXPECT_TRUE(has(f3[1], "leftset=filter_type") && has(f3[1], "rightset=brand|none"));
  EXPECT_TRUE(has(f3[2], "leftset=filter_type|none") && has(f3[2], "rightset=brand"));
  EXPECT_TRUE(has(f3[3], "leftset=filter_type|none") && has(f3[3], "rightset="));
}

TEST(TokenFeatures, LexiconIsBoundedWhenLearnt) {
  std::vector<TaggedSequence> data;
  data.push_back({{std::string(TokenFeatures::kMaxLexiconTokenBytes + 1, 'x')}, {"model"}});
  data.push_back(data.back());
  EXPECT_EQ(TokenFeatures::learn(2, data, 1).lexicon().size(), 0u) << "a token too long to keep";
}

TaggerFile tagger(int version) {
  CrfOptions options;
  options.token_features = version;
  return {Crf::fit(names(), options), "tags", "tokens"};
}

// The SQLSTATE TaggerFile::parse raises for a document ("none" when it loads).
std::string parse_refusal(const nlohmann::json& doc) {
  return sqlstate_of([&] { TaggerFile::parse(doc.dump()); });
}

// The same for `doc` with doc[section][key] set to `value`.
std::string refusal_with(nlohmann::json doc, const char* section, const char* key,
                         const nlohmann::json& value) {
  doc[section][key] = value;
  return parse_refusal(doc);
}

TEST(TaggerFileV2, RoundTripsItsLexiconAndTagsTheSame) {
  const TaggerFile file = tagger(2);
  EXPECT_EQ(file.format_version(), 2);
  const nlohmann::json doc = nlohmann::json::parse(file.serialize());
  EXPECT_EQ(doc["format_version"], 2);
  EXPECT_EQ(doc["token_features"]["version"], 2);
  EXPECT_EQ(doc["token_features"]["lexicon"]["filter_type"], nlohmann::json({"n95"}));
  const TaggerFile back = TaggerFile::parse(file.serialize());
  EXPECT_EQ(back.crf.token_features().lexicon(), file.crf.token_features().lexicon());
  EXPECT_EQ(back.serialize(), file.serialize());
  const std::vector<std::string> tokens{"n95", "pyramex", "sr-179", "m"};
  EXPECT_EQ(back.crf.tag(tokens).tags, file.crf.tag(tokens).tags);
  EXPECT_DOUBLE_EQ(back.crf.tag(tokens).confidence, file.crf.tag(tokens).confidence);
}

TEST(TaggerFileV2, AVersionOneFileStillGetsVersionOneFeatures) {
  const TaggerFile old = tagger(1);
  const nlohmann::json doc = nlohmann::json::parse(old.serialize());
  EXPECT_EQ(doc["format_version"], 1);
  EXPECT_FALSE(doc.contains("token_features")) << "0.2.0's bytes";
  const TaggerFile back = TaggerFile::parse(old.serialize());
  EXPECT_EQ(back.crf.token_features().version(), 1);
  EXPECT_EQ(back.crf.n_features(), old.crf.n_features());
  EXPECT_FALSE(std::count(doc["features"].begin(), doc["features"].end(), "lex=brand"));
}

TEST(TaggerFileV2, RefusesUnknownVersionsAndMismatches) {
  const nlohmann::json good = nlohmann::json::parse(tagger(2).serialize());
  const nlohmann::json old = nlohmann::json::parse(tagger(1).serialize());
  EXPECT_EQ(parse_refusal(good), "none");
  for (const nlohmann::json& version : {nlohmann::json(3), nlohmann::json(1), nlohmann::json("2"),
                                        nlohmann::json(1e300), nlohmann::json()}) {
    nlohmann::json doc = good;
    doc["token_features"]["version"] = version;
    EXPECT_EQ(parse_refusal(doc), sqlstate::kDataCorrupted) << version;
  }
  nlohmann::json newer = good;
  newer["format_version"] = 3;
  EXPECT_EQ(parse_refusal(newer), sqlstate::kDataCorrupted);
  nlohmann::json unversioned = good;
  unversioned.erase("token_features");
  EXPECT_EQ(parse_refusal(unversioned), sqlstate::kDataCorrupted)
      << "format 2 without its features";
  nlohmann::json forged = old;
  forged["token_features"] = good["token_features"];
  EXPECT_EQ(parse_refusal(forged), sqlstate::kDataCorrupted) << "format 1 never had a lexicon";
}

TEST(TaggerFileV2, RefusesAHostileLexicon) {
  const nlohmann::json good = nlohmann::json::parse(tagger(2).serialize());
  auto with_lexicon = [&](const nlohmann::json& lexicon) {
    return refusal_with(good, "token_features", "lexicon", lexicon);
  };
  EXPECT_EQ(with_lexicon({{"brand", {"3m"}}}), "none");
  EXPECT_EQ(with_lexicon({{"colour", {"red"}}}), sqlstate::kDataCorrupted) << "not a label";
  EXPECT_EQ(with_lexicon({{"brand", "3m"}}), sqlstate::kDataCorrupted);
  EXPECT_EQ(with_lexicon({{"brand", {3}}}), sqlstate::kDataCorrupted);
  EXPECT_EQ(with_lexicon({{"brand", {"3m", "3m"}}}), sqlstate::kDataCorrupted);
  EXPECT_EQ(with_lexicon({{"brand", {std::string(1000, 'x')}}}), sqlstate::kDataCorrupted);
  EXPECT_EQ(with_lexicon(nlohmann::json::array()), sqlstate::kDataCorrupted);
  nlohmann::json huge = nlohmann::json::array();
  for (std::size_t k = 0; k <= TokenFeatures::kMaxLexiconTokens; ++k)
    huge.push_back(std::to_string(k));
  EXPECT_EQ(with_lexicon({{"model", huge}}), sqlstate::kDataCorrupted);
}

TEST(TaggerFileV3, CarriesItsConstraintsAndOlderVersionsHaveNone) {
  const TaggerFile file = tagger(3);
  EXPECT_EQ(file.format_version(), 3);
  const nlohmann::json doc = nlohmann::json::parse(file.serialize());
  EXPECT_EQ(doc["format_version"], 3);
  EXPECT_EQ(doc["token_features"]["version"], 3);
  EXPECT_EQ(doc["constraints"]["single_run"],
            nlohmann::json({"brand", "filter_type", "model", "size"}));
  EXPECT_TRUE(std::count(doc["constraints"]["transitions"].begin(),
                         doc["constraints"]["transitions"].end(),
                         nlohmann::json({"model", "model"})));
  EXPECT_FALSE(std::count(doc["constraints"]["transitions"].begin(),
                          doc["constraints"]["transitions"].end(),
                          nlohmann::json({"size", "size"})))
      << "no size is two words in training";
  const TaggerFile back = TaggerFile::parse(file.serialize());
  EXPECT_EQ(back.serialize(), file.serialize());
  for (int version : {1, 2}) {
    const TaggerFile old = tagger(version);
    EXPECT_TRUE(old.crf.constraints().empty()) << version;
    EXPECT_FALSE(nlohmann::json::parse(old.serialize()).contains("constraints")) << version;
    EXPECT_EQ(TaggerFile::parse(old.serialize()).serialize(), old.serialize()) << version;
  }
}

TEST(TaggerFileV4, LearnsRequiredLabelsAndRunLengthsAndVersionThreeHasNeither) {
  const TaggerFile file = tagger(4);
  EXPECT_EQ(file.format_version(), 4);
  const nlohmann::json doc = nlohmann::json::parse(file.serialize());
  EXPECT_EQ(doc["format_version"], 4);
  const nlohmann::json v3 = nlohmann::json::parse(tagger(3).serialize());
  EXPECT_EQ(doc["constraints"]["single_run"], v3["constraints"]["single_run"]);
  EXPECT_EQ(doc["constraints"]["transitions"], v3["constraints"]["transitions"]);
  EXPECT_EQ(doc["constraints"]["required"], nlohmann::json({"brand", "filter_type", "model"}))
      << "size is missing from some training names";
  EXPECT_EQ(doc["constraints"]["max_run"]["size"], 1);
  EXPECT_EQ(doc["constraints"]["max_run"]["model"], 2);
  EXPECT_EQ(TaggerFile::parse(file.serialize()).serialize(), file.serialize());
  EXPECT_FALSE(v3["constraints"].contains("required"));
  EXPECT_FALSE(v3["constraints"].contains("max_run"));
  EXPECT_EQ(TaggerFile::parse(tagger(3).serialize()).serialize(), tagger(3).serialize());
  // The rules at work: a name without a brand-looking word still gets its one brand.
  const auto tags = file.crf.tag({"N95", "Qzxv", "8210"}).tags;
  EXPECT_EQ(std::count(tags.begin(), tags.end(), "brand"), 1);
  EXPECT_EQ(std::count(tags.begin(), tags.end(), "model"), 1);
}

TEST(TaggerFileV4, RefusesHostileRules) {
  const nlohmann::json good = nlohmann::json::parse(tagger(4).serialize());
  const nlohmann::json v3 = nlohmann::json::parse(tagger(3).serialize());
  EXPECT_EQ(parse_refusal(good), "none");
  for (const char* key : {"required", "max_run"}) {
    nlohmann::json without = good;
    without["constraints"].erase(key);
    EXPECT_EQ(parse_refusal(without), sqlstate::kDataCorrupted) << key << " alone";
    nlohmann::json forged = v3;
    forged["constraints"][key] = good["constraints"][key];
    EXPECT_EQ(parse_refusal(forged), sqlstate::kDataCorrupted) << "version 3 never had " << key;
  }
  nlohmann::json forged = v3;
  forged["constraints"] = good["constraints"];
  EXPECT_EQ(parse_refusal(forged), sqlstate::kDataCorrupted) << "version 3 with version 4's rules";
  EXPECT_EQ(refusal_with(good, "constraints", "required", {"colour"}), sqlstate::kDataCorrupted)
      << "not a label";
  EXPECT_EQ(refusal_with(good, "constraints", "required", {"O"}), sqlstate::kDataCorrupted)
      << "not a single-run label";
  EXPECT_EQ(refusal_with(good, "constraints", "required", {"brand", "brand"}),
            sqlstate::kDataCorrupted);
  EXPECT_EQ(refusal_with(good, "constraints", "required", "brand"), sqlstate::kDataCorrupted);
  EXPECT_EQ(refusal_with(good, "constraints", "max_run", {{"brand", 0}}), sqlstate::kDataCorrupted);
  EXPECT_EQ(refusal_with(good, "constraints", "max_run", {{"brand", CrfConstraints::kMaxRun + 1}}),
            sqlstate::kDataCorrupted);
  EXPECT_EQ(refusal_with(good, "constraints", "max_run", {{"brand", 1.5}}),
            sqlstate::kDataCorrupted);
  EXPECT_EQ(refusal_with(good, "constraints", "max_run", {{"colour", 1}}),
            sqlstate::kDataCorrupted);
  EXPECT_EQ(refusal_with(good, "constraints", "max_run", nlohmann::json::array()),
            sqlstate::kDataCorrupted);
  EXPECT_EQ(refusal_with(good, "constraints", "max_run", nlohmann::json::object()), "none")
      << "every run unbounded";
  EXPECT_EQ(refusal_with(good, "constraints", "required", nlohmann::json::array()), "none")
      << "no label required";
}

TEST(TaggerFileV3, RefusesHostileConstraints) {
  const nlohmann::json good = nlohmann::json::parse(tagger(3).serialize());
  const nlohmann::json v2 = nlohmann::json::parse(tagger(2).serialize());
  EXPECT_EQ(parse_refusal(good), "none");
  nlohmann::json without = good;
  without.erase("constraints");
  EXPECT_EQ(parse_refusal(without), sqlstate::kDataCorrupted)
      << "version 3 without its constraints";
  nlohmann::json forged = v2;
  forged["constraints"] = good["constraints"];
  EXPECT_EQ(parse_refusal(forged), sqlstate::kDataCorrupted) << "version 2 never had constraints";
  EXPECT_EQ(refusal_with(good, "constraints", "single_run", {"colour"}), sqlstate::kDataCorrupted)
      << "not a label";
  EXPECT_EQ(refusal_with(good, "constraints", "single_run", {"brand", "brand"}),
            sqlstate::kDataCorrupted);
  EXPECT_EQ(refusal_with(good, "constraints", "single_run", "brand"), sqlstate::kDataCorrupted);
  EXPECT_EQ(refusal_with(good, "constraints", "transitions", {{"brand"}}), sqlstate::kDataCorrupted)
      << "not a pair";
  EXPECT_EQ(refusal_with(good, "constraints", "transitions", {{"brand", 1}}),
            sqlstate::kDataCorrupted);
  EXPECT_EQ(
      refusal_with(good, "constraints", "transitions", {{"brand", "model"}, {"brand", "model"}}),
      sqlstate::kDataCorrupted);
  nlohmann::json many = good;
  std::vector<std::string> labels;
  for (int k = 0; k < 12; ++k) labels.push_back("l" + std::to_string(k));
  many["labels"] = labels;
  many["state"] = nlohmann::json::array();
  for (std::size_t k = 0; k < many["features"].size() * labels.size(); ++k)
    many["state"].push_back(0.0);
  many["transition"] = std::vector<double>(labels.size() * labels.size(), 0.0);
  many["start"] = many["end"] = std::vector<double>(labels.size(), 0.0);
  many["token_features"]["lexicon"] = nlohmann::json::object();
  many["constraints"] = {{"transitions", nlohmann::json::array()}, {"single_run", labels}};
  EXPECT_EQ(parse_refusal(many), sqlstate::kDataCorrupted) << "12 × 2^12 decoding states";
  labels.resize(8);
  many["constraints"]["single_run"] = labels;
  EXPECT_EQ(parse_refusal(many), "none") << "12 × 2^8 is within bounds";
}

TEST(AugmentTagged, IsDeterministicAndKeepsTagsWithTheirTokens) {
  const auto rows = names();
  const auto a = augment_tagged(rows, 2.0, 5), b = augment_tagged(rows, 2.0, 5);
  ASSERT_EQ(a.size(), 12u);
  bool changed = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].tokens, b[k].tokens);
    EXPECT_EQ(a[k].tags, b[k].tags);
    ASSERT_EQ(a[k].tokens.size(), a[k].tags.size());
    auto tags = a[k].tags;
    std::sort(tags.begin(), tags.end());
    const bool from_a_row = std::any_of(rows.begin(), rows.end(), [&](auto row) {
      std::sort(row.tags.begin(), row.tags.end());
      return row.tags == tags;
    });
    EXPECT_TRUE(from_a_row) << k;
    changed |= std::none_of(rows.begin(), rows.end(),
                            [&](const auto& row) { return row.tokens == a[k].tokens; });
  }
  EXPECT_TRUE(changed);
  EXPECT_TRUE(augment_tagged(rows, 0.0, 5).empty());
  EXPECT_TRUE(augment_tagged({}, 1.0, 5).empty());
}

TEST(TrainTagger, WritesTheLatestVersionUnlessToldOtherwise) {
  TrainSpec spec;
  spec.target = "tags";
  EXPECT_EQ(TaggerFile::parse(train_tagger(spec, names(), "tokens").model_bytes).format_version(),
            4);
  spec.hyperparams = {{"token_features", 2}};
  const TaggerOutcome v2 = train_tagger(spec, names(), "tokens");
  EXPECT_EQ(v2.model.format_version(), 2);
  EXPECT_FALSE(nlohmann::json::parse(v2.model_bytes).contains("constraints"));
  spec.hyperparams = {{"token_features", 1}, {"augment", 0}};
  const TaggerOutcome old = train_tagger(spec, names(), "tokens");
  EXPECT_EQ(old.model.format_version(), 1);
  EXPECT_EQ(old.info["augmented_rows"], 0);
}

}  // namespace
}  // namespace automl
