// token_features.cpp — the CRF's token features, versions 1 to 3, and the lexicon
// of versions 2 and 3 (see token_features.hpp).
#include "automl/token_features.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "automl/error.hpp"

namespace automl {
namespace {

[[noreturn]] void invalid_file(const std::string& what) {
  throw Error(sqlstate::kDataCorrupted, "model file: " + what);
}

std::string lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "Aura" → "Xxxx", "9205+" → "dddd+"; the short shape collapses runs: "Xx", "d+".
std::string shape(const std::string& s, bool collapse) {
  std::string out;
  for (unsigned char c : s) {
    const char k = std::isupper(c)   ? 'X'
                   : std::islower(c) ? 'x'
                   : std::isdigit(c) ? 'd'
                                     : static_cast<char>(c);
    if (!collapse || out.empty() || out.back() != k) out.push_back(k);
  }
  return out;
}

// The shape without case, runs cut at `run` characters: "SR-179" and "sr-179" →
// "aa-ddd"; with run 1, "a-d".
std::string folded_shape(const std::string& s, std::size_t run) {
  std::string out;
  std::size_t same = 0;
  for (unsigned char c : s) {
    const char k = std::isalpha(c) ? 'a' : std::isdigit(c) ? 'd' : static_cast<char>(c);
    same = !out.empty() && out.back() == k ? same + 1 : 1;
    if (same <= run) out.push_back(k);
  }
  return out;
}

bool any_of(const std::string& s, int (*pred)(int)) {
  return std::any_of(s.begin(), s.end(), [&](unsigned char c) { return pred(c) != 0; });
}
bool all_of(const std::string& s, int (*pred)(int)) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [&](unsigned char c) { return pred(c) != 0; });
}
std::size_t count_of(const std::string& s, int (*pred)(int)) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [&](unsigned char c) { return pred(c) != 0; }));
}

const char* case_class(const std::string& w) {
  if (!any_of(w, isalpha)) return "case=none";
  if (!any_of(w, islower)) return "case=upper";
  if (!any_of(w, isupper)) return "case=lower";
  return std::isupper(static_cast<unsigned char>(w[0])) ? "case=title" : "case=mixed";
}

std::string capped(std::size_t n, std::size_t cap) { return std::to_string(std::min(n, cap)); }

// What version 2 computes once per token and its neighbours reuse.
struct TokenView {
  std::string lower, folded_short;
  const std::vector<std::string>* lexicon;  // null: not in the lexicon
};

const std::vector<std::string>& lexicon_labels(const TokenView& v) {
  static const std::vector<std::string> none{"none"};
  return v.lexicon == nullptr ? none : *v.lexicon;
}

// The token's own features beyond version 1's: case-free, counted, split, and its
// lexicon labels ("none" when it has none).
void add_word_features(const std::string& w, const TokenView& v, std::vector<std::string>& f) {
  f.push_back("fshape=" + folded_shape(w, 4));
  f.push_back("fshort=" + v.folded_short);
  f.push_back(case_class(w));
  f.push_back("digits=" + capped(count_of(w, isdigit), 6));
  f.push_back("letters=" + capped(count_of(w, isalpha), 6));
  const std::size_t cut = v.lower.find_first_of("-/");
  if (cut != std::string::npos && cut > 0 && cut + 1 < v.lower.size()) {
    f.push_back("head=" + folded_shape(v.lower.substr(0, cut), 4));
    f.push_back("tail=" + folded_shape(v.lower.substr(cut + 1), 4));
  }
  for (const auto& label : lexicon_labels(v)) f.push_back("lex=" + label);
}

// The lexicon labels of every other token of the name, as a bag on either side
// ("left=brand", "right=none"): whether a brand came already says more about a
// word than where it stands. With `sets` (version 3), also each side's whole set as
// one feature ("leftset=filter_type", "leftset=" at the start): a bag feature says
// what is there, the set also says what is not — the first unknown word after a
// filter type ("leftset=filter_type") is not the one after an unknown word
// ("leftset=filter_type|none").
void add_context_features(const std::vector<TokenView>& views, bool sets,
                          std::vector<std::vector<std::string>>& out) {
  const auto joined = [](const std::set<std::string>& labels) {
    std::string text;
    for (const auto& label : labels) text += (text.empty() ? "" : "|") + label;
    return text;
  };
  std::set<std::string> seen;
  for (std::size_t i = 0; i < views.size(); ++i) {
    for (const auto& label : seen) out[i].push_back("left=" + label);
    if (sets) out[i].push_back("leftset=" + joined(seen));
    for (const auto& label : lexicon_labels(views[i])) seen.insert(label);
  }
  seen.clear();
  for (std::size_t i = views.size(); i-- > 0;) {
    for (const auto& label : seen) out[i].push_back("right=" + label);
    if (sets) out[i].push_back("rightset=" + joined(seen));
    for (const auto& label : lexicon_labels(views[i])) seen.insert(label);
  }
}

// Version 1's features; version 2 leaves out the absolute position (first, i, from
// the end), which ties a label to where training names happened to put it.
std::vector<std::string> lexical_features(const std::vector<std::string>& tokens, std::size_t i,
                                          bool position) {
  const std::string& w = tokens[i];
  const std::string lw = lower(w);
  std::vector<std::string> f;
  f.reserve(32);
  f.push_back("bias");
  f.push_back("w=" + lw);
  f.push_back("shape=" + shape(w, false));
  f.push_back("short=" + shape(w, true));
  for (std::size_t k = 1; k <= 3 && k <= lw.size(); ++k) {
    f.push_back("p" + std::to_string(k) + "=" + lw.substr(0, k));
    f.push_back("s" + std::to_string(k) + "=" + lw.substr(lw.size() - k));
  }
  if (all_of(w, isdigit)) f.push_back("all_digits");
  if (any_of(w, isdigit)) f.push_back("has_digit");
  if (any_of(w, isalpha) && any_of(w, isdigit)) f.push_back("alnum_mix");
  if (any_of(w, ispunct)) f.push_back("has_punct");
  if (all_of(w, isupper)) f.push_back("all_upper");
  if (!w.empty() && std::isupper(static_cast<unsigned char>(w[0]))) f.push_back("title");
  f.push_back("len=" + std::to_string(std::min<std::size_t>(w.size(), 8)));
  if (position) {
    f.push_back(i == 0 ? "pos=first" : i + 1 == tokens.size() ? "pos=last" : "pos=mid");
    f.push_back("i=" + std::to_string(std::min<std::size_t>(i, 6)));
    f.push_back("from_end=" + std::to_string(std::min<std::size_t>(tokens.size() - 1 - i, 6)));
  }
  for (int d : {-2, -1, 1, 2}) {
    const long j = static_cast<long>(i) + d;
    const std::string at = "[" + std::to_string(d) + "]";
    if (j < 0) {
      f.push_back("w" + at + "=BOS");
    } else if (j >= static_cast<long>(tokens.size())) {
      f.push_back("w" + at + "=EOS");
    } else {
      const std::string& n = tokens[static_cast<std::size_t>(j)];
      f.push_back("w" + at + "=" + lower(n));
      f.push_back("short" + at + "=" + shape(n, true));
    }
  }
  if (i > 0) f.push_back("w[-1]|w=" + lower(tokens[i - 1]) + "|" + lw);
  return f;
}

}  // namespace

std::vector<std::string> token_features_v1(const std::vector<std::string>& tokens, std::size_t i) {
  return lexical_features(tokens, i, true);
}

std::vector<std::vector<std::string>> TokenFeatures::of(
    const std::vector<std::string>& tokens) const {
  std::vector<std::vector<std::string>> out(tokens.size());
  if (version_ == 1) {
    for (std::size_t i = 0; i < tokens.size(); ++i) out[i] = token_features_v1(tokens, i);
    return out;
  }
  std::vector<TokenView> views(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    views[i].lower = lower(tokens[i]);
    views[i].folded_short = folded_shape(tokens[i], 1);
    const auto it = lexicon_.find(views[i].lower);
    views[i].lexicon = it == lexicon_.end() ? nullptr : &it->second;
  }
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::vector<std::string>& f = out[i];
    f = lexical_features(tokens, i, false);
    add_word_features(tokens[i], views[i], f);
    for (int d : {-2, -1, 1, 2}) {
      const long j = static_cast<long>(i) + d;
      if (j < 0 || j >= static_cast<long>(tokens.size())) continue;
      const TokenView& n = views[static_cast<std::size_t>(j)];
      const std::string at = "[" + std::to_string(d) + "]";
      f.push_back("fshort" + at + "=" + n.folded_short);
      for (const auto& label : lexicon_labels(n)) f.push_back("lex" + at + "=" + label);
    }
  }
  add_context_features(views, version_ >= 3, out);
  return out;
}

TokenFeatures TokenFeatures::learn(int version, const std::vector<TaggedSequence>& data,
                                   int min_count) {
  if (version < 1 || version > kLatestVersion)
    throw Error(sqlstate::kInvalidParameterValue,
                "token features version " + std::to_string(version) + " does not exist",
                "versions 1 to " + std::to_string(kLatestVersion) + " do");
  TokenFeatures features;
  features.version_ = version;
  if (version < 2) return features;
  std::map<std::pair<std::string, std::string>, int> counts;  // (token, label) → count
  for (const auto& s : data)
    for (std::size_t i = 0; i < s.tokens.size() && i < s.tags.size(); ++i)
      if (s.tokens[i].size() <= kMaxLexiconTokenBytes) ++counts[{lower(s.tokens[i]), s.tags[i]}];
  std::map<std::string, int> token_counts;
  for (const auto& [key, count] : counts)
    if (count >= min_count) token_counts[key.first] += count;
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [token, count] : token_counts) ranked.emplace_back(-count, token);
  std::sort(ranked.begin(), ranked.end());
  if (ranked.size() > kMaxLexiconTokens) ranked.resize(kMaxLexiconTokens);
  std::set<std::string> kept;
  for (const auto& r : ranked) kept.insert(r.second);
  for (const auto& [key, count] : counts)  // in (token, label) order: labels sorted
    if (count >= min_count && kept.count(key.first))
      features.lexicon_[key.first].push_back(key.second);
  return features;
}

nlohmann::json TokenFeatures::to_json() const {
  std::map<std::string, std::vector<std::string>> by_label;
  for (const auto& [token, labels] : lexicon_)
    for (const auto& label : labels) by_label[label].push_back(token);
  for (auto& [label, tokens] : by_label) std::sort(tokens.begin(), tokens.end());
  return {{"version", version_}, {"lexicon", by_label}};
}

TokenFeatures TokenFeatures::from_json(const nlohmann::json& j,
                                       const std::vector<std::string>& labels) {
  if (!j.is_object()) invalid_file("token features are not an object");
  const auto version = j.find("version");
  if (version == j.end() || !version->is_number_integer() || *version < 2 ||
      *version > kLatestVersion)
    invalid_file("token features of version " +
                 (version == j.end() ? std::string("none") : version->dump().substr(0, 20)) +
                 "; this build reads versions 1 to " + std::to_string(kLatestVersion));
  TokenFeatures features;
  features.version_ = version->get<int>();
  const auto lexicon = j.find("lexicon");
  if (lexicon == j.end() || !lexicon->is_object()) invalid_file("token features without a lexicon");
  const std::set<std::string> known(labels.begin(), labels.end());
  std::size_t entries = 0;
  for (const auto& [label, tokens] : lexicon->items()) {
    if (!known.count(label)) invalid_file("a lexicon label the tagger does not have");
    if (!tokens.is_array()) invalid_file("a lexicon label without a list of tokens");
    entries += tokens.size();
    if (entries > kMaxLexiconTokens)
      invalid_file("a lexicon of more than " + std::to_string(kMaxLexiconTokens) + " tokens");
    for (const auto& token : tokens) {
      if (!token.is_string() || token.get_ref<const std::string&>().size() > kMaxLexiconTokenBytes)
        invalid_file("a lexicon token that is not a string of at most " +
                     std::to_string(kMaxLexiconTokenBytes) + " bytes");
      auto& of_token = features.lexicon_[token.get<std::string>()];
      if (!of_token.empty() && of_token.back() >= label)
        invalid_file("a lexicon token listed twice under one label");
      of_token.push_back(label);
    }
  }
  return features;
}

}  // namespace automl
