// preprocessor.hpp — turns typed input columns into the numeric features a model
// is fitted on: imputation, one-hot encoding, calendar parts, array expansion,
// ratio features and standard scaling.
//
// Fitted on the training split only and stored inside the model, it runs in the
// worker (whole columns, for training and evaluation) and in the extension (one
// row per predict call); both paths share one per-value function, so a row gives
// the same features whichever way it arrives.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "automl/dataset.hpp"
#include "automl/values.hpp"

namespace automl {

// What the job's spec says under "preprocess" (see docs/sql-reference.md).
struct PreprocessOptions {
  std::string impute = "mean";  // numeric default: mean | median | most_frequent | constant
  std::map<std::string, std::string> impute_columns;  // per column
  int max_categories = 20;  // one-hot columns per categorical input, "other" included
  // Target encoding of categorical inputs (an extra output per column: the smoothed
  // mean of the target per category): "auto" for the columns with more categories
  // than max_categories one-hot columns can hold, "none", or the named columns.
  std::string target_encode = "auto";
  std::vector<std::string> target_encode_columns;           // when target_encode is "columns"
  bool scale = true;                                        // standard-scale numeric outputs
  std::vector<std::pair<std::string, std::string>> ratios;  // extra features a / b
  std::vector<std::string> zscores;  // extra z-score copies (useful when scale is false)
  // Which columns become features (read by the worker):
  std::vector<std::string> exclude;  // columns to leave out (ids, leaks)
  bool skip_unsupported = false;     // skip columns of unsupported types instead of failing
  int max_auto_classes = 10;         // task 'auto': fewer distinct target values → classification

  static PreprocessOptions parse(const nlohmann::json& j);  // throws Error 22023
  nlohmann::json to_json() const;
};

// What target encoding learns from, one entry per row of the dataset: the numeric
// target (regression) or class indices 0 … n_classes - 1. Neither (clustering, or a
// caller without targets): no column is target-encoded.
struct EncodingTarget {
  const double* values = nullptr;
  const int* classes = nullptr;
  int n_classes = 0;
  std::uint64_t seed = 0;  // of the out-of-fold split in transform_training
};

class Preprocessor {
 public:
  static Preprocessor fit(const Dataset& data, const std::vector<Eigen::Index>& rows,
                          const PreprocessOptions& options, const EncodingTarget& target = {});

  // Features of the given rows (all rows when `rows` is empty), one row each.
  Eigen::MatrixXd transform(const Dataset& data, const std::vector<Eigen::Index>& rows) const;
  // The features of the rows fit() learnt from, for fitting a model on them: transform,
  // except that each row's target encodings come from the other folds of a 5-fold
  // split (no row sees its own target, as scikit-learn's TargetEncoder.fit_transform).
  Eigen::MatrixXd transform_training(const Dataset& data, const std::vector<Eigen::Index>& rows,
                                     const EncodingTarget& target) const;
  // One row: `values` has one entry per input column, in inputs() order; writes
  // n_outputs() features. Throws Error naming the column for a value of the wrong type.
  void transform_row(const InputValue* values, double* out) const;
  // The same for a model that takes numbers only (takes_numbers_only()): one double
  // per input, NaN a NULL. The same arithmetic, without building InputValues.
  void transform_numbers(const double* values, double* out) const;

  const std::vector<ColumnSchema>& inputs() const { return inputs_; }
  const std::vector<std::string>& output_names() const { return output_names_; }
  Eigen::Index n_outputs() const { return static_cast<Eigen::Index>(output_names_.size()); }
  // For each output, the input column it comes from; -1 for ratio features.
  const std::vector<int>& output_sources() const { return output_sources_; }
  // True when every input is a single number (numeric or boolean): the float8[] predict path.
  bool takes_numbers_only() const { return numbers_only_; }
  // A hash of the input schema and the output features: equal versions mean a row
  // prepared for one model fits the other.
  const std::string& feature_version() const { return feature_version_; }

  nlohmann::json to_json() const;
  static Preprocessor from_json(const nlohmann::json& j);  // throws Error 22023
  // A model file of format version 1: numeric inputs, mean/scale only.
  static Preprocessor numeric_scaler(std::vector<std::string> names, const Eigen::VectorXd& mean,
                                     const Eigen::VectorXd& scale);

 private:
  struct Scaling {
    double mean = 0, scale = 1;
  };
  struct Step {  // one input column
    std::string impute;
    std::vector<double> fills;            // per element (arrays) or one; seconds for dates
    std::vector<std::string> categories;  // Categorical: one-hot columns in order
    bool has_other = false;               // last one-hot column takes rare and unseen values
    std::string fill_text;                // Categorical imputation
    // Categorical target encoding (preprocessor_target.cpp): per category of
    // `encoded` (sorted), `width` smoothed target means; `prior` (width of them) for
    // a category never seen. Empty when the column is not target-encoded.
    std::vector<std::string> encoded;
    std::vector<double> encodings;  // encoded.size() × prior.size(), row-major
    std::vector<double> prior;
    std::vector<Scaling> scalings;  // one per output of this column (a categorical's:
                                    // of its target encodings only)
  };
  struct Ratio {
    size_t a, b;  // input columns
    double fill;
    Scaling scaling;
  };
  struct ZScore {
    size_t column;
    Scaling scaling;
  };

  // preprocessor.cpp: the layout of the outputs.
  void finish();  // computes output names and the feature version
  void parts_of(size_t column, double raw, double* out) const;  // before scaling

  // preprocessor_fit.cpp: one phase of fit each.
  static Step fit_categories(const Column& column, const std::vector<Eigen::Index>& rows,
                             const std::string& impute, int max_categories);
  static Step fit_fills(const Column& column, const std::vector<Eigen::Index>& rows,
                        const std::string& impute);
  void fit_scalings(size_t c, const Column& column, const std::vector<Eigen::Index>& rows,
                    bool scale);
  void fit_ratios_and_zscores(const Dataset& data, const std::vector<Eigen::Index>& rows,
                              const PreprocessOptions& options,
                              const std::map<std::string, size_t>& index);

  // preprocessor_target.cpp: target encoding.
  void fit_target_encodings(const Dataset& data, const std::vector<Eigen::Index>& rows,
                            const PreprocessOptions& options, const EncodingTarget& target,
                            const std::map<std::string, size_t>& index);
  static void read_target_encoding(const nlohmann::json& j, const std::string& column, Step& step);
  // The scaled encodings of one category (written to out[0 … prior.size() - 1]).
  void encoding_of(size_t column, std::string_view category, double* out) const;

  // preprocessor_apply.cpp: one row, and the whole table column by column.
  double number_of(size_t column, const InputValue& v) const;   // imputed, validated
  double number_of(size_t column, double x) const;              // the same for a number
  int category_of(size_t column, std::string_view text) const;  // -1: no one-hot column
  std::string_view text_of(size_t column, const InputValue& v, std::string& buffer) const;
  void array_row(size_t column, const InputValue& v, double*& out) const;
  Eigen::Index encode_numbers(size_t c, const Column& column, const std::vector<Eigen::Index>& rows,
                              Eigen::MatrixXd& X, Eigen::Index k) const;
  Eigen::Index encode_categories(size_t c, const Column& column,
                                 const std::vector<Eigen::Index>& rows, Eigen::MatrixXd& X,
                                 Eigen::Index k) const;
  void encode_ratios_and_zscores(const Dataset& data, const std::vector<Eigen::Index>& rows,
                                 Eigen::MatrixXd& X, Eigen::Index k) const;

  std::vector<ColumnSchema> inputs_;
  std::vector<Step> steps_;
  std::vector<Ratio> ratios_;
  std::vector<ZScore> zscores_;
  std::vector<std::string> output_names_;
  std::vector<int> output_sources_;
  std::string feature_version_;
  bool numbers_only_ = false;
};

}  // namespace automl
