// svg_charts.hpp — the report's charts as inline SVG, drawn from plain data (the report
// sections read the JSON document; these know nothing of it). Every chart is an
// <svg data-chart="NAME" role="img"> with a <title> and aria-label, nice round axis
// ticks, axis titles and, for more than one series, a legend. Points with a coordinate
// that is not finite are left out; a chart with nothing left to draw is not drawn and
// the function returns false so the caller can say so.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "html_writer.hpp"

namespace automl::report {

struct ChartId {
  std::string name;    // data-chart
  std::string title;   // <title> and aria-label
  std::string column;  // data-column of a per-column chart; empty for none
};

struct ChartSize {
  double width, height;
};

struct Point {
  double x, y;
};

struct Series {
  std::string label;
  std::vector<Point> points;
};

// Round tick values (1, 2 or 5 × 10^k apart) inside [lo, hi], about `target` of them;
// empty when the range is not finite.
std::vector<double> nice_ticks(double lo, double hi, int target);

// Okabe–Ito colours, the strongest on white first; series past the eighth reuse them
// with a dash pattern (series_dash).
const char* series_color(std::size_t i);
const char* series_dash(std::size_t i);

// Curves on the unit square: ROC (with the chance diagonal) and precision-recall.
struct CurveChart {
  ChartId id;
  std::string x_title, y_title;
  std::vector<Series> series;
  bool chance_diagonal = false;
};
bool curve_chart(HtmlOut& out, const CurveChart& chart);

// Reliability diagram: mean predicted probability against the observed fraction, one
// point per bin sized by its row count, and the diagonal of perfect calibration.
struct CalibrationBin {
  double predicted, observed, count;
};
bool calibration_chart(HtmlOut& out, const ChartId& id, const std::string& x_title,
                       const std::string& y_title, const std::vector<CalibrationBin>& bins);

// Scatter of (x, y) with the identity line: predicted against actual.
bool scatter_chart(HtmlOut& out, const ChartId& id, const std::string& x_title,
                   const std::string& y_title, const std::vector<Point>& points);

// A search's trials: one point per scored trial, the best so far as a step line, and
// failed trials (no value) as crosses on the x axis.
struct TrialPoint {
  double trial;
  std::optional<double> value;
};
bool trials_chart(HtmlOut& out, const ChartId& id, const std::vector<TrialPoint>& trials,
                  const std::string& metric, bool higher_is_better);

// Histogram from bin edges (counts.size() + 1 of them, ascending) and counts; with
// `zero_line`, a reference line at x = 0.
struct HistogramChart {
  ChartId id;
  std::vector<double> edges, counts;
  std::string x_title, y_title;
  ChartSize size{300, 150};
  bool zero_line = false;
  const char* color = "#56B4E9";
};
bool histogram_chart(HtmlOut& out, const HistogramChart& chart);

// Horizontal bars with their labels on the left, in the order given; the height
// follows from the number of bars.
struct Bar {
  std::string label;
  double value;
};
struct BarChart {
  ChartId id;
  std::vector<Bar> bars;
  std::string value_title;
  double width = 460, row_height = 18;
  std::size_t label_chars = 28;
  const char* color = "#0072B2";
};
bool bar_chart(HtmlOut& out, const BarChart& chart);

// A heat map of rows × columns. `shades` give the colour (sequential: 0..1 from white
// to blue; diverging: -1..1 from vermillion through white to blue; NaN: no value) and
// `values` the number printed in each cell when the map is at most 15 × 15. With
// `totals`, a row and a column of sums of `values` close the map.
struct Heatmap {
  ChartId id;
  std::vector<std::string> rows, cols;
  std::vector<double> values, shades;  // rows × cols, row-major
  std::string row_title, col_title, legend_title;
  std::string legend_low, legend_high;  // labels of the colour bar's ends
  bool diverging = false;
  bool totals = false;
};
bool heatmap_chart(HtmlOut& out, const Heatmap& map);

}  // namespace automl::report
