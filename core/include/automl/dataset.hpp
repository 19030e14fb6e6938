// dataset.hpp — a training table as core/ sees it: numeric features and a target.
//
// The worker fills it from PostgreSQL; tests fill it by hand. The target keeps the
// text PostgreSQL printed plus its kind, so that labels round-trip exactly (int,
// bool and text labels are all valid for classification).
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace automl {

enum class ValueKind { Integer, Float, Boolean, Text };

const char* to_string(ValueKind kind);
ValueKind value_kind_from_string(const std::string& name);

struct Dataset {
  Eigen::MatrixXd X;  // one row per sample
  std::vector<std::string> feature_names;
  std::string target_name;
  ValueKind target_kind = ValueKind::Float;
  std::vector<std::string> target;  // one value per row, as PostgreSQL prints it

  Eigen::Index rows() const { return X.rows(); }
};

}  // namespace automl
