// report_data.cpp — render_data_report(): the page behind
// automl.describe_report(relation). The relation and how it was sampled, a table of
// every column's profile, a small chart per column, and the correlations of the
// numeric columns as a diverging heat map.
#include <cmath>
#include <string>
#include <vector>

#include "automl/report.hpp"
#include "report_sections.hpp"
#include "svg_charts.hpp"

namespace automl::report {
namespace {

using nlohmann::json;

// A heat map of more columns than this has cells too small to see.
constexpr std::size_t kMaxCorrelationColumns = 50;

void summary(HtmlOut& out, const json& doc) {
  begin_section(out, "summary", "Relation");
  const json& sampled = member(doc, "sampled");
  const std::string sampling = !sampled.is_boolean() ? ""
                               : sampled.get<bool>() ? "yes, a sample of the rows"
                                                     : "no, every row";
  key_value_table(
      out, {{"Relation", display_text(member(doc, "relation"))},
            {"Rows", display_text(member(doc, "rows"))},
            {"Sampled", sampling},
            {"Rows profiled", display_text(member(doc, "sample_rows"))},
            {"Columns", member(doc, "columns").is_array()
                            ? format_number(static_cast<double>(member(doc, "columns").size()))
                            : ""}});
  end_section(out);
}

// The correlation matrix as a heat map, or nothing when it is not square.
bool correlation_heatmap(HtmlOut& out, const json& columns, const json& matrix) {
  const std::size_t n = std::min(columns.size(), kMaxCorrelationColumns);
  if (!matrix.is_array() || matrix.size() < n) return false;
  Heatmap m;
  m.id = {"correlation-heatmap", "Correlations of the numeric columns", ""};
  for (std::size_t i = 0; i < n; ++i) m.rows.push_back(display_text(columns[i], 200));
  m.cols = m.rows;
  for (std::size_t r = 0; r < n; ++r) {
    const std::vector<double> row = number_array(matrix[r]);
    for (std::size_t c = 0; c < n; ++c) m.values.push_back(c < row.size() ? row[c] : NAN);
  }
  m.shades = m.values;
  m.row_title = m.col_title = "Column";
  m.legend_title = "Correlation";
  m.legend_low = "−1";
  m.legend_high = "+1";
  m.diverging = true;
  return heatmap_chart(out, m);
}

void correlations(HtmlOut& out, const json& doc) {
  begin_section(out, "correlations", "Correlations");
  const json& corr = member(doc, "correlations");
  const json& columns = member(corr, "columns");
  if (!columns.is_array() || columns.size() < 2) {
    not_available(out, "Correlations", "fewer than two numeric columns");
    end_section(out);
    return;
  }
  if (columns.size() > kMaxCorrelationColumns)
    note(out, "The first " + format_number(kMaxCorrelationColumns) + " of " +
                  format_number(static_cast<double>(columns.size())) + " numeric columns.");
  begin_figure(out);
  if (!correlation_heatmap(out, columns, member(corr, "matrix")))
    not_available(out, "Correlations", "the matrix does not match its columns");
  end_figure(out,
             "Pearson correlation of each pair of numeric columns: blue positive, vermillion "
             "negative, white none; grey where it is undefined.");
  end_section(out);
}

}  // namespace
}  // namespace automl::report

namespace automl {

std::string render_data_report(const nlohmann::json& doc) {
  using namespace report;
  std::string relation = display_text(member(doc, "relation"), 200);
  if (relation.empty()) relation = "(relation not named)";
  const std::string rows = display_text(member(doc, "rows"));
  HtmlOut out;
  begin_page(out, "Data report: " + relation, relation, rows.empty() ? "" : rows + " rows");
  summary(out, doc);
  begin_section(out, "columns", "Columns");
  profile_table(out, member(doc, "columns"));
  end_section(out);
  begin_section(out, "column-charts", "Column distributions");
  const json& columns = member(doc, "columns");
  if (non_empty_array(columns))
    profile_charts(out, columns);
  else
    not_available(out, "Column distributions");
  end_section(out);
  correlations(out, doc);
  end_page(out, display_text(member(doc, "generated_at")));
  return out.take();
}

}  // namespace automl
