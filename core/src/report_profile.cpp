// report_profile.cpp — column profiles as the data report and the model report's
// training-data section show them: one table row per column, then one small chart per
// column — the histogram of a numeric column, the most frequent values of any other.
#include <cmath>
#include <string>
#include <vector>

#include "report_sections.hpp"
#include "svg_charts.hpp"

namespace automl::report {
namespace {

// A page with thousands of columns keeps all of them in the table but charts only the
// first ones: each chart costs a few kilobytes and nobody scrolls through 5,000.
constexpr std::size_t kMaxColumnCharts = 300;
constexpr std::size_t kMaxTopValues = 20;

// A table cell: numbers with four significant digits, text shortened, "–" for nothing.
std::string cell_text(const nlohmann::json& v) {
  if (v.is_number()) return format_number(v.get<double>(), 4);
  const std::string s = display_text(v, 60);
  return s.empty() ? "–" : s;
}

std::string column_name(const nlohmann::json& column) {
  const std::string name = display_text(member(column, "name"), 200);
  return name.empty() ? "(unnamed)" : name;
}

std::string column_type(const nlohmann::json& column) {
  const std::string type = display_text(member(column, "type"), 60);
  const std::string sql_type = display_text(member(column, "sql_type"), 60);
  if (sql_type.empty() || sql_type == type) return type.empty() ? "–" : type;
  return type.empty() ? sql_type : type + " (" + sql_type + ")";
}

std::string null_share(const nlohmann::json& column) {
  const auto rows = finite_number(member(column, "rows"));
  const auto nulls = finite_number(member(column, "nulls"));
  if (!rows || !nulls || *rows <= 0) return "–";
  return format_number(100.0 * *nulls / *rows, 3) + "%";
}

std::vector<std::string> profile_row(const nlohmann::json& c) {
  std::vector<std::string> row = {column_name(c), column_type(c), cell_text(member(c, "rows")),
                                  cell_text(member(c, "nulls")), null_share(c)};
  for (const char* key : {"distinct", "mean", "stddev", "min", "q1", "median", "q3", "max"})
    row.push_back(cell_text(member(c, key)));
  return row;
}

bool column_histogram(HtmlOut& out, const nlohmann::json& column, const std::string& name) {
  const nlohmann::json& h = member(column, "histogram");
  HistogramChart chart;
  chart.id = {"column-histogram", "Histogram of " + name, name};
  chart.edges = number_array(member(h, "edges"));
  chart.counts = number_array(member(h, "counts"));
  chart.x_title = truncate_text(name, 40);
  chart.y_title = "Rows";
  return histogram_chart(out, chart);
}

bool top_values(HtmlOut& out, const nlohmann::json& column, const std::string& name) {
  const nlohmann::json* top = non_empty_array(member(column, "top"));
  if (!top) return false;
  BarChart chart;
  chart.id = {"top-values", "Most frequent values of " + name, name};
  for (const auto& entry : *top) {
    if (chart.bars.size() == kMaxTopValues) break;
    const nlohmann::json& value = member(entry, "value");
    chart.bars.push_back({value.is_null() ? "(null)" : display_text(value, 80),
                          finite_number(member(entry, "count")).value_or(0)});
  }
  chart.value_title = "Rows";
  chart.width = 300;
  chart.row_height = 15;
  chart.label_chars = 18;
  chart.color = "#009E73";
  return bar_chart(out, chart);
}

void column_chart(HtmlOut& out, const nlohmann::json& column) {
  const std::string name = column_name(column);
  begin_figure(out);
  out.raw("<p class=\"colname\">").text(name).raw("<span>").text(column_type(column));
  out.raw("</span></p>");
  if (!column_histogram(out, column, name) && !top_values(out, column, name))
    out.raw("<p class=\"na\">No histogram or frequent values for this column.</p>");
  std::string caption =
      cell_text(member(column, "distinct")) + " distinct, " + null_share(column) + " null";
  end_figure(out, caption);
}

}  // namespace

void profile_table(HtmlOut& out, const nlohmann::json& columns) {
  const nlohmann::json* list = non_empty_array(columns);
  if (!list) {
    not_available(out, "Column profile");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(list->size());
  for (const auto& c : *list) rows.push_back(profile_row(c));
  data_table(out,
             {"Column", "Type", "Rows", "Nulls", "Null %", "Distinct", "Mean", "Std dev", "Min",
              "Q1", "Median", "Q3", "Max"},
             rows,
             {false, false, true, true, true, true, true, true, true, true, true, true, true});
}

void profile_charts(HtmlOut& out, const nlohmann::json& columns) {
  const nlohmann::json* list = non_empty_array(columns);
  if (!list) return;
  if (list->size() > kMaxColumnCharts)
    note(out, "Charts for the first " + format_number(kMaxColumnCharts) + " of " +
                  format_number(static_cast<double>(list->size())) + " columns.");
  begin_figures(out, "columns");
  std::size_t drawn = 0;
  for (const auto& c : *list) {
    if (drawn++ == kMaxColumnCharts) break;
    column_chart(out, c);
  }
  end_figures(out);
}

}  // namespace automl::report
