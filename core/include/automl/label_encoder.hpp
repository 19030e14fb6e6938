// label_encoder.hpp — maps class labels to indices 0..k-1 in a stable order.
//
// Classes are sorted the way the label's SQL type sorts (numbers numerically,
// false < true, text by code point), like scikit-learn's np.unique, so that
// predict_proba's columns have a documented order.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "automl/dataset.hpp"

namespace automl {

class LabelEncoder {
 public:
  LabelEncoder() = default;
  LabelEncoder(std::vector<std::string> classes, ValueKind kind);

  static LabelEncoder fit(const std::vector<std::string>& labels, ValueKind kind);

  Eigen::VectorXi encode(const std::vector<std::string>& labels) const;
  int index_of(const std::string& label) const;  // throws Error 22023 for unseen labels

  const std::vector<std::string>& classes() const { return classes_; }
  ValueKind kind() const { return kind_; }
  int size() const { return static_cast<int>(classes_.size()); }

  // The class as float8 for predict(): the label itself when numeric or boolean
  // (true = 1), otherwise its index.
  double numeric_value(int index) const { return numeric_values_[index]; }

 private:
  std::vector<std::string> classes_;
  ValueKind kind_ = ValueKind::Text;
  std::vector<double> numeric_values_;
};

}  // namespace automl
