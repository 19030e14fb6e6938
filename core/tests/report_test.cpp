// report_test.cpp — the HTML report renderer: each document kind draws the charts the
// browser tests look for (docs/report-documents.md), every page passes the strict
// reader of html_checks.hpp, and missing or mistyped fields turn into "not available"
// instead of an exception or a broken page. Hostile strings are in
// report_hostile_test.cpp.
#include "automl/report.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>

#include "../src/svg_charts.hpp"
#include "../src/svg_plot.hpp"
#include "html_checks.hpp"
#include "report_documents.hpp"

namespace automl {
namespace {

using nlohmann::json;
using report_test::chart_svg;
using report_test::charts;
using report_test::count;
using report_test::expect_clean;

TEST(ReportHelpers, NiceTicksAreRoundAndInside) {
  EXPECT_EQ(report::nice_ticks(0, 1, 5),
            (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  EXPECT_EQ(report::nice_ticks(0, 97, 5), (std::vector<double>{0, 20, 40, 60, 80}));
  EXPECT_EQ(report::nice_ticks(-3, 3, 6), (std::vector<double>{-3, -2, -1, 0, 1, 2, 3}));
  EXPECT_EQ(report::nice_ticks(0.3, 0.3, 5), (std::vector<double>{0.3}));
  EXPECT_TRUE(report::nice_ticks(0, NAN, 5).empty());
  EXPECT_TRUE(report::nice_ticks(-1e308, 1e308, 5).empty());  // the span overflows
  EXPECT_LE(report::nice_ticks(0, 1e-300, 5).size(), 201u);
}

TEST(ReportHelpers, NumbersAreCompactAndFinite) {
  EXPECT_EQ(report::format_number(0.934567), "0.9346");
  EXPECT_EQ(report::format_number(48842), "48842");
  EXPECT_EQ(report::format_number(-0.0), "0");
  EXPECT_EQ(report::format_number(1.5e20), "1.5e+20");
  EXPECT_EQ(report::format_number(NAN), "–");
  EXPECT_EQ(report::format_number(-INFINITY), "–");
  report::HtmlOut out;
  out.coord(NAN)
      .raw(",")
      .coord(INFINITY)
      .raw(",")
      .coord(-1e300)
      .raw(",")
      .coord(12.25)
      .raw(",")
      .coord(3);
  EXPECT_EQ(out.take(), "0,0,-1000000,12.2,3");
}

TEST(ReportHelpers, TextIsEscapedAndValidUtf8) {
  report::HtmlOut out;
  out.text("a&b<c>d\"e'f");
  EXPECT_EQ(out.take(), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  out.text(std::string("ok \xC3\xA9 bad \xC3 \xED\xA0\x80 \x01 end"));
  EXPECT_EQ(out.take(),
            "ok \xC3\xA9 bad \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD end");
  EXPECT_EQ(report::truncate_text("héllo world", 5), "héllo…");
  EXPECT_EQ(report::truncate_text("short", 5), "short");
}

TEST(ReportModel, BinaryClassificationDrawsItsCharts) {
  const std::string page = render_model_report(report_test::binary_model());
  expect_clean(page);
  for (const char* name :
       {"confusion-matrix", "roc-curve", "pr-curve", "calibration", "feature-importance", "trials"})
    EXPECT_EQ(charts(page, name), 1u) << name;
  EXPECT_EQ(charts(page, "column-histogram") + charts(page, "top-values"), 6u);
  EXPECT_EQ(charts(page, "predicted-vs-actual"), 0u);
  EXPECT_NE(page.find("yes (AUC 0.8)"), std::string::npos);
  EXPECT_NE(page.find("yes (AP 0.825)"), std::string::npos);
  EXPECT_NE(page.find(">162<"), std::string::npos);  // the total of actual "no"
  EXPECT_NE(page.find("mean |SHAP value|"), std::string::npos);
  EXPECT_NE(page.find("<td>2 classes: no, yes</td>"), std::string::npos);
  // The metrics table leaves out the importance map; cv shows on one line.
  EXPECT_EQ(page.find("feature_importance"), std::string::npos);
  EXPECT_NE(page.find("folds = 5, mean = 0.81, metric = f1, std = 0.02"), std::string::npos);
  // Sections in the documented order.
  std::size_t last = 0;
  for (const char* id : {"model-card", "metrics", "evaluation", "feature-importance", "trials",
                         "training-profile"}) {
    const std::size_t at = page.find(std::string("<section id=\"") + id + "\"");
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(at, last) << id;
    last = at;
  }
}

TEST(ReportModel, ManyClassesShowTheMostFrequentThirty) {
  const std::string page = render_model_report(report_test::multiclass_model(40, 50));
  expect_clean(page);
  EXPECT_EQ(charts(page, "confusion-matrix"), 1u);
  EXPECT_NE(page.find("the 30 most frequent of 40 actual classes"), std::string::npos);
  EXPECT_NE(page.find("(other)"), std::string::npos);
  // Class 0 is the rarest actual class (its diagonal is smallest): left out.
  EXPECT_EQ(page.find("Actual class_0, "), std::string::npos);
  EXPECT_NE(page.find("Actual class_39, "), std::string::npos);
  EXPECT_EQ(count(page, " (AUC "), 20u);  // one legend entry per curve, at most 20
}

TEST(ReportModel, FewClassesPrintTheirCounts) {
  const std::string page = render_model_report(report_test::multiclass_model(5, 30));
  expect_clean(page);
  EXPECT_EQ(page.find("(other)"), std::string::npos);
  EXPECT_NE(page.find(">40</text>"), std::string::npos);  // class_0's diagonal cell
  EXPECT_NE(page.find("Fraction correct"), std::string::npos);
}

TEST(ReportModel, RegressionDrawsResiduals) {
  const std::string page = render_model_report(report_test::regression_model());
  expect_clean(page);
  for (const char* name :
       {"predicted-vs-actual", "residual-histogram", "feature-importance", "trials"})
    EXPECT_EQ(charts(page, name), 1u) << name;
  EXPECT_EQ(charts(page, "confusion-matrix") + charts(page, "roc-curve"), 0u);
  EXPECT_NE(page.find("Residual (actual − predicted)"), std::string::npos);
  EXPECT_NE(page.find("<th scope=\"col\" class=\"num\">Median</th>"), std::string::npos);
  EXPECT_NE(page.find("rmse, lower is better"), std::string::npos);
  EXPECT_EQ(page.find("Classes"), std::string::npos);
}

TEST(ReportModel, EvaluationNullSaysNotAvailable) {
  json doc = report_test::binary_model();
  doc["evaluation"] = nullptr;
  doc["job"] = nullptr;
  doc.erase("trials");
  doc.erase("info");
  const std::string page = render_model_report(doc);
  expect_clean(page);
  EXPECT_NE(page.find("Evaluation not available: this model has no stored evaluation"),
            std::string::npos);
  EXPECT_NE(page.find("Search trials not available"), std::string::npos);
  EXPECT_NE(page.find("Column profile not available"), std::string::npos);
  // Importance falls back to the metrics' shares.
  EXPECT_EQ(charts(page, "feature-importance"), 1u);
  EXPECT_EQ(charts(page, "confusion-matrix") + charts(page, "trials"), 0u);
}

TEST(ReportModel, AnyDocumentShapeRenders) {
  for (const json& doc :
       {json(), json::object(), json::array({1, 2}), json("model"),
        json{{"model", "x"}, {"evaluation", 3}, {"trials", {{"a", 1}}}},
        json{{"model", {{"task", "regression"}}}, {"evaluation", json::object()}}}) {
    const std::string page = render_model_report(doc);
    expect_clean(page);
    EXPECT_NE(page.find("not available"), std::string::npos) << doc.dump();
  }
  for (const json& doc :
       {json(), json::object(), json{{"columns", {1, "x", nullptr}}, {"correlations", 1}}})
    expect_clean(render_data_report(doc));
}

TEST(ReportModel, NonFiniteAndAbsurdNumbersNeverReachTheSvg) {
  json doc = report_test::binary_model();
  json& ev = doc["evaluation"];
  ev["roc_curve"][0]["points"].push_back({NAN, INFINITY, NAN});
  ev["roc_curve"][0]["auc"] = NAN;
  ev["pr_curve"][0]["points"] = {{1, 1e308, -1e308}, {0.5, 0.5, 0.5}};
  ev["calibration"]["bins"][0]["mean_predicted"] = INFINITY;
  ev["confusion_matrix"][0]["count"] = INFINITY;
  ev["feature_importance"][0]["importance"] = NAN;
  ev["profile"][0]["histogram"]["edges"][3] = NAN;  // drawn as its top values or not at all
  ev["profile"][1]["histogram"]["counts"][0] = 1e300;
  doc["trials"][0]["value"] = INFINITY;
  doc["trials"][1]["trial"] = -1e308;
  std::string page = render_model_report(doc);
  expect_clean(page);
  EXPECT_EQ(charts(page, "roc-curve"), 1u);
  json reg = report_test::regression_model();
  reg["evaluation"]["residuals"]["sample"].push_back({NAN, 1});
  reg["evaluation"]["residuals"]["sample"].push_back({1e308, -1e308});
  reg["evaluation"]["residuals"]["histogram"]["edges"][0] = -INFINITY;
  page = render_model_report(reg);
  expect_clean(page);
  EXPECT_NE(page.find("Residual histogram not available"), std::string::npos);
}

TEST(ReportData, DrawsEachColumnAndTheCorrelations) {
  const std::string page = render_data_report(report_test::data_document(12));
  expect_clean(page);
  EXPECT_EQ(charts(page, "column-histogram"), 8u);
  EXPECT_EQ(charts(page, "top-values"), 4u);
  EXPECT_EQ(count(page, "data-column=\""), 12u);
  EXPECT_NE(page.find("data-chart=\"top-values\" data-column=\"segment_2\""), std::string::npos);
  EXPECT_EQ(charts(page, "correlation-heatmap"), 1u);
  EXPECT_NE(page.find(">public.adult</h1>"), std::string::npos);
  EXPECT_NE(page.find("yes, a sample of the rows"), std::string::npos);
  EXPECT_NE(page.find(">0.6%</td>"), std::string::npos);  // 6 nulls in 1000 rows
}

TEST(ReportData, WithoutCorrelationsSaysSo) {
  json doc = report_test::data_document(3);
  doc["correlations"] = nullptr;
  std::string page = render_data_report(doc);
  expect_clean(page);
  EXPECT_EQ(charts(page, "correlation-heatmap"), 0u);
  EXPECT_NE(page.find("Correlations not available"), std::string::npos);
  doc["correlations"] = {{"columns", {"a", "b"}}, {"matrix", {{1}}}};
  page = render_data_report(doc);
  EXPECT_NE(page.find("the matrix does not match its columns"), std::string::npos);
}

TEST(ReportData, ThousandsOfColumnsKeepTheTableAndCapTheCharts) {
  const std::string page = render_data_report(report_test::data_document(2000));
  expect_clean(page);
  EXPECT_EQ(count(page, "data-column=\""), 300u);
  EXPECT_EQ(count(page, "<tr>"), 2000u + 1 + 5);  // columns, their header, the summary
  EXPECT_NE(page.find("Charts for the first 300 of 2000 columns."), std::string::npos);
}

// A full document at the sizes the evaluation caps: 200 trials, 20 ROC curves of 200
// points, 1,000 regression points, 200 profiled columns. Rendering is linear in that
// size; the time is printed, not asserted.
TEST(ReportModel, LargestDocumentRendersLinearly) {
  json doc = report_test::multiclass_model(20, 200);
  doc["trials"] = report_test::trials(200, "f1");
  doc["evaluation"]["residuals"] = report_test::residuals(1000);
  doc["evaluation"]["profile"] = report_test::profile(200);
  doc["evaluation"]["feature_importance"] = report_test::importances(5000);
  const auto started = std::chrono::steady_clock::now();
  const std::string classification = render_model_report(doc);
  doc["model"]["task"] = "regression";
  const std::string regression = render_model_report(doc);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::cout << "two full model reports: " << ms << " ms, "
            << classification.size() + regression.size() << " bytes\n";
  expect_clean(classification);
  expect_clean(regression);
  EXPECT_EQ(charts(classification, "roc-curve"), 1u);
  EXPECT_EQ(count(chart_svg(regression, "predicted-vs-actual"), "<circle"),
            1000u + 1);  // and the legend's
  EXPECT_EQ(count(chart_svg(classification, "feature-importance"), "<rect"), 30u);
  EXPECT_NE(classification.find("the top 30 of 5000 features"), std::string::npos);
  EXPECT_LT(classification.size(), 4u << 20);
}

// The Okabe–Ito palette (Okabe and Ito 2008, as in Wong, Nature Methods 2011), and the
// neutrals of the frame: ink, muted text, axes, grid lines, white and the totals' fill.
const std::set<std::string> kOkabeIto = {"#000000", "#e69f00", "#56b4e9", "#009e73",
                                         "#f0e442", "#0072b2", "#d55e00", "#cc79a7"};

std::string lower_long_hex(std::string c) {
  for (char& ch : c) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (c.size() == 4) c = {'#', c[1], c[1], c[2], c[2], c[3], c[3]};
  return c;
}

bool is_neutral(const std::string& c) {
  static const std::set<std::string> neutrals = {lower_long_hex(report::svg::kInk),
                                                 lower_long_hex(report::svg::kMuted),
                                                 lower_long_hex(report::svg::kAxis),
                                                 lower_long_hex(report::svg::kGrid),
                                                 "#ffffff",
                                                 "#f4f6f8"};
  return neutrals.count(c) > 0;
}

// The chromatic palette colour `c` is a tint of (white mixed toward it by some t in
// [0, 1], each channel rounded), or "" when it is none's. Black is left out: its
// tints are the greys that mean "no value".
std::string tint_of(const std::string& c, double* t_out = nullptr) {
  const auto channel = [](const std::string& hex, int i) {
    return std::stoi(hex.substr(static_cast<std::size_t>(1 + 2 * i), 2), nullptr, 16);
  };
  for (const std::string& p : kOkabeIto) {
    if (p == "#000000") continue;
    int widest = 0;
    for (int i = 1; i < 3; ++i)
      if (std::abs(channel(p, i) - 255) > std::abs(channel(p, widest) - 255)) widest = i;
    if (channel(p, widest) == 255) continue;
    const double t = (channel(c, widest) - 255.0) / (channel(p, widest) - 255.0);
    if (t < 0 || t > 1) continue;
    bool fits = true;
    for (int i = 0; i < 3; ++i)
      fits = fits && std::abs(channel(c, i) - (255 + (channel(p, i) - 255) * t)) <= 1.0;
    if (fits) {
      if (t_out) *t_out = t;
      return p;
    }
  }
  return "";
}

// Every colour the charts of every page kind fill or stroke with is an Okabe–Ito
// colour or a neutral of the frame; a heat map's cells and colour bar are tints of
// one. The correlation map's bar runs from vermillion (−1) through white to blue
// (+1), so a negative correlation never looks like a missing one (grey).
TEST(ReportPalette, EveryChartColourIsOkabeIto) {
  for (std::size_t i = 0; i < 16; ++i)
    EXPECT_EQ(kOkabeIto.count(lower_long_hex(report::series_color(i))), 1u) << i;
  json binary = report_test::binary_model();
  binary["trials"] = report_test::trials(20, "f1");
  const std::vector<std::string> pages = {
      render_model_report(binary), render_model_report(report_test::multiclass_model(8, 100)),
      render_model_report(report_test::regression_model()),
      render_data_report(report_test::data_document(12))};
  const std::regex chart_re("data-chart=\"([a-z-]+)\""),
      colour_re("(?:fill|stroke)=\"(#[0-9a-fA-F]+)\"");
  std::set<std::string> kinds, corr_tints;
  for (const std::string& page : pages) {
    for (auto it = std::sregex_iterator(page.begin(), page.end(), chart_re);
         it != std::sregex_iterator(); ++it) {
      const std::string kind = (*it)[1];
      const auto start = static_cast<std::size_t>(it->position());
      const std::string svg = page.substr(start, page.find("</svg>", start) - start);
      const bool heatmap = kind == "confusion-matrix" || kind == "correlation-heatmap";
      kinds.insert(kind);
      for (auto c = std::sregex_iterator(svg.begin(), svg.end(), colour_re);
           c != std::sregex_iterator(); ++c) {
        const std::string colour = lower_long_hex((*c)[1]);
        if (is_neutral(colour)) continue;
        if (!heatmap) {
          EXPECT_EQ(kOkabeIto.count(colour), 1u) << kind << " uses " << colour;
          continue;
        }
        double t = 0;
        const std::string base = tint_of(colour, &t);
        EXPECT_NE(base, "") << kind << " uses " << colour << ", a tint of no Okabe–Ito colour";
        if (kind == "correlation-heatmap" && t > 0.5) corr_tints.insert(base);
      }
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"calibration", "column-histogram", "confusion-matrix",
                                          "correlation-heatmap", "feature-importance", "pr-curve",
                                          "predicted-vs-actual", "residual-histogram", "roc-curve",
                                          "top-values", "trials"}));
  EXPECT_EQ(corr_tints, (std::set<std::string>{"#0072b2", "#d55e00"}));
  EXPECT_EQ(tint_of("#808080"), "");  // grey is nobody's tint
  EXPECT_EQ(tint_of("#d55e00"), "#d55e00");
}

// AUTOML_REPORT_EXAMPLES_DIR=/tmp/report_examples writes example pages to look at.
TEST(ReportExamples, WrittenWhenAsked) {
  const char* dir = std::getenv("AUTOML_REPORT_EXAMPLES_DIR");
  if (!dir) GTEST_SKIP() << "AUTOML_REPORT_EXAMPLES_DIR not set";
  const auto write = [&](const char* name, const std::string& page) {
    std::ofstream(std::string(dir) + "/" + name) << page;
  };
  write("model_classification.html", render_model_report(report_test::binary_model()));
  write("model_multiclass.html", render_model_report(report_test::multiclass_model(8, 100)));
  write("model_many_classes.html", render_model_report(report_test::multiclass_model(40, 100)));
  write("model_regression.html", render_model_report(report_test::regression_model()));
  write("data.html", render_data_report(report_test::data_document(12)));
}

}  // namespace
}  // namespace automl
