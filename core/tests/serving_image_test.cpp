// serving_image_test.cpp — a model loaded from its serving image answers exactly as
// the model parsed from its file (predictions, probabilities, explanations), for
// every estimator family; damaged images are refused; and what loading costs.
#include "automl/serving_image.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "automl/error.hpp"
#include "automl/trainer.hpp"

namespace automl {
namespace {

Dataset rings(int n) {
  Eigen::MatrixXd X(n, 3);
  std::vector<std::string> target;
  std::mt19937 rng(9);
  std::uniform_real_distribution<double> u(-3, 3);
  for (int i = 0; i < n; ++i) {
    X(i, 0) = u(rng);
    X(i, 1) = i % 13 == 0 ? NAN : u(rng);
    X(i, 2) = u(rng);
    const double r = X(i, 0) * X(i, 0) + (std::isnan(X(i, 1)) ? 0 : X(i, 1) * X(i, 1));
    target.push_back(r < 2 ? "in" : r < 5 ? "mid" : "out");
  }
  return Dataset::numeric(X, {"a", "b", "c"}, "label", ValueKind::Text, target);
}

void expect_same_answers(const Model& a, const Model& b) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(-3.5, 3.5);
  for (int i = 0; i < 200; ++i) {
    const double x[3] = {u(rng), i % 7 == 0 ? NAN : u(rng), u(rng)};
    ASSERT_EQ(a.predict(x), b.predict(x));
    if (a.task() != Task::Classification) continue;
    std::vector<double> pa(static_cast<size_t>(a.n_classes())), pb(pa.size());
    a.predict_proba(x, pa.data());
    b.predict_proba(x, pb.data());
    ASSERT_EQ(pa, pb);
  }
}

TEST(ServingImage, AnswersExactlyAsTheParsedModelFile) {
  const Dataset d = rings(900);
  for (const char* algorithm : {"xgboost", "random_forest", "logistic", "ensemble"}) {
    nlohmann::json spec = {{"relation", "t"}, {"target", "label"}, {"algorithm", algorithm}};
    if (std::string(algorithm) == "ensemble")  // trees and a linear model in one estimator
      spec["hyperparams"] = {{"members",
                              {{{"algorithm", "xgboost"}, {"hyperparams", {{"n_estimators", 20}}}},
                               {{"algorithm", "logistic"}}}}};
    const auto out = train(TrainSpec::parse(spec), d, nullptr, 2);
    const Model parsed = Model::parse(out.model_bytes);
    const std::string image = serving_image(parsed);
    const Model loaded = model_from_serving_image(image.data(), image.size());
    expect_same_answers(parsed, loaded);
    // Read in place (as from the shared cache): the same answers, and the model keeps
    // the bytes' owner alive after its last other holder lets go.
    auto owner = std::make_shared<const std::string>(image);
    const Model viewed = model_from_serving_image(owner->data(), owner->size(), owner);
    const bool has_trees = std::string(algorithm) != "logistic";
    EXPECT_EQ(owner.use_count() > 1, has_trees) << algorithm;
    owner.reset();
    expect_same_answers(parsed, viewed);
    // Trees come compiled, without the arrays explain walks: the extension explains
    // with the model parsed from its file. A linear model's image is its whole file.
    const InputValue row[3] = {InputValue::of(0.5), InputValue::of(-1.0), InputValue::of(2.0)};
    if (std::string(algorithm) == "logistic") {
      EXPECT_EQ(loaded.serialize(), parsed.serialize());
      EXPECT_EQ(loaded.explain(row).contributions, parsed.explain(row).contributions);
    } else {
      EXPECT_THROW(loaded.explain(row), Error) << algorithm;
    }
  }
}

TEST(ServingImage, RefusesDamage) {
  const auto out =
      train(TrainSpec::parse({{"relation", "t"}, {"target", "label"}, {"algorithm", "xgboost"}}),
            rings(300), nullptr, 1);
  const std::string image = serving_image(Model::parse(out.model_bytes));
  for (size_t cut : {size_t{0}, size_t{5}, size_t{20}, image.size() / 2, image.size() - 1})
    EXPECT_THROW(model_from_serving_image(image.data(), cut), Error) << cut;
  std::string extra = image + "x";
  EXPECT_THROW(model_from_serving_image(extra.data(), extra.size()), Error);
}

// Not asserted (timings): what a backend saves by loading the image.
TEST(ServingImage, LoadsFasterThanTheModelFileParses) {
  const auto out = train(
      TrainSpec::parse({{"relation", "t"},
                        {"target", "label"},
                        {"algorithm", "xgboost"},
                        {"hyperparams",
                         {{"n_estimators", 300}, {"max_depth", 8}, {"early_stopping_rounds", 0}}}}),
      rings(5000), nullptr, 2);
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  const Model parsed = Model::parse(out.model_bytes);
  auto t1 = clock::now();
  const std::string image = serving_image(parsed);
  auto t2 = clock::now();
  const Model loaded = model_from_serving_image(image.data(), image.size());
  auto t3 = clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf(
      "[image] %zu-byte model file: parse %.2f ms; %zu-byte image: made in %.2f ms, "
      "loaded in %.2f ms\n",
      out.model_bytes.size(), ms(t0, t1), image.size(), ms(t1, t2), ms(t2, t3));
  expect_same_answers(parsed, loaded);
}

}  // namespace
}  // namespace automl
