// design_errors_test.cpp — make_design refuses what it cannot do with the right
// SQLSTATE and a message that names the culprit; and it stops when interrupted.
#include <gtest/gtest.h>

#include <string>

#include "automl/design.hpp"
#include "automl/error.hpp"
#include "automl/interrupt.hpp"

namespace automl {
namespace {

using nlohmann::json;

json two_factors() { return {{"A", {{"min", -1}, {"max", 1}}}, {"B", {{"min", -1}, {"max", 1}}}}; }

json request_with(const json& changes) {
  json r = {{"factors", two_factors()}, {"model", "linear"}};
  r.merge_patch(changes);
  return r;
}

// Expects make_design(request) to throw `sqlstate` with `text` in its message.
void expect_refusal(const json& request, const std::string& sqlstate, const std::string& text) {
  try {
    make_design(request);
    ADD_FAILURE() << "accepted " << request.dump();
  } catch (const Error& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos)
        << "message: " << e.what() << "\nexpected to contain: " << text;
  }
}

TEST(DesignErrors, RunsBelowTheNumberOfTerms) {
  expect_refusal(request_with({{"runs", 2}}), "22023",
                 "runs (2) must be at least the number of model terms (3)");
  expect_refusal(request_with({{"runs", 20000}}), "54000", "runs (20000)");
  expect_refusal(request_with({{"runs", 2.5}}), "22023", "\"runs\" must be an integer");
}

TEST(DesignErrors, TermsNamingUnknownOrCategoricalFactors) {
  expect_refusal(request_with({{"model", {"A", "Z"}}}), "22023", "unknown factor \"Z\"");
  expect_refusal(request_with({{"model", {"A:A"}}}), "22023", "appears twice");
  expect_refusal(request_with({{"model", {"A", "A"}}}), "22023", "\"A\" appears twice");
  expect_refusal(request_with({{"model", {"A^3"}}}), "22023", "^2");
  expect_refusal(request_with({{"model", "cubic"}}), "22023", "model must be");
  json cat = request_with({{"model", {"C^2"}}});
  cat["factors"]["C"] = {{"categories", {"x", "y", "z"}}};
  expect_refusal(cat, "22023", "factor \"C\" is categorical");
}

TEST(DesignErrors, BadFactors) {
  expect_refusal(request_with({{"factors", {{"A", {{"min", 1}, {"max", 1}}}}}}), "22023",
                 "factor \"A\": min must be below max");
  expect_refusal(request_with({{"factors", {{"A", {{"min", 2}, {"max", 1}}}}}}), "22023",
                 "factor \"A\": min must be below max");
  expect_refusal({{"factors", json::object()}}, "22023", "at least one factor");
  expect_refusal({{"factors", json::array()}}, "22023", "at least one factor");
  expect_refusal({{"model", "linear"}}, "22023", "needs \"factors\"");
  expect_refusal({{"factors", json::array({{{"name", "A"}, {"min", 0}, {"max", 1}},
                                           {{"name", "A"}, {"min", 0}, {"max", 1}}})}},
                 "22023", "factor \"A\": the name appears twice");
  expect_refusal({{"factors", {{"", {{"min", 0}, {"max", 1}}}}}}, "22023", "must not be empty");
  expect_refusal({{"factors", {{std::string(64, 'n'), {{"min", 0}, {"max", 1}}}}}}, "22023",
                 "longer than 63 bytes");
  expect_refusal({{"factors", {{"A", {{"categories", {"x", "x"}}}}}}}, "22023",
                 "category \"x\" appears twice");
  expect_refusal({{"factors", {{"A", {{"categories", {"x"}}}}}}}, "22023", "at least 2");
  expect_refusal({{"factors", {{"A", {{"levels", {1, 1}}}}}}}, "22023", "level 1 appears twice");
  expect_refusal({{"factors", {{"A", {{"min", 0}, {"max", 1}, {"step", 1}}}}}}, "22023",
                 "unknown key \"step\"");
  expect_refusal({{"factors", {{"A:B", {{"min", 0}, {"max", 1}}}}}}, "22023", "':'");
  expect_refusal({{"factors", {{"A", {{"min", -1e308}, {"max", 1e308}}}}}}, "22023",
                 "factor \"A\": the range from min to max is too large");
  expect_refusal({{"factors", {{"A", {{"levels", {0, 1}}, {"min", 0.5}, {"max", 1}}}}}}, "22023",
                 "levels must lie within [min, max]");
  json many = json::object();
  for (int i = 0; i < 21; ++i) many["f" + std::to_string(i)] = {{"levels", {0, 1}}};
  expect_refusal({{"factors", many}}, "22023", "at most 20 factors");
}

TEST(DesignErrors, CandidateGridTooLarge) {
  json factors = json::object();
  for (int i = 0; i < 6; ++i) factors["f" + std::to_string(i)] = {{"min", 0}, {"max", 1}};
  expect_refusal({{"factors", factors}, {"options", {{"levels", 10}}}}, "54000",
                 "candidate grid has 1000000 points");
  json two_level = json::object();
  for (int i = 0; i < 16; ++i) two_level["f" + std::to_string(i)] = {{"levels", {0, 1}}};
  expect_refusal({{"factors", two_level}, {"model", "interactions"}}, "54000",
                 "model matrix would have 8978432 entries");
  json three_level = json::object();
  for (int i = 0; i < 10; ++i) three_level["f" + std::to_string(i)] = {{"levels", {0, 1, 2}}};
  expect_refusal({{"factors", three_level}, {"runs", 10000}}, "54000", "too large to search");
}

TEST(DesignErrors, ModelNotEstimableOnTheCandidates) {
  expect_refusal(request_with({{"model", {"A", "A^2"}}, {"options", {{"levels", 2}}}}), "22023",
                 "not estimable on the candidate points: column \"A^2\"");
  // Constraints that leave only the points on the line A = B.
  json line = request_with(
      {{"options",
        {{"constraints", {{{"terms", {{"A", 1}, {"B", -1}}}, {"min", 0}, {"max", 0}}}}}}});
  expect_refusal(line, "22023", "not estimable");
  json none = request_with(
      {{"options", {{"constraints", {{{"terms", {{"A", 1}, {"B", 1}}}, {"min", 3}}}}}}});
  expect_refusal(none, "22023", "exclude every candidate");
}

TEST(DesignErrors, BadCriterionAndOptions) {
  expect_refusal(request_with({{"criterion", "E"}}), "22023", "criterion must be");
  expect_refusal(request_with({{"options", {{"restarts", 0}}}}), "22023", "options.restarts");
  expect_refusal(request_with({{"options", {{"seed", -1}}}}), "22023", "options.seed");
  expect_refusal(request_with({{"options", {{"levels", 1}}}}), "22023", "options.levels");
  expect_refusal(request_with({{"options", {{"colour", 1}}}}), "22023", "unknown key \"colour\"");
  expect_refusal(request_with({{"design", 1}}), "22023", "unknown key \"design\"");
  expect_refusal(
      request_with({{"options", {{"constraints", {{{"terms", {{"Q", 1}}}, {"max", 1}}}}}}}),
      "22023", "unknown factor \"Q\"");
}

TEST(DesignErrors, IncludedRunsThatDoNotFit) {
  json cat = request_with({{"runs", 6}});
  cat["factors"]["C"] = {{"categories", {"x", "y"}}};
  cat["options"] = {{"include", {{{"A", 0}, {"B", 0}, {"C", "zz"}}}}};
  expect_refusal(cat, "22023", "include[0]: factor \"C\" has no category \"zz\"");
  cat["options"] = {{"include", {{{"A", 2}, {"B", 0}, {"C", "x"}}}}};
  expect_refusal(cat, "22023", "include[0]: factor \"A\" value 2 is outside [-1, 1]");
  cat["options"] = {{"include", {{{"A", 0}, {"C", "x"}}}}};
  expect_refusal(cat, "22023", "include[0] has no value for factor \"B\"");
  cat["options"] = {{"include", {{{"A", 0}, {"B", 0}, {"C", "x"}, {"D", 1}}}}};
  expect_refusal(cat, "22023", "include[0]: unknown factor \"D\"");
  json over = request_with({{"runs", 3}});
  over["options"] = {{"include", json::array({{{"A", 0}, {"B", 0}},
                                              {{"A", 0}, {"B", 0}},
                                              {{"A", 0}, {"B", 0}},
                                              {{"A", 0}, {"B", 0}}})}};
  expect_refusal(over, "22023", "options.include has 4 runs, more than runs (3)");
  // Three copies of the centre span one direction: the fourth run cannot make up two.
  over["runs"] = 4;
  over["options"]["include"].erase(3);
  expect_refusal(over, "22023", "the included runs leave too few runs");
}

int interrupt_calls = 0;

TEST(DesignErrors, InterruptStopsTheSearch) {
  // A hook that asks to stop only after a while: the search checks it as it goes,
  // not just once at the start.
  interrupt_calls = 0;
  set_interrupt_hook([] { return ++interrupt_calls > 200; });
  json factors = json::object();
  for (const char* name : {"f1", "f2", "f3", "f4"}) factors[name] = {{"min", 0}, {"max", 1}};
  try {
    make_design({{"factors", factors}, {"model", "quadratic"}, {"runs", 30}});
    ADD_FAILURE() << "not interrupted after " << interrupt_calls << " checks";
  } catch (const Error& e) {
    EXPECT_STREQ(e.sqlstate(), "57014");
  }
  set_interrupt_hook(nullptr);
  EXPECT_EQ(interrupt_calls, 201);
}

}  // namespace
}  // namespace automl
