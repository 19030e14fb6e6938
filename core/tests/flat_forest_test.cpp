// flat_forest_test.cpp — the compiled tree walker against a plain recursive-free
// walk of XGBoost's arrays (the rule written out once, as the 0.1.0 evaluator did
// it), on random trees of uneven depth with missing values; and damaged images.
#include "automl/flat_forest.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "automl/error.hpp"
#include "automl/tree_ensemble.hpp"

namespace automl {
namespace {

using Tree = TreeEnsemble::Tree;

// A random tree: each node splits with probability `split` until max_depth, nodes
// numbered in the order they are created (depth first), as XGBoost may number them.
Tree random_tree(std::mt19937& rng, int p, int max_depth, double split, int group) {
  Tree t;
  t.group = group;
  std::uniform_real_distribution<float> u(-2, 2);
  std::bernoulli_distribution coin(0.5), grows(split);
  std::uniform_int_distribution<int> feature(0, p - 1);
  auto add = [&] {
    t.left.push_back(-1);
    t.right.push_back(-1);
    t.feature.push_back(0);
    t.threshold.push_back(u(rng));
    t.default_left.push_back(coin(rng));
    t.value.push_back(u(rng));
    t.cover.push_back(1);
    return static_cast<std::int32_t>(t.left.size() - 1);
  };
  std::vector<std::pair<std::int32_t, int>> open = {{add(), 0}};
  while (!open.empty()) {
    const auto [node, depth] = open.back();
    open.pop_back();
    if (depth >= max_depth || !grows(rng)) continue;
    const auto n = static_cast<size_t>(node);
    t.feature[n] = feature(rng);
    const std::int32_t left = add(), right = add();
    t.left[n] = left;
    t.right[n] = right;
    open.push_back({right, depth + 1});
    open.push_back({left, depth + 1});
  }
  return t;
}

// XGBoost's rule, one node at a time.
float plain_walk(const Tree& t, const double* x) {
  size_t node = 0;
  while (t.left[node] != -1) {
    const double v = x[t.feature[node]];
    const bool left =
        std::isnan(v) ? t.default_left[node] != 0 : static_cast<float>(v) < t.threshold[node];
    node = static_cast<size_t>(left ? t.left[node] : t.right[node]);
  }
  return static_cast<float>(t.value[node]);
}

std::vector<double> random_rows(std::mt19937& rng, int n, int p) {
  std::uniform_real_distribution<double> u(-2.5, 2.5);
  std::bernoulli_distribution missing(0.1);
  std::vector<double> x(static_cast<size_t>(n * p));
  for (double& v : x) v = missing(rng) ? NAN : u(rng);
  return x;
}

// Margins of n rows, one at a time (decision) and together (decision_rows), that
// differ from the base margins plus XGBoost's rule walked tree by tree.
int mismatches_with_plain_walks(const TreeEnsemble& ens, const std::vector<double>& x, int n) {
  const auto p = static_cast<size_t>(ens.flat().n_features());
  const auto k = static_cast<size_t>(ens.n_outputs());
  std::vector<double> one(k), many(static_cast<size_t>(n) * k);
  ens.decision_rows(x.data(), static_cast<size_t>(n), p, many.data());
  int mismatches = 0;
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    const double* row = x.data() + i * p;
    std::vector<float> expected(k);
    for (size_t g = 0; g < k; ++g) expected[g] = static_cast<float>(ens.base_margin()[g]);
    for (const Tree& t : ens.trees()) expected[static_cast<size_t>(t.group)] += plain_walk(t, row);
    ens.decision(row, one.data());
    for (size_t g = 0; g < k; ++g) {
      mismatches += static_cast<float>(one[g]) != expected[g];
      mismatches += static_cast<float>(many[i * k + g]) != expected[g];
    }
  }
  return mismatches;
}

TEST(FlatForest, WalksLikeXgboostOnUnevenTreesWithMissingValues) {
  std::mt19937 rng(11);
  const int p = 7, k = 3, n = 301;
  std::vector<Tree> trees;
  // 83 trees: not a multiple of the walks in flight; depths 0 (one leaf) to 20.
  for (int i = 0; i < 83; ++i)
    trees.push_back(random_tree(rng, p, i % 11 == 0 ? 20 : i % 7, i % 5 == 0 ? 0.95 : 0.7, i % k));
  const TreeEnsemble ens(trees, {0.5, -0.25, 0.0}, Link::Softmax, p);
  const std::vector<double> x = random_rows(rng, n, p);
  EXPECT_EQ(mismatches_with_plain_walks(ens, x, n), 0);
}

// Blocks of rows without a missing value walk as columns, the others as rows: both
// must give XGBoost's margins, at thresholds exactly, at ±∞ and at doubles beyond float.
TEST(FlatForest, BlocksWithAndWithoutMissingValuesWalkAlike) {
  std::mt19937 rng(17);
  const int p = 5, k = 2, n = 301;  // blocks of 64: the last one short
  std::vector<Tree> trees;
  for (int i = 0; i < 37; ++i) trees.push_back(random_tree(rng, p, 1 + i % 9, 0.8, i % k));
  const TreeEnsemble ens(trees, {0.25, -1.0}, Link::Softmax, p);
  std::uniform_real_distribution<double> u(-2.5, 2.5);
  std::vector<double> x(static_cast<size_t>(n * p));
  for (double& v : x) v = u(rng);
  for (int i = 0; i < n; i += 3) {  // a row's value exactly at a split's threshold
    const Tree& t = trees[static_cast<size_t>(i) % trees.size()];
    if (t.left[0] != -1) x[static_cast<size_t>(i * p + t.feature[0])] = t.threshold[0];
  }
  x[7] = INFINITY;
  x[11] = -INFINITY;
  x[13] = 1e300;         // +∞ as a float
  x[200 * p + 2] = NAN;  // the fourth block walks as rows
  EXPECT_EQ(mismatches_with_plain_walks(ens, x, n), 0);
}

TEST(FlatForest, ImageRoundTripsAndDamageIsRefused) {
  std::mt19937 rng(3);
  std::vector<Tree> trees;
  for (int i = 0; i < 12; ++i) trees.push_back(random_tree(rng, 4, 5, i == 0 ? 1.0 : 0.8, 0));
  const TreeEnsemble ens(trees, {0.1}, Link::Identity, 4);
  const std::string image = ens.flat().image();
  const FlatForest back = FlatForest::from_image(image.data(), image.size());
  EXPECT_EQ(back.image(), image);
  // Every truncation is refused; so is any child index pointing outside the nodes.
  for (size_t cut = 0; cut < image.size(); cut += 7)
    EXPECT_THROW(FlatForest::from_image(image.data(), cut), Error) << cut;
  // Magic, feature and output counts and node count (24 bytes), padded to 16.
  const size_t first_node = 32;
  std::string bad = image;
  const std::uint32_t far = 1u << 30;
  std::memcpy(&bad[first_node + 8], &far, sizeof far);  // the root's left child
  EXPECT_THROW(FlatForest::from_image(bad.data(), bad.size()), Error);
  bad = image;
  const std::uint32_t backwards = 0;  // a child before its parent: a cycle
  std::memcpy(&bad[first_node + 8], &backwards, sizeof backwards);
  EXPECT_THROW(FlatForest::from_image(bad.data(), bad.size()), Error);
  // Flipping a byte (every fifth) either is refused or still only reads inside the image.
  std::vector<double> x = random_rows(rng, 1, 4);
  for (size_t i = 0; i < image.size(); i += 5) {
    bad = image;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    try {
      const FlatForest f = FlatForest::from_image(bad.data(), bad.size());
      std::vector<float> sums(static_cast<size_t>(f.n_outputs()), 0.0f);
      if (f.n_features() != 4) continue;
      f.add_margins(x.data(), sums.data());
      f.add_margins_rows(x.data(), 1, sums.data());
    } catch (const Error&) {
    }
  }
}

// With an owner of the bytes, the nodes are used where they lie and the forest keeps
// the owner alive; unaligned bytes, or none owning them, are copied. The margins are
// the same either way.
TEST(FlatForest, ImageWithAnOwnerIsReadInPlace) {
  std::mt19937 rng(8);
  std::vector<Tree> trees;
  for (int i = 0; i < 40; ++i) trees.push_back(random_tree(rng, 5, 6, 0.85, 0));
  const TreeEnsemble ens(trees, {0.0}, Link::Identity, 5);
  auto owner = std::make_shared<const std::string>(ens.flat().image());
  const FlatForest in_place = FlatForest::from_image(owner->data(), owner->size(), owner);
  EXPECT_TRUE(in_place.nodes_in_place());
  EXPECT_EQ(owner.use_count(), 2);
  const FlatForest copied = FlatForest::from_image(owner->data(), owner->size());
  EXPECT_FALSE(copied.nodes_in_place());
  // One byte off: the nodes would be unaligned, so they are copied.
  auto shifted = std::make_shared<std::string>(" " + *owner);
  const FlatForest unaligned = FlatForest::from_image(shifted->data() + 1, owner->size(), shifted);
  EXPECT_FALSE(unaligned.nodes_in_place());
  const std::vector<double> x = random_rows(rng, 300, 5);
  std::vector<float> a(300, 0.0f), b(300, 0.0f), c(300, 0.0f);
  const FlatForest kept = in_place;  // a copy shares the nodes and the owner
  owner.reset();
  kept.add_margins_rows(x.data(), 300, a.data());
  copied.add_margins_rows(x.data(), 300, b.data());
  for (size_t i = 0; i < 300; ++i) unaligned.add_margins(x.data() + i * 5, c.data() + i);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(kept.image(), copied.image());
}

TEST(FlatForest, TreeImageHoldsWhatPredictionsNeedAndIsChecked) {
  std::mt19937 rng(5);
  const TreeEnsemble ens({random_tree(rng, 3, 4, 0.9, 0)}, {0.0}, Link::Identity, 3);
  const std::string image = ens.image();
  EXPECT_EQ(TreeEnsemble::from_image(image.data(), image.size(), 3)->image(), image);
  EXPECT_THROW(TreeEnsemble::from_image(image.data(), image.size() - 1, 3), Error);
  EXPECT_THROW(TreeEnsemble::from_image(image.data(), image.size(), 2), Error)
      << "split features beyond the model's inputs";
  // An image carries the compiled trees only: it predicts as the original does, and
  // refuses to explain (the extension explains with the model parsed from its file).
  const auto loaded = TreeEnsemble::from_image(image.data(), image.size(), 3);
  double x[3] = {0.1, 0.2, 0.3}, a[4], b[4];
  loaded->decision(x, a);
  ens.decision(x, b);
  EXPECT_EQ(a[0], b[0]);
  EXPECT_THROW(loaded->contributions(x, 0, a), Error);
}

}  // namespace
}  // namespace automl
