// preprocessor_target.cpp — target encoding of categorical inputs: a column with
// more categories than its one-hot columns can hold (a class id, a postcode, a
// product) also gets the smoothed mean of the target per category, so the rare
// categories pooled into "other" still say what they are worth.
//
// The mean is an m-estimate, (sum + m · prior) / (count + m) with m = 10: a category
// seen a few times stays near the overall mean. Fitted on the training rows and
// stored with the model; the training matrix itself takes each row's encoding from
// the other folds of a 5-fold split (transform_training), because a row whose own
// target is in its feature would teach a model to trust the encoding more than it
// deserves on rows it has never seen.
#include <algorithm>
#include <numeric>
#include <random>
#include <unordered_map>

#include "automl/error.hpp"
#include "automl/feature_statistics.hpp"
#include "automl/preprocessor.hpp"
#include "preprocessor_internal.hpp"

namespace automl {
namespace {

using preprocessor_internal::in_quotes;

constexpr double kSmoothing = 10;
constexpr size_t kMaxEncodedCategories = 10000;  // the most frequent; the rest take the prior
constexpr int kMaxEncodedClasses = 10;           // more classes: no encoding ("auto")
constexpr size_t kFolds = 5;

bool has_target(const EncodingTarget& t) { return t.values || t.classes; }

// Outputs per encoded column: the mean of a number or the rate of the second of two
// classes, else the rate of each class.
size_t encoding_width(const EncodingTarget& t) {
  return t.classes && t.n_classes > 2 ? static_cast<size_t>(t.n_classes) : 1;
}

// Count and per-output sums of the target over some rows of one category.
struct Sums {
  double count = 0;
  std::vector<double> sum;
};

void add_row(const EncodingTarget& t, size_t r, Sums& s, size_t width) {
  if (s.sum.empty()) s.sum.assign(width, 0.0);
  s.count += 1;
  if (t.values)
    s.sum[0] += t.values[r];
  else if (width == 1)
    s.sum[0] += t.classes[r] == 1 ? 1.0 : 0.0;
  else
    s.sum[static_cast<size_t>(t.classes[r])] += 1.0;
}

double smoothed(const Sums& s, size_t e, double prior, double m = kSmoothing) {
  return (s.sum[e] + m * prior) / (s.count + m);
}

std::string_view text_at(const Column& column, const std::string& fill, size_t r) {
  return column.nulls[r] ? std::string_view(fill) : std::string_view(column.texts[r]);
}

// A category's encodings before scaling: its row of step.encodings, or the prior for
// a category not kept.
template <typename Step>
const double* unscaled_encoding(const Step& step, std::string_view category) {
  const auto it = std::lower_bound(step.encoded.begin(), step.encoded.end(), category,
                                   [](const std::string& a, std::string_view b) { return a < b; });
  if (it == step.encoded.end() || *it != category) return step.prior.data();
  return &step.encodings[static_cast<size_t>(it - step.encoded.begin()) * step.prior.size()];
}

// The target's sums over some rows of a column: overall and per category.
struct CategorySums {
  Sums all;
  std::unordered_map<std::string_view, Sums> by_category;

  void add(const EncodingTarget& t, const Column& column, const std::string& fill, size_t row,
           size_t width) {
    add_row(t, row, all, width);
    add_row(t, row, by_category[text_at(column, fill, row)], width);
  }
};

}  // namespace

void Preprocessor::fit_target_encodings(const Dataset& data, const std::vector<Eigen::Index>& rows,
                                        const PreprocessOptions& options,
                                        const EncodingTarget& target,
                                        const std::map<std::string, size_t>& index) {
  if (options.target_encode == "none") return;
  const bool named = options.target_encode == "columns";
  if (named && !has_target(target))
    invalid("preprocess.target_encode needs a target; this job has none");
  if (!has_target(target) || rows.empty()) return;
  if (target.classes && target.n_classes > kMaxEncodedClasses) {
    if (named)
      invalid("preprocess.target_encode supports at most " + std::to_string(kMaxEncodedClasses) +
                  " classes",
              "the target has " + std::to_string(target.n_classes));
    return;
  }
  std::vector<size_t> chosen;
  if (named) {
    for (const std::string& name : options.target_encode_columns) {
      const auto found = index.find(name);
      if (found == index.end() || inputs_[found->second].type != ColumnType::Categorical)
        invalid("preprocess.target_encode names " + in_quotes(name) +
                ", which is not a categorical feature column");
      if (std::find(chosen.begin(), chosen.end(), found->second) == chosen.end())
        chosen.push_back(found->second);
    }
  } else {
    for (size_t c = 0; c < inputs_.size(); ++c)
      if (inputs_[c].type == ColumnType::Categorical && steps_[c].has_other) chosen.push_back(c);
  }
  const size_t width = encoding_width(target);
  for (const size_t c : chosen) {
    Step& step = steps_[c];
    const Column& column = data.columns[c];
    CategorySums sums;
    for (const Eigen::Index r : rows)
      sums.add(target, column, step.fill_text, static_cast<size_t>(r), width);
    std::vector<std::pair<std::string_view, const Sums*>> kept;
    for (const auto& [text, category] : sums.by_category) kept.emplace_back(text, &category);
    if (kept.size() > kMaxEncodedCategories) {
      std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
        return a.second->count > b.second->count ||
               (a.second->count == b.second->count && a.first < b.first);
      });
      kept.resize(kMaxEncodedCategories);
    }
    std::sort(kept.begin(), kept.end());
    step.prior.resize(width);
    for (size_t e = 0; e < width; ++e) step.prior[e] = sums.all.sum[e] / sums.all.count;
    for (const auto& [text, sums] : kept) {
      step.encoded.emplace_back(text);
      for (size_t e = 0; e < width; ++e)
        step.encodings.push_back(smoothed(*sums, e, step.prior[e]));
    }
    // Scaled like every numeric output, over the training rows' encodings.
    step.scalings.assign(width, Scaling{});
    if (!options.scale) continue;
    std::vector<double> raw(rows.size() * width);
    for (size_t i = 0; i < rows.size(); ++i) {
      const std::string_view text = text_at(column, step.fill_text, static_cast<size_t>(rows[i]));
      const double* encoding = unscaled_encoding(step, text);
      std::copy(encoding, encoding + width, &raw[i * width]);
    }
    for (size_t e = 0; e < width; ++e)
      std::tie(step.scalings[e].mean, step.scalings[e].scale) =
          mean_and_scale([&](size_t i) { return raw[i * width + e]; }, rows.size());
  }
}

void Preprocessor::encoding_of(size_t column, std::string_view category, double* out) const {
  const Step& step = steps_[column];
  const double* raw = unscaled_encoding(step, category);
  for (size_t e = 0; e < step.prior.size(); ++e)
    out[e] = (raw[e] - step.scalings[e].mean) / step.scalings[e].scale;
}

Eigen::MatrixXd Preprocessor::transform_training(const Dataset& data,
                                                 const std::vector<Eigen::Index>& rows,
                                                 const EncodingTarget& target) const {
  Eigen::MatrixXd X = transform(data, rows);
  const size_t n = rows.size();
  if (!has_target(target) || n < 2 * kFolds) return X;
  // Folds: positions dealt round-robin after a seeded shuffle.
  std::vector<size_t> order(n), fold(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(target.seed ^ 0x7e11c0de);
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t i = 0; i < n; ++i) fold[order[i]] = i % kFolds;
  // The other folds hold (k - 1) / k of a category's rows; smoothing them with as much
  // less weight shrinks them as much as the served encoding shrinks all of them, so a
  // model fitted on these features reads the served ones on the same scale.
  const double m = kSmoothing * static_cast<double>(kFolds - 1) / static_cast<double>(kFolds);
  for (size_t c = 0; c < inputs_.size(); ++c) {
    const Step& step = steps_[c];
    const size_t width = step.prior.size();
    if (!width) continue;
    if (width != encoding_width(target))
      throw Error(sqlstate::kInternalError, "target encoding of another target");
    const auto first =
        std::find(output_sources_.begin(), output_sources_.end(), static_cast<int>(c));
    const Eigen::Index k = static_cast<Eigen::Index>(first - output_sources_.begin()) +
                           static_cast<Eigen::Index>(step.categories.size()) +
                           (step.has_other ? 1 : 0);
    const Column& column = data.columns[c];
    for (size_t f = 0; f < kFolds; ++f) {
      CategorySums others;
      for (size_t i = 0; i < n; ++i)
        if (fold[i] != f)
          others.add(target, column, step.fill_text, static_cast<size_t>(rows[i]), width);
      for (size_t i = 0; i < n; ++i) {
        if (fold[i] != f) continue;
        const std::string_view text = text_at(column, step.fill_text, static_cast<size_t>(rows[i]));
        const auto it = others.by_category.find(text);
        const bool kept = std::binary_search(step.encoded.begin(), step.encoded.end(), text);
        for (size_t e = 0; e < width; ++e) {
          const double prior = others.all.sum[e] / others.all.count;
          const double raw =
              kept && it != others.by_category.end() ? smoothed(it->second, e, prior, m) : prior;
          X(static_cast<Eigen::Index>(i), k + static_cast<Eigen::Index>(e)) =
              (raw - step.scalings[e].mean) / step.scalings[e].scale;
        }
      }
    }
  }
  return X;
}

}  // namespace automl
