// tree_ensemble.cpp — evaluating, storing and explaining tree ensembles.
#include "automl/tree_ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "byte_image.hpp"
#include "json_numbers.hpp"

namespace automl {
namespace {

template <typename T>
std::vector<T> numbers(const nlohmann::json& a) {
  return checked_numbers<T>(a, "a tree array");
}

// Checks that a tree is a proper binary tree over n_features, rooted at node 0, at
// most kMaxDepth deep, and records its depth. No recursion: a hostile file's
// 500,000-deep chain is measured in one pass and refused.
void check_tree(TreeEnsemble::Tree& t, Eigen::Index n_features, int n_outputs) {
  const size_t n = t.left.size();
  if (n == 0 || t.right.size() != n || t.feature.size() != n || t.threshold.size() != n ||
      t.default_left.size() != n || t.value.size() != n || t.cover.size() != n)
    invalid("model file: tree arrays differ in length");
  if (t.group < 0 || t.group >= n_outputs) invalid("model file: tree group out of range");
  std::vector<int> seen(n, 0), depth(n, 0);
  t.depth = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool leaf = t.left[i] == -1;
    if (leaf != (t.right[i] == -1)) invalid("model file: a node with one child");
    if (!std::isfinite(t.value[i]) || !std::isfinite(t.cover[i]))
      invalid("model file: non-finite tree value");
    if (leaf) continue;
    for (auto child : {t.left[i], t.right[i]}) {
      // Children come after their parent, so evaluation always terminates.
      if (child <= static_cast<std::int32_t>(i) || static_cast<size_t>(child) >= n ||
          seen[static_cast<size_t>(child)]++)
        invalid("model file: tree child index out of order");
      // A parent comes before its children, so its depth is final here.
      depth[static_cast<size_t>(child)] = depth[i] + 1;
      t.depth = std::max(t.depth, depth[i] + 1);
    }
    if (t.depth > TreeEnsemble::kMaxDepth)
      invalid("model file: a tree is deeper than " + std::to_string(TreeEnsemble::kMaxDepth) +
                  " levels",
              "pg_automl trains trees of depth 30 at most; this file was not written by it");
    if (t.feature[i] < 0 || t.feature[i] >= n_features)
      invalid("model file: split feature out of range");
  }
}

// ---- TreeSHAP (Lundberg, Erion & Lee 2018), as in XGBoost's predictor ----

struct PathElement {
  int feature;
  double zero_fraction, one_fraction, pweight;
};

void extend_path(PathElement* path, int depth, double zero_fraction, double one_fraction,
                 int feature) {
  path[depth] = {feature, zero_fraction, one_fraction, depth == 0 ? 1.0 : 0.0};
  for (int i = depth - 1; i >= 0; --i) {
    path[i + 1].pweight +=
        one_fraction * path[i].pweight * (i + 1) / static_cast<double>(depth + 1);
    path[i].pweight =
        zero_fraction * path[i].pweight * (depth - i) / static_cast<double>(depth + 1);
  }
}

void unwind_path(PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction, zero = path[index].zero_fraction;
  double next = path[depth].pweight;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double tmp = path[i].pweight;
      path[i].pweight = next * (depth + 1) / ((i + 1) * one);
      next = tmp - path[i].pweight * zero * (depth - i) / static_cast<double>(depth + 1);
    } else {
      path[i].pweight = path[i].pweight * (depth + 1) / (zero * (depth - i));
    }
  }
  for (int i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

double unwound_path_sum(const PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction, zero = path[index].zero_fraction;
  double next = path[depth].pweight, total = 0;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double tmp = next * (depth + 1) / ((i + 1) * one);
      total += tmp;
      next = path[i].pweight - tmp * zero * ((depth - i) / static_cast<double>(depth + 1));
    } else if (zero != 0) {
      total += (path[i].pweight / zero) / ((depth - i) / static_cast<double>(depth + 1));
    }
  }
  return total;
}

bool goes_left(const TreeEnsemble::Tree& t, int node, const double* x) {
  const double v = x[t.feature[static_cast<size_t>(node)]];
  if (std::isnan(v)) return t.default_left[static_cast<size_t>(node)] != 0;
  return static_cast<float>(v) < t.threshold[static_cast<size_t>(node)];
}

void tree_shap(const TreeEnsemble::Tree& t, const double* x, double* phi, int node, int depth,
               PathElement* parent_path, double parent_zero, double parent_one,
               int parent_feature) {
  PathElement* path = parent_path + depth + 1;
  std::copy(parent_path, parent_path + depth + 1, path);
  extend_path(path, depth, parent_zero, parent_one, parent_feature);
  const auto n = static_cast<size_t>(node);
  if (t.left[n] == -1) {
    for (int i = 1; i <= depth; ++i) {
      const double w = unwound_path_sum(path, depth, i);
      phi[path[i].feature] += w * (path[i].one_fraction - path[i].zero_fraction) * t.value[n];
    }
    return;
  }
  const int hot = goes_left(t, node, x) ? t.left[n] : t.right[n];
  const int cold = hot == t.left[n] ? t.right[n] : t.left[n];
  const double w = t.cover[n];
  const double hot_zero = w > 0 ? t.cover[static_cast<size_t>(hot)] / w : 0;
  const double cold_zero = w > 0 ? t.cover[static_cast<size_t>(cold)] / w : 0;
  double incoming_zero = 1, incoming_one = 1;
  int index = 0;
  for (; index <= depth; ++index)
    if (path[index].feature == t.feature[n]) break;
  if (index != depth + 1) {  // already split on this feature: undo, then redo here
    incoming_zero = path[index].zero_fraction;
    incoming_one = path[index].one_fraction;
    unwind_path(path, depth, index);
    depth -= 1;
  }
  tree_shap(t, x, phi, hot, depth + 1, path, hot_zero * incoming_zero, incoming_one, t.feature[n]);
  tree_shap(t, x, phi, cold, depth + 1, path, cold_zero * incoming_zero, 0, t.feature[n]);
}

double mean_value(const TreeEnsemble::Tree& t, int node) {
  const auto n = static_cast<size_t>(node);
  if (t.left[n] == -1) return t.value[n];
  const auto l = static_cast<size_t>(t.left[n]), r = static_cast<size_t>(t.right[n]);
  const double c = t.cover[l] + t.cover[r];
  if (c <= 0) return 0.5 * (mean_value(t, t.left[n]) + mean_value(t, t.right[n]));
  return (mean_value(t, t.left[n]) * t.cover[l] + mean_value(t, t.right[n]) * t.cover[r]) / c;
}

FlatForest compile(const std::vector<TreeEnsemble::Tree>& trees, Eigen::Index n_features,
                   int n_outputs) {
  std::vector<FlatForest::Source> sources;
  sources.reserve(trees.size());
  for (const TreeEnsemble::Tree& t : trees)
    sources.push_back({t.group, t.depth, t.left.data(), t.right.data(), t.feature.data(),
                       t.threshold.data(), t.default_left.data(), t.value.data(), t.left.size()});
  return FlatForest(sources, static_cast<int>(n_features), n_outputs);
}

constexpr char kImageMagic[8] = {'a', 'm', 'l', 't', 'r', 'e', 'e', '2'};

}  // namespace

TreeEnsemble::TreeEnsemble(std::vector<Tree> trees, std::vector<double> base_margin, Link link,
                           Eigen::Index n_features)
    : TreeEnsemble(std::move(trees), std::move(base_margin), link, n_features, FlatForest()) {}

// Checks the trees, then compiles them unless an image brought the compiled form.
TreeEnsemble::TreeEnsemble(std::vector<Tree> trees, std::vector<double> base_margin, Link link,
                           Eigen::Index n_features, FlatForest flat)
    : trees_(std::move(trees)),
      base_margin_(std::move(base_margin)),
      link_(link),
      n_features_(n_features),
      flat_(std::move(flat)) {
  if (base_margin_.empty()) invalid("model file: a tree ensemble needs at least one output");
  if (n_features_ < 1 || n_features_ > (1 << 30)) invalid("model file: bad feature count");
  for (double b : base_margin_)
    if (!std::isfinite(b)) invalid("model file: non-finite base margin");
  for (Tree& t : trees_) check_tree(t, n_features_, n_outputs());
  // Compiled here, unless an image brought the compiled trees (and no arrays yet).
  if (flat_.n_outputs() == 0) flat_ = compile(trees_, n_features_, n_outputs());
  if ((!trees_.empty() && flat_.n_trees() != trees_.size()) || flat_.n_features() != n_features_ ||
      flat_.n_outputs() != n_outputs())
    invalid("model file: the compiled trees do not match the trees");
}

TreeEnsemble TreeEnsemble::from_xgboost_json(const nlohmann::json& model, Eigen::Index n_features) {
  try {
    const auto& learner = model.at("learner");
    const auto& params = learner.at("learner_model_param");
    const std::string objective = learner.at("objective").at("name").get<std::string>();
    const double base_score = std::stod(params.at("base_score").get<std::string>());
    const int num_class = std::stoi(params.at("num_class").get<std::string>());
    Link link;
    std::vector<double> base;
    if (objective == "reg:squarederror") {
      link = Link::Identity;
      base = {base_score};
    } else if (objective == "binary:logistic") {
      link = Link::Sigmoid;
      base = {std::log(base_score / (1 - base_score))};  // base_score is a probability
    } else if (objective == "multi:softprob" || objective == "multi:softmax") {
      link = Link::Softmax;
      base.assign(static_cast<size_t>(num_class), base_score);
    } else {
      invalid("XGBoost objective \"" + objective + "\" is not supported");
    }
    const auto& booster = learner.at("gradient_booster");
    if (booster.at("name").get<std::string>() != "gbtree")
      invalid("only XGBoost's gbtree booster is supported");
    const auto& m = booster.at("model");
    const auto groups = numbers<int>(m.at("tree_info"));
    std::vector<Tree> trees;
    const auto& tj = m.at("trees");
    if (tj.size() != groups.size()) invalid("XGBoost model: tree_info does not match the trees");
    for (size_t i = 0; i < tj.size(); ++i) {
      Tree t;
      t.group = groups[i];
      t.left = numbers<std::int32_t>(tj[i].at("left_children"));
      t.right = numbers<std::int32_t>(tj[i].at("right_children"));
      t.feature = numbers<std::int32_t>(tj[i].at("split_indices"));
      t.threshold = numbers<float>(tj[i].at("split_conditions"));
      t.default_left = numbers<std::uint8_t>(tj[i].at("default_left"));
      t.cover = numbers<double>(tj[i].at("sum_hessian"));
      t.value.resize(t.left.size());
      for (size_t k = 0; k < t.left.size(); ++k)
        t.value[k] = t.left[k] == -1 ? t.threshold[k] : 0.0;
      for (size_t k = 0; k < t.left.size(); ++k)
        if (t.left[k] == -1) t.feature[k] = 0;  // leaves carry no split
      trees.push_back(std::move(t));
    }
    return TreeEnsemble(std::move(trees), std::move(base), link, n_features);
  } catch (const nlohmann::json::exception& e) {
    invalid(std::string("XGBoost model JSON is malformed: ") + e.what());
  } catch (const std::logic_error& e) {  // stod/stoi
    invalid(std::string("XGBoost model JSON is malformed: ") + e.what());
  }
}

void TreeEnsemble::start_sums(float* sums) const {
  // The base margin and then the leaves are summed in float, as XGBoost's CPU
  // predictor does: the margins are then XGBoost's own, not merely close to them.
  for (size_t j = 0; j < base_margin_.size(); ++j) sums[j] = static_cast<float>(base_margin_[j]);
}

void TreeEnsemble::decision(const double* x, double* scores) const {
  const int k = n_outputs();
  float inline_sums[16];
  std::vector<float> heap(k > 16 ? static_cast<size_t>(k) : 0);
  float* sums = heap.empty() ? inline_sums : heap.data();
  start_sums(sums);
  flat_.add_margins(x, sums);
  for (int j = 0; j < k; ++j) scores[j] = sums[j];
}

void TreeEnsemble::decision_rows(const double* x, std::size_t n, std::size_t row_length,
                                 double* scores) const {
  if (row_length != static_cast<size_t>(n_features_)) {
    Estimator::decision_rows(x, n, row_length, scores);
    return;
  }
  const auto k = static_cast<size_t>(n_outputs());
  std::vector<float> sums(n * k);
  for (size_t i = 0; i < n; ++i) start_sums(sums.data() + i * k);
  flat_.add_margins_rows(x, n, sums.data());
  std::copy(sums.begin(), sums.end(), scores);
}

Eigen::MatrixXd TreeEnsemble::decision_batch(const Eigen::MatrixXd& X) const {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const RowMajor rows = X;
  RowMajor out(X.rows(), n_outputs());
  decision_rows(rows.data(), static_cast<size_t>(X.rows()), static_cast<size_t>(X.cols()),
                out.data());
  return out;
}

void TreeEnsemble::contributions(const double* x, int group, double* out) const {
  const auto p = static_cast<size_t>(n_features_);
  std::fill(out, out + p + 1, 0.0);
  out[p] = base_margin_.at(static_cast<size_t>(group));
  std::vector<PathElement> buffer;
  for (const Tree& t : trees()) {
    if (t.group != group) continue;
    check_interrupt();
    // TreeSHAP's path buffer grows with depth², which check_tree bounded.
    const int max_depth = t.depth + 2;
    buffer.assign(static_cast<size_t>(max_depth * (max_depth + 1) / 2 + max_depth + 2),
                  PathElement{});
    tree_shap(t, x, out, 0, 0, buffer.data(), 1, 1, -1);
    out[p] += mean_value(t, 0);
  }
}

std::vector<double> TreeEnsemble::split_importance() const {
  std::vector<double> counts(static_cast<size_t>(n_features_), 0.0);
  double total = 0;
  for (const Tree& t : trees())
    for (size_t i = 0; i < t.left.size(); ++i)
      if (t.left[i] != -1) counts[static_cast<size_t>(t.feature[i])] += 1, total += 1;
  if (total > 0)
    for (double& c : counts) c /= total;
  return counts;
}

nlohmann::json TreeEnsemble::to_json() const {
  nlohmann::json trees = nlohmann::json::array();
  for (const Tree& t : this->trees())
    trees.push_back({{"group", t.group},
                     {"left", t.left},
                     {"right", t.right},
                     {"feature", t.feature},
                     {"threshold", t.threshold},
                     {"default_left", t.default_left},
                     {"value", t.value},
                     {"cover", t.cover}});
  return {{"type", "trees"},
          {"link", to_string(link_)},
          {"base_margin", base_margin_},
          {"trees", trees}};
}

std::string TreeEnsemble::image() const {
  ImageWriter out;
  out.put(kImageMagic, sizeof kImageMagic);
  out.put(static_cast<std::int32_t>(link_));
  out.put_vector(base_margin_);
  out.put_bytes(flat_.image());
  return out.take();
}

// Predictions need only the compiled trees: an image carries nothing else, so it is
// a third of the arrays' size and loads with one copy and a bounds check.
std::unique_ptr<TreeEnsemble> TreeEnsemble::from_image(const char* bytes, std::size_t size,
                                                       Eigen::Index n_features,
                                                       std::shared_ptr<const void> bytes_owner) {
  ImageReader in(bytes, size, "tree ensemble");
  char magic[sizeof kImageMagic];
  in.get(magic, sizeof magic);
  if (std::memcmp(magic, kImageMagic, sizeof magic) != 0) in.damaged("not an image");
  const auto link = in.get<std::int32_t>();
  if (link < 0 || link > static_cast<std::int32_t>(Link::Softmax)) in.damaged("unknown link");
  auto base = in.get_vector<double>();
  size_t flat_size = 0;
  const char* flat = in.get_bytes(&flat_size);
  in.expect_end();
  std::unique_ptr<TreeEnsemble> e(
      new TreeEnsemble({}, std::move(base), static_cast<Link>(link), n_features,
                       FlatForest::from_image(flat, flat_size, std::move(bytes_owner))));
  e->predictions_only_ = true;
  return e;
}

const std::vector<TreeEnsemble::Tree>& TreeEnsemble::trees() const {
  if (predictions_only_)
    throw Error(sqlstate::kInternalError,
                "this tree ensemble was loaded from a serving image, for predictions only",
                "explanations and the model file need the model parsed from its file");
  return trees_;
}

std::unique_ptr<TreeEnsemble> TreeEnsemble::from_json(const nlohmann::json& j,
                                                      Eigen::Index n_features) {
  std::vector<Tree> trees;
  for (const auto& tj : j.at("trees")) {
    Tree t;
    t.group = checked_number<int>(tj.at("group"), "a tree group");
    t.left = numbers<std::int32_t>(tj.at("left"));
    t.right = numbers<std::int32_t>(tj.at("right"));
    t.feature = numbers<std::int32_t>(tj.at("feature"));
    t.threshold = numbers<float>(tj.at("threshold"));
    t.default_left = numbers<std::uint8_t>(tj.at("default_left"));
    t.value = numbers<double>(tj.at("value"));
    t.cover = numbers<double>(tj.at("cover"));
    trees.push_back(std::move(t));
  }
  return std::make_unique<TreeEnsemble>(
      std::move(trees), j.at("base_margin").get<std::vector<double>>(),
      link_from_string(j.at("link").get<std::string>()), n_features);
}

}  // namespace automl
