// svg_plot.hpp — what the chart files share: the <svg> element itself, a plotting area
// with linear scales, axes with ticks and titles, legends, and text that is escaped and
// shortened to fit (the full text then shows as a tooltip).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "svg_charts.hpp"

namespace automl::report::svg {

inline constexpr const char* kInk = "#1d2329";
inline constexpr const char* kMuted = "#4a5561";
inline constexpr const char* kAxis = "#8a949e";
inline constexpr const char* kGrid = "#e3e7eb";
inline constexpr double kTickFont = 10.5;
inline constexpr double kTitleFont = 11.5;

struct Range {
  double lo, hi;
};

// The range of the finite values among `values`, or {0, 1} when there are none.
Range finite_range(const std::vector<double>& values);
// `r` widened to round tick values (so ticks land on the ends), never empty.
Range nice_range(Range r, int target);

// A rectangle on the canvas and the data range it shows.
struct Plot {
  double left, top, width, height;
  Range x, y;
  double px(double v) const;
  double py(double v) const;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

void open_svg(HtmlOut& out, const ChartId& id, double width, double height);
void close_svg(HtmlOut& out);

// <text> at (x, y); `anchor` is start, middle or end; `extra` is further attributes
// of our own. Text longer than `max_chars` is cut and carries its whole self in a
// <title> child.
void text(HtmlOut& out, double x, double y, std::string_view s, std::string_view anchor,
          std::size_t max_chars = 60, std::string_view extra = {});

// Grid lines, axis lines, tick labels and axis titles of `p`.
struct Axes {
  std::vector<double> x_ticks, y_ticks;
  std::string x_title, y_title;
};
void draw_axes(HtmlOut& out, const Plot& p, const Axes& axes);

// A straight line in data coordinates, clipped to nothing: the caller keeps it inside.
void line(HtmlOut& out, const Plot& p, Point a, Point b, std::string_view stroke,
          std::string_view dash = {}, double width = 1);

// A legend in rows of `columns` entries starting at (x, y); returns its height.
enum class Mark { Line, DashedLine, Dot, Cross, Step };
struct LegendItem {
  std::string label;
  std::string color;
  Mark mark;
  std::string dash;
};
double draw_legend(HtmlOut& out, double x, double y, double column_width, int columns,
                   const std::vector<LegendItem>& items);
// The height draw_legend() will take.
double legend_height(std::size_t items, int columns);

}  // namespace automl::report::svg
