// report_hostile_test.cpp — tenants choose project names, class labels, feature and
// column names and the values in their rows, and a report page may be opened by
// somebody else (an admin, an auditor). Every string the page shows must arrive as
// text: these documents put markup in each text field the renderer draws and check
// that it comes out escaped, and that the strict reader finds no element or attribute
// the renderer does not write itself.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "automl/report.hpp"
#include "html_checks.hpp"
#include "report_documents.hpp"

namespace automl {
namespace {

using nlohmann::json;

// A different hostile string per field, so the test can tell which one leaked.
class Hostile {
 public:
  std::string operator()(const std::string& field) {
    fields_.push_back(field);
    return "</title><script>x(\"" + field + "\")</script>'&";
  }
  // The string as it must appear: & < > " ' escaped.
  static std::string escaped(const std::string& field) {
    return "&lt;/title&gt;&lt;script&gt;x(&quot;" + field + "&quot;)&lt;/script&gt;&#39;&amp;";
  }
  const std::vector<std::string>& fields() const { return fields_; }

 private:
  std::vector<std::string> fields_;
};

void expect_escaped(const std::string& page, const Hostile& hostile) {
  report_test::expect_clean(page);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("x(\""), std::string::npos);  // an unescaped quote of a hostile string
  for (const std::string& field : hostile.fields())
    EXPECT_NE(page.find(Hostile::escaped(field)), std::string::npos) << field;
}

void make_hostile_model(json& doc, Hostile& h) {
  json& model = doc["model"];
  for (const char* key :
       {"project", "version", "algorithm", "target", "feature_version", "created_by", "created_at"})
    model[key] = h(std::string("m.") + key);
  model["hyperparams"] = {{h("hp.key"), h("hp.value")}};
  model["metrics"][h("metric.key")] = 0.5;
  model["metrics"]["cv"]["metric"] = h("cv.metric");
  doc["info"]["inputs"] = {
      {{"name", h("in.name")}, {"type", h("in.type")}, {"sql_type", h("in.sql")}}};
  doc["info"]["phase_seconds"] = {{h("phase"), 1.0}};
  for (const char* key : {"status", "worker", "created_at"})
    doc["job"][key] = h(std::string("job.") + key);
  doc["deployment"] = {
      {"state", h("dep.state")}, {"strategy", h("dep.strategy")}, {"weight", h("dep.weight")}};
  doc["generated_at"] = h("generated_at");
  json& ev = doc["evaluation"];
  ev["evaluated_on"] = h("evaluated_on");
  ev["importance_method"] = h("importance_method");
  ev["feature_importance"] = {{{"feature", h("fi.feature")}, {"importance", 1}}};
  json& column = ev["profile"][2];  // categorical
  column["name"] = h("col.name");
  column["type"] = h("col.type");
  column["sql_type"] = h("col.sql");
  column["top"][0]["value"] = h("col.top");
  ev["profile"][0]["min"] = h("col.min");
  ev["profile"][0]["max"] = h("col.max");
  for (auto& t : doc["trials"]) t["algorithm"] = h("trial.algorithm");
  doc["trials"][0]["metric"] = h("trial.metric");
}

TEST(ReportHostile, ClassificationModelEscapesEveryField) {
  Hostile h;
  json doc = report_test::binary_model();
  make_hostile_model(doc, h);
  const std::string no = h("class.no"), yes = h("class.yes");
  json& ev = doc["evaluation"];
  ev["classes"] = {no, yes};
  doc["model"]["classes"] = {h("model.class"), yes};
  for (auto& cell : ev["confusion_matrix"]) {
    cell["actual"] = cell["actual"] == "no" ? no : yes;
    cell["predicted"] = cell["predicted"] == "no" ? no : yes;
  }
  ev["roc_curve"][0]["class"] = h("roc.class");
  ev["pr_curve"][0]["class"] = h("pr.class");
  ev["calibration"]["class"] = h("cal.class");
  const std::string page = render_model_report(doc);
  expect_escaped(page, h);
  // Attribute context: the per-column chart of the hostile column.
  EXPECT_NE(page.find("data-column=\"" + Hostile::escaped("col.name") + "\""), std::string::npos);
  EXPECT_EQ(report_test::charts(page, "confusion-matrix"), 1u);
}

TEST(ReportHostile, RegressionModelEscapesEveryField) {
  Hostile h;
  json doc = report_test::regression_model();
  make_hostile_model(doc, h);
  expect_escaped(render_model_report(doc), h);
}

TEST(ReportHostile, DataReportEscapesEveryField) {
  Hostile h;
  json doc = report_test::data_document(6);
  doc["relation"] = h("relation");
  doc["generated_at"] = h("generated_at");
  doc["rows"] = h("rows");
  doc["columns"][0]["name"] = h("num.name");
  doc["columns"][2]["name"] = h("cat.name");
  doc["columns"][2]["top"][1]["value"] = h("cat.top");
  doc["columns"][1]["type"] = h("num.type");
  doc["correlations"]["columns"][0] = h("corr.column");
  const std::string page = render_data_report(doc);
  expect_escaped(page, h);
  EXPECT_NE(page.find("data-column=\"" + Hostile::escaped("cat.name") + "\""), std::string::npos);
  EXPECT_EQ(report_test::charts(page, "correlation-heatmap"), 1u);
}

// Markup split across fields or hidden in invalid UTF-8 stays text as well.
TEST(ReportHostile, BrokenUtf8AndControlCharactersAreReplaced) {
  json doc = report_test::data_document(3);
  doc["relation"] = std::string("a\xC0<script>\x01\xFF");
  doc["columns"][0]["name"] = std::string("\xE2\x80", 2) + "<";
  const std::string page = render_data_report(doc);
  report_test::expect_clean(page);
  EXPECT_NE(page.find("a\xEF\xBF\xBD&lt;script&gt;\xEF\xBF\xBD\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace automl
