// flat_forest.hpp — tree ensembles compiled for evaluation: one array of 12-byte
// nodes, several root-to-leaf walks in flight at once, no branch per level.
//
// TreeEnsemble keeps XGBoost's arrays for explaining and storing a model; this is
// what answers predict. Each tree's nodes are contiguous in breadth-first order with
// a node's two children side by side (right = left + 1), so one walk step is one
// node load, one feature load and a compare:
//
//   right = !(x < threshold) XOR (x is NaN AND default_left)
//
// which is XGBoost's rule (a missing value follows the default direction). A leaf is
// its own child and reads a NaN slot with default_left set, so it stays put: every
// walk of a tree takes exactly its depth in steps, and walks of several trees (one
// row) or several rows (one tree) interleave without data-dependent branches — the
// memory latency of one walk hides behind the others (QuickScorer's and treelite's
// observation). Leaf values are summed in float in tree order, as XGBoost's CPU
// predictor does, so margins are bit-identical to libxgboost's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace automl {

class FlatForest {
 public:
  struct Node {
    float threshold;        // a leaf: its value
    std::uint32_t feature;  // low 31 bits: slot of the float row; top bit: default left
    std::uint32_t left;     // absolute index of the left child (a leaf: itself)
  };
  static_assert(sizeof(Node) == 12, "a node is three words");
  static constexpr std::uint32_t kDefaultLeft = 0x80000000u;

  // One tree as XGBoost stores it: node 0 the root, children after their parents
  // (TreeEnsemble checked that), left[i] == -1 at a leaf.
  struct Source {
    int group;
    int depth;
    const std::int32_t* left;
    const std::int32_t* right;
    const std::int32_t* feature;
    const float* threshold;  // a leaf's value is leaf_value[i]
    const std::uint8_t* default_left;
    const double* leaf_value;
    std::size_t n_nodes;
  };

  FlatForest() = default;
  FlatForest(const std::vector<Source>& trees, int n_features, int n_outputs);

  // Raw margins (before the base margin is added: `sums` arrives holding it) of one
  // row of n_features doubles.
  void add_margins(const double* x, float* sums) const;
  // The same for n rows of n_features doubles each (row-major): sums is n × n_outputs,
  // each row holding its base margins. Walks several rows through one tree at a time.
  void add_margins_rows(const double* x, std::size_t n, float* sums) const;

  int n_features() const { return n_features_; }
  int n_outputs() const { return n_outputs_; }
  std::size_t n_trees() const { return roots_.size(); }
  std::size_t n_nodes() const { return n_nodes_; }
  // Whether the nodes are read where an image lies (from_image with an owner).
  bool nodes_in_place() const { return nodes_in_place_; }

  // A position-independent byte image (little-endian, this build's layout) and back:
  // loading checks every index, so a damaged image is refused, never followed.
  std::string image() const;
  // With an owner of the bytes (`bytes_owner` keeps them alive and unchanged for as
  // long as it lives), the nodes — nearly all of an image — are used in place when
  // aligned, not copied: a backend serving a model from the shared cache touches
  // its pages once (extension/pg/shared_models.cpp). Without one, they are copied.
  static FlatForest from_image(const char* bytes, std::size_t size,
                               std::shared_ptr<const void> bytes_owner = nullptr);

 private:
  int n_features_ = 0;  // the float row has one more slot: the NaN leaves read
  int n_outputs_ = 0;
  // The nodes, and what keeps them alive: this forest's own vector, or the owner of
  // the image they are read in (shared by copies of the forest either way).
  const Node* nodes_ = nullptr;
  std::size_t n_nodes_ = 0;
  std::shared_ptr<const void> node_storage_;
  bool nodes_in_place_ = false;
  std::vector<std::uint32_t> roots_;
  std::vector<std::uint16_t> depths_;
  std::vector<std::uint16_t> groups_;
  // Largest depth of each block of trees walked together: the steps its walks take.
  std::vector<std::uint16_t> block_depths_;
  // nodes_ for walking a block of rows stored column by column (none for wide
  // models): an inner node's feature is its column's offset in the block and a leaf
  // compares -∞ < +∞. Blocks without a missing value take them: no NaN rule, no
  // row pointer per walk, about twice as fast (bench/serving_speed.sh, predict_batch).
  // Made on first use (column_nodes()), shared by copies; never replaced once stored.
  mutable std::shared_ptr<const std::vector<Node>> column_nodes_;

  void check() const;  // throws Error XX001 unless every index stays in bounds
  void finish();       // block_depths_ from depths_
  void own_nodes(std::vector<Node> nodes);
  std::shared_ptr<const std::vector<Node>> column_nodes() const;

  // A block of m ≤ 64 rows as float columns (and the column of -∞); false when a
  // value is missing (NaN), which only the row walk handles.
  bool to_float_columns(const double* x, std::size_t m, float* block) const;
  void walk_columns(const Node* nodes, const float* block, std::size_t m, float* sums) const;
  void walk_rows(const float* rows, std::size_t m, float* sums) const;
};

}  // namespace automl
