// flat_forest.cpp — compiling, walking and imaging flat tree ensembles.
#include "automl/flat_forest.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>

#include "automl/error.hpp"
#include "byte_image.hpp"

namespace automl {
namespace {

constexpr int kLanes = 16;             // walks in flight at once (8: 25 % slower; 32: no faster)
constexpr std::size_t kRowBlock = 64;  // rows that share one pass over the trees
static_assert(kRowBlock % kLanes == 0, "a block's lanes never pass its columns");
// Wider models walk blocks of rows as rows: a block of columns stays small (≤ 1 MB).
constexpr int kMaxColumnFeatures = 4096;
constexpr char kMagic[8] = {'a', 'm', 'l', 'f', 'o', 'r', '0', '2'};

[[noreturn]] void damaged(const char* what) {
  throw Error(sqlstate::kDataCorrupted, std::string("flat forest image: ") + what);
}

// One step of a walk: the child the row goes to (a leaf stays where it is).
inline std::uint32_t step(const FlatForest::Node* nodes, std::uint32_t n, const float* row) {
  const FlatForest::Node& node = nodes[n];
  const float v = row[node.feature & ~FlatForest::kDefaultLeft];
  const std::uint32_t missing_left = (v != v) & (node.feature >> 31);
  return node.left + (static_cast<std::uint32_t>(!(v < node.threshold)) ^ missing_left);
}

// One step of a walk through a block of columns (the row's lane already added to
// `column`): a column node's feature is its column's offset, and a leaf reads the
// column of -∞ against +∞, so it stays put.
inline std::uint32_t column_step(const FlatForest::Node* nodes, std::uint32_t n,
                                 const float* column) {
  const FlatForest::Node& node = nodes[n];
  return node.left + static_cast<std::uint32_t>(!(column[node.feature] < node.threshold));
}

// The row as XGBoost compares it (float), with the NaN slot the leaves read last.
inline void to_float_row(const double* x, int p, float* row) {
  for (int j = 0; j < p; ++j) row[j] = static_cast<float>(x[j]);
  row[p] = std::numeric_limits<float>::quiet_NaN();
}

}  // namespace

FlatForest::FlatForest(const std::vector<Source>& trees, int n_features, int n_outputs)
    : n_features_(n_features), n_outputs_(n_outputs) {
  std::size_t total = 0;
  for (const Source& t : trees) total += t.n_nodes;
  if (total >= std::numeric_limits<std::uint32_t>::max() / 2) invalid("model file: too many nodes");
  std::vector<Node> nodes;
  nodes.reserve(total);
  const auto nan_slot = static_cast<std::uint32_t>(n_features) | kDefaultLeft;
  std::vector<std::int32_t> queue;
  for (const Source& t : trees) {
    const auto root = static_cast<std::uint32_t>(nodes.size());
    roots_.push_back(root);
    depths_.push_back(static_cast<std::uint16_t>(t.depth));
    groups_.push_back(static_cast<std::uint16_t>(t.group));
    // Breadth first: a node's children are appended together, left then right.
    queue.assign(1, 0);
    nodes.push_back({});
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const auto i = static_cast<std::size_t>(queue[q]);
      const auto at = root + static_cast<std::uint32_t>(q);
      if (t.left[i] == -1) {
        nodes[at] = {static_cast<float>(t.leaf_value[i]), nan_slot, at};
        continue;
      }
      const auto left = static_cast<std::uint32_t>(nodes.size());
      const std::uint32_t dl = t.default_left[i] ? kDefaultLeft : 0;
      nodes[at] = {t.threshold[i], static_cast<std::uint32_t>(t.feature[i]) | dl, left};
      queue.push_back(t.left[i]);
      queue.push_back(t.right[i]);
      nodes.push_back({});
      nodes.push_back({});
    }
  }
  own_nodes(std::move(nodes));
  finish();
  check();
}

void FlatForest::own_nodes(std::vector<Node> nodes) {
  auto owned = std::make_shared<const std::vector<Node>>(std::move(nodes));
  nodes_ = owned->data();
  n_nodes_ = owned->size();
  node_storage_ = std::move(owned);
  nodes_in_place_ = false;
}

void FlatForest::finish() {
  block_depths_.clear();
  for (std::size_t b = 0; b < depths_.size(); b += kLanes) {
    const auto end = std::min(depths_.size(), b + kLanes);
    block_depths_.push_back(*std::max_element(depths_.begin() + static_cast<long>(b),
                                              depths_.begin() + static_cast<long>(end)));
  }
}

// Built by the first walk of a block of rows, not at load: a backend that predicts
// row by row never pays for it (a 300-tree model's 45,000 nodes cost 0.3 ms of fresh
// pages when loaded, a third of a new connection's first predict). Threads racing to
// build it keep whichever copy was stored first.
std::shared_ptr<const std::vector<FlatForest::Node>> FlatForest::column_nodes() const {
  if (n_features_ > kMaxColumnFeatures) return nullptr;
  std::shared_ptr<const std::vector<Node>> built = std::atomic_load(&column_nodes_);
  if (built) return built;
  auto fresh = std::make_shared<std::vector<Node>>();
  fresh->reserve(n_nodes_);
  const auto leaf_column = static_cast<std::uint32_t>(n_features_ * kRowBlock);
  for (std::uint32_t i = 0; i < n_nodes_; ++i) {
    const Node& node = nodes_[i];
    const std::uint32_t slot = node.feature & ~kDefaultLeft;
    fresh->push_back(
        node.left == i
            ? Node{std::numeric_limits<float>::infinity(), leaf_column, i}
            : Node{node.threshold, slot * static_cast<std::uint32_t>(kRowBlock), node.left});
  }
  built = std::move(fresh);
  std::shared_ptr<const std::vector<Node>> stored;  // null: nobody stored one yet
  if (!std::atomic_compare_exchange_strong(&column_nodes_, &stored, built)) return stored;
  return built;
}

void FlatForest::check() const {
  if (n_features_ < 0 || n_outputs_ < 1) damaged("no outputs");
  if (depths_.size() != roots_.size() || groups_.size() != roots_.size()) damaged("tree counts");
  const auto n = static_cast<std::uint32_t>(n_nodes_);
  for (std::size_t t = 0; t < roots_.size(); ++t)
    if (roots_[t] >= n || groups_[t] >= n_outputs_) damaged("tree out of range");
  for (std::uint32_t i = 0; i < n; ++i) {
    const Node& node = nodes_[i];
    const std::uint32_t slot = node.feature & ~kDefaultLeft;
    if (slot > static_cast<std::uint32_t>(n_features_)) damaged("feature out of range");
    const bool leaf = node.left == i;
    // A leaf reads only the NaN slot; an inner node's children both come after it.
    if (leaf ? node.feature != (static_cast<std::uint32_t>(n_features_) | kDefaultLeft)
             : node.left <= i || node.left >= n - 1)
      damaged("child out of range");
  }
}

void FlatForest::add_margins(const double* x, float* sums) const {
  float inline_row[257];
  std::vector<float> heap;
  float* row = n_features_ < 256
                   ? inline_row
                   : (heap.resize(static_cast<std::size_t>(n_features_) + 1), heap.data());
  to_float_row(x, n_features_, row);
  const Node* nodes = nodes_;
  const std::size_t trees = roots_.size();
  for (std::size_t b = 0; b < trees; b += kLanes) {
    std::uint32_t at[kLanes];
    const std::size_t lanes = std::min<std::size_t>(kLanes, trees - b);
    for (std::size_t l = 0; l < kLanes; ++l) at[l] = roots_[b + std::min(l, lanes - 1)];
    for (int d = block_depths_[b / kLanes]; d > 0; --d)
      for (std::size_t l = 0; l < kLanes; ++l) at[l] = step(nodes, at[l], row);
    // In tree order, as XGBoost adds them.
    for (std::size_t l = 0; l < lanes; ++l) sums[groups_[b + l]] += nodes[at[l]].threshold;
  }
}

void FlatForest::add_margins_rows(const double* x, std::size_t n, float* sums) const {
  const auto p = static_cast<std::size_t>(n_features_);
  const auto k = static_cast<std::size_t>(n_outputs_);
  std::vector<float> block(kRowBlock * (p + 1));
  const auto columns = column_nodes();
  for (std::size_t r0 = 0; r0 < n; r0 += kRowBlock) {
    const std::size_t m = std::min(kRowBlock, n - r0);
    if (columns && to_float_columns(x + r0 * p, m, block.data())) {
      walk_columns(columns->data(), block.data(), m, sums + r0 * k);
      continue;
    }
    for (std::size_t r = 0; r < m; ++r)
      to_float_row(x + (r0 + r) * p, n_features_, block.data() + r * (p + 1));
    walk_rows(block.data(), m, sums + r0 * k);
  }
}

bool FlatForest::to_float_columns(const double* x, std::size_t m, float* block) const {
  const auto p = static_cast<std::size_t>(n_features_);
  bool missing = false;
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t j = 0; j < p; ++j) {
      const float v = static_cast<float>(x[r * p + j]);
      missing |= v != v;
      block[j * kRowBlock + r] = v;
    }
  // The lanes past the last row walk too (their sums are dropped): give them numbers.
  for (std::size_t j = 0; j < p; ++j)
    std::fill(block + j * kRowBlock + m, block + (j + 1) * kRowBlock, 0.0f);
  std::fill(block + p * kRowBlock, block + (p + 1) * kRowBlock,
            -std::numeric_limits<float>::infinity());
  return !missing;
}

void FlatForest::walk_columns(const Node* nodes, const float* block, std::size_t m,
                              float* sums) const {
  const auto k = static_cast<std::size_t>(n_outputs_);
  for (std::size_t t = 0; t < roots_.size(); ++t) {
    float* out = sums + groups_[t];
    for (std::size_t r = 0; r < m; r += kLanes) {
      const float* lane0 = block + r;
      std::uint32_t at[kLanes];
      for (std::size_t l = 0; l < kLanes; ++l) at[l] = roots_[t];
      // Unrolled, the walks' positions stay in registers: 1.4× faster than GCC's -O2 loop.
      for (int d = depths_[t]; d > 0; --d)
#pragma GCC unroll 16
        for (std::size_t l = 0; l < kLanes; ++l) at[l] = column_step(nodes, at[l], lane0 + l);
      const std::size_t lanes = std::min<std::size_t>(kLanes, m - r);
      for (std::size_t l = 0; l < lanes; ++l) out[(r + l) * k] += nodes_[at[l]].threshold;
    }
  }
}

void FlatForest::walk_rows(const float* rows, std::size_t m, float* sums) const {
  const auto p = static_cast<std::size_t>(n_features_);
  const Node* nodes = nodes_;
  const auto k = static_cast<std::size_t>(n_outputs_);
  for (std::size_t t = 0; t < roots_.size(); ++t) {
    float* out = sums + groups_[t];
    for (std::size_t r = 0; r < m; r += kLanes) {
      const std::size_t lanes = std::min<std::size_t>(kLanes, m - r);
      std::uint32_t at[kLanes];
      const float* row[kLanes];
      for (std::size_t l = 0; l < kLanes; ++l) {
        at[l] = roots_[t];
        row[l] = rows + (r + std::min(l, lanes - 1)) * (p + 1);
      }
      for (int d = depths_[t]; d > 0; --d)
        for (std::size_t l = 0; l < kLanes; ++l) at[l] = step(nodes, at[l], row[l]);
      for (std::size_t l = 0; l < lanes; ++l) out[(r + l) * k] += nodes[at[l]].threshold;
    }
  }
}

std::string FlatForest::image() const {
  ImageWriter out;
  out.put(kMagic, sizeof kMagic);
  out.put(static_cast<std::int32_t>(n_features_));
  out.put(static_cast<std::int32_t>(n_outputs_));
  out.put_array(nodes_, n_nodes_);
  out.put_vector(roots_);
  out.put_vector(depths_);
  out.put_vector(groups_);
  return out.take();
}

FlatForest FlatForest::from_image(const char* bytes, std::size_t size,
                                  std::shared_ptr<const void> bytes_owner) {
  ImageReader in(bytes, size, "flat forest");
  char magic[sizeof kMagic];
  in.get(magic, sizeof magic);
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) in.damaged("not an image");
  FlatForest f;
  f.n_features_ = in.get<std::int32_t>();
  f.n_outputs_ = in.get<std::int32_t>();
  std::size_t n_nodes = 0;
  const char* nodes = in.get_in_place<Node>(&n_nodes);
  if (bytes_owner && reinterpret_cast<std::uintptr_t>(nodes) % alignof(Node) == 0) {
    f.nodes_ = reinterpret_cast<const Node*>(nodes);
    f.n_nodes_ = n_nodes;
    f.node_storage_ = std::move(bytes_owner);
    f.nodes_in_place_ = true;
  } else {
    std::vector<Node> copy(n_nodes);
    if (n_nodes > 0) std::memcpy(static_cast<void*>(copy.data()), nodes, n_nodes * sizeof(Node));
    f.own_nodes(std::move(copy));
  }
  f.roots_ = in.get_vector<std::uint32_t>();
  f.depths_ = in.get_vector<std::uint16_t>();
  f.groups_ = in.get_vector<std::uint16_t>();
  in.expect_end();
  if (f.n_features_ < 0 || f.n_features_ > (1 << 30)) in.damaged("feature count out of range");
  f.check();
  f.finish();
  return f;
}

}  // namespace automl
