// tagging.cpp — what surrounds the CRF: tokenisation, components of a tagged
// sequence, metrics, and the rules used when no tagger is deployed.
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
