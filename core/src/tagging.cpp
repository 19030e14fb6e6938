// tagging.cpp — what surrounds the CRF: tokenisation, token features, components
// of a tagged sequence, and the rules used when no tagger is deployed.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "automl/crf.hpp"

namespace automl {
namespace {

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

bool any_of(const std::string& s, int (*pred)(int)) {
  return std::any_of(s.begin(), s.end(), [&](unsigned char c) { return pred(c) != 0; });
}
bool all_of(const std::string& s, int (*pred)(int)) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [&](unsigned char c) { return pred(c) != 0; });
}

}  // namespace

std::vector<std::string> whitespace_tokens(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t space = text.find(' ', start);
    const std::size_t stop = space == std::string::npos ? text.size() : space;
    if (stop > start) out.push_back(text.substr(start, stop - start));
    if (space == std::string::npos) break;
    start = space + 1;
  }
  return out;
}

std::vector<std::string> token_features(const std::vector<std::string>& tokens, std::size_t i) {
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
  f.push_back(i == 0 ? "pos=first" : i + 1 == tokens.size() ? "pos=last" : "pos=mid");
  f.push_back("i=" + std::to_string(std::min<std::size_t>(i, 6)));
  f.push_back("from_end=" + std::to_string(std::min<std::size_t>(tokens.size() - 1 - i, 6)));
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

std::vector<TagSpan> tag_spans(const std::vector<std::string>& tags) {
  std::vector<TagSpan> spans;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    std::string label = tags[i];
    bool begins = false;
    if (label.size() > 2 && (label.compare(0, 2, "B-") == 0 || label.compare(0, 2, "I-") == 0)) {
      begins = label[0] == 'B';
      label = label.substr(2);
    }
    if (label == "O" || label.empty()) continue;
    if (!spans.empty() && spans.back().end == i && spans.back().label == label && !begins) {
      spans.back().end = i + 1;
    } else {
      spans.push_back({label, i, i + 1});
    }
  }
  return spans;
}

nlohmann::json tagging_metrics(const std::vector<TaggedSequence>& truth,
                               const std::vector<std::vector<std::string>>& predicted) {
  std::size_t tokens = 0, right = 0;
  std::map<std::string, std::array<double, 3>> counts;  // true positives, predicted, actual
  for (std::size_t k = 0; k < truth.size(); ++k) {
    const auto& want = truth[k].tags;
    const auto& got = predicted[k];
    for (std::size_t i = 0; i < want.size(); ++i, ++tokens)
      right += i < got.size() && got[i] == want[i];
    const auto a = tag_spans(want), p = tag_spans(got);
    const std::set<TagSpan> actual(a.begin(), a.end());
    for (const auto& s : a) counts[s.label][2] += 1;
    for (const auto& s : p) {
      counts[s.label][1] += 1;
      if (actual.count(s)) counts[s.label][0] += 1;
    }
  }
  auto prf = [](double tp, double pred, double act) {
    const double precision = pred > 0 ? tp / pred : 0, recall = act > 0 ? tp / act : 0;
    const double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    return std::array<double, 3>{precision, recall, f1};
  };
  nlohmann::json per_label = nlohmann::json::object();
  double tp = 0, pred = 0, act = 0;
  for (const auto& [label, c] : counts) {
    const auto m = prf(c[0], c[1], c[2]);
    per_label[label] = {{"precision", m[0]}, {"recall", m[1]}, {"f1", m[2]}, {"support", c[2]}};
    tp += c[0], pred += c[1], act += c[2];
  }
  const auto overall = prf(tp, pred, act);
  return {{"token_accuracy",
           tokens > 0 ? static_cast<double>(right) / static_cast<double>(tokens) : 0.0},
          {"entity_precision", overall[0]},
          {"entity_recall", overall[1]},
          {"entity_f1", overall[2]},
          {"per_label", per_label}};
}

nlohmann::json tag_components(const std::vector<std::string>& tokens,
                              const std::vector<std::string>& tags) {
  nlohmann::json out = nlohmann::json::object();
  std::string open_label, text;
  auto close = [&] {
    if (open_label.empty()) return;
    auto it = out.find(open_label);
    if (it == out.end())
      out[open_label] = text;
    else
      *it = it->get<std::string>() + " " + text;
    open_label.clear();
    text.clear();
  };
  for (std::size_t i = 0; i < tokens.size() && i < tags.size(); ++i) {
    std::string label = tags[i];
    bool begins = false;
    if (label.size() > 2 && (label.compare(0, 2, "B-") == 0 || label.compare(0, 2, "I-") == 0)) {
      begins = label[0] == 'B';
      label = label.substr(2);
    }
    if (label == "O" || label.empty()) {
      close();
      continue;
    }
    if (label != open_label || begins) close();
    if (open_label.empty()) {
      open_label = label;
      text = tokens[i];
    } else {
      text += " " + tokens[i];
    }
  }
  close();
  return out;
}

std::vector<std::string> respirator_rules(const std::vector<std::string>& tokens) {
  static const std::regex brand(
      "3M|Honeywell|Moldex|Dr(a|ä)ger|MSA|Uvex|GVS|Alpha|Kimberly-Clark|Makrite|Ansell|JSP|"
      "Sundstrom|Gerson",
      std::regex::icase);
  static const std::regex filter("(N|R|P)(95|99|100)|FFP[123]|KN95|KF94|P[123]", std::regex::icase);
  static const std::regex size("XS|S|M|L|XL|Small|Medium|Large|Regular|One-Size",
                               std::regex::icase);
  std::vector<std::string> tags;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (std::regex_match(t, filter))
      tags.push_back("filter_type");
    else if (std::regex_match(t, size))
      tags.push_back("size");
    else if (i == 0 && std::regex_match(t, brand))
      tags.push_back("brand");
    else if (std::any_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
      tags.push_back("model");
    else
      tags.push_back("O");
  }
  return tags;
}

}  // namespace automl
