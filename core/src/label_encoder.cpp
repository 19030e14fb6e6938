// label_encoder.cpp — class labels to indices, sorted as their SQL type sorts.
#include "automl/label_encoder.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <unordered_map>

#include "automl/error.hpp"

namespace automl {
namespace {

double parse_number(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size())
    throw Error(sqlstate::kInvalidTextRepresentation,
                "class label \"" + text + "\" is not a number");
  return v;
}

bool is_true(const std::string& text) { return text == "t" || text == "true"; }

double numeric_label(const std::string& label, ValueKind kind, int index) {
  switch (kind) {
    case ValueKind::Integer:
    case ValueKind::Float:
      return parse_number(label);
    case ValueKind::Boolean:
      return is_true(label) ? 1.0 : 0.0;
    case ValueKind::Text:
      return index;
  }
  return index;
}

}  // namespace

LabelEncoder::LabelEncoder(std::vector<std::string> classes, ValueKind kind)
    : classes_(std::move(classes)), kind_(kind) {
  numeric_values_.reserve(classes_.size());
  for (size_t i = 0; i < classes_.size(); ++i)
    numeric_values_.push_back(numeric_label(classes_[i], kind_, static_cast<int>(i)));
}

LabelEncoder LabelEncoder::fit(const std::vector<std::string>& labels, ValueKind kind) {
  std::set<std::string> distinct(labels.begin(), labels.end());
  std::vector<std::string> classes(distinct.begin(), distinct.end());
  if (kind == ValueKind::Integer || kind == ValueKind::Float) {
    std::stable_sort(classes.begin(), classes.end(), [](const auto& a, const auto& b) {
      return parse_number(a) < parse_number(b);
    });
  } else if (kind == ValueKind::Boolean) {
    std::stable_sort(classes.begin(), classes.end(),
                     [](const auto& a, const auto& b) { return !is_true(a) && is_true(b); });
  }
  return LabelEncoder(std::move(classes), kind);
}

int LabelEncoder::index_of(const std::string& label) const {
  for (size_t i = 0; i < classes_.size(); ++i)
    if (classes_[i] == label) return static_cast<int>(i);
  invalid("unknown class label \"" + label + "\"");
}

Eigen::VectorXi LabelEncoder::encode(const std::vector<std::string>& labels) const {
  std::unordered_map<std::string, int> index;
  for (size_t i = 0; i < classes_.size(); ++i) index.emplace(classes_[i], static_cast<int>(i));
  Eigen::VectorXi out(static_cast<Eigen::Index>(labels.size()));
  for (size_t i = 0; i < labels.size(); ++i) {
    auto it = index.find(labels[i]);
    if (it == index.end()) invalid("unknown class label \"" + labels[i] + "\"");
    out[static_cast<Eigen::Index>(i)] = it->second;
  }
  return out;
}

}  // namespace automl
