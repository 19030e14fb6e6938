// svg_curves.cpp — the charts drawn as lines and points: ROC and precision-recall
// curves, the calibration (reliability) diagram, predicted against actual, and a
// search's trials with their running best.
#include <algorithm>
#include <cmath>

#include "svg_plot.hpp"

namespace automl::report {
namespace {

using svg::Plot;

constexpr double kWidth = 460;

bool finite(Point p) { return std::isfinite(p.x) && std::isfinite(p.y); }

Point clamp_unit(Point p) { return {std::clamp(p.x, 0.0, 1.0), std::clamp(p.y, 0.0, 1.0)}; }

// A path through the finite points in order; a non-finite point breaks the line.
void polyline(HtmlOut& out, const Plot& p, const std::vector<Point>& points,
              std::string_view stroke, std::string_view dash, double width) {
  out.raw("<path fill=\"none\" stroke-linejoin=\"round\" stroke=\"").raw(stroke).raw("\"");
  out.attr_coord("stroke-width", width);
  if (!dash.empty()) out.raw(" stroke-dasharray=\"").raw(dash).raw("\"");
  out.raw(" d=\"");
  bool pen_down = false;
  for (const Point& pt : points) {
    if (!finite(pt)) {
      pen_down = false;
      continue;
    }
    out.raw(pen_down ? " L" : " M").coord(p.px(pt.x)).raw(" ").coord(p.py(pt.y));
    pen_down = true;
  }
  out.raw("\"/>\n");
}

std::size_t count_finite(const std::vector<Point>& points) {
  return static_cast<std::size_t>(std::count_if(points.begin(), points.end(), finite));
}

}  // namespace

bool curve_chart(HtmlOut& out, const CurveChart& chart) {
  std::vector<const Series*> drawn;
  for (const Series& s : chart.series)
    if (count_finite(s.points) > 0) drawn.push_back(&s);
  if (drawn.empty()) return false;
  std::vector<svg::LegendItem> legend;
  for (std::size_t i = 0; i < drawn.size(); ++i)
    legend.push_back({drawn[i]->label, series_color(i), svg::Mark::Line, series_dash(i)});
  if (chart.chance_diagonal) legend.push_back({"Chance", svg::kAxis, svg::Mark::DashedLine, ""});
  const Plot p{58, 12, 380, 300, {0, 1}, {0, 1}};
  const double legend_top = p.bottom() + 44;
  const double height = legend_top + svg::legend_height(legend.size(), 2) + 6;
  svg::open_svg(out, chart.id, kWidth, height);
  const std::vector<double> ticks = nice_ticks(0, 1, 5);
  svg::draw_axes(out, p, {ticks, ticks, chart.x_title, chart.y_title});
  if (chart.chance_diagonal) svg::line(out, p, {0, 0}, {1, 1}, svg::kAxis, "5 4");
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    std::vector<Point> points = drawn[i]->points;
    for (Point& pt : points)
      if (finite(pt)) pt = clamp_unit(pt);
    polyline(out, p, points, series_color(i), series_dash(i), 2);
  }
  svg::draw_legend(out, p.left, legend_top, p.width / 2, 2, legend);
  svg::close_svg(out);
  return true;
}

bool calibration_chart(HtmlOut& out, const ChartId& id, const std::string& x_title,
                       const std::string& y_title, const std::vector<CalibrationBin>& bins) {
  std::vector<CalibrationBin> kept;
  double most = 0;
  for (const CalibrationBin& b : bins) {
    if (!std::isfinite(b.predicted) || !std::isfinite(b.observed)) continue;
    kept.push_back({std::clamp(b.predicted, 0.0, 1.0), std::clamp(b.observed, 0.0, 1.0),
                    std::isfinite(b.count) && b.count > 0 ? b.count : 0});
    most = std::max(most, kept.back().count);
  }
  if (kept.empty()) return false;
  std::sort(kept.begin(), kept.end(), [](const CalibrationBin& a, const CalibrationBin& b) {
    return a.predicted < b.predicted;
  });
  const Plot p{58, 12, 380, 300, {0, 1}, {0, 1}};
  const double legend_top = p.bottom() + 44;
  svg::open_svg(out, id, kWidth, legend_top + svg::legend_height(2, 2) + 6);
  const std::vector<double> ticks = nice_ticks(0, 1, 5);
  svg::draw_axes(out, p, {ticks, ticks, x_title, y_title});
  svg::line(out, p, {0, 0}, {1, 1}, svg::kAxis, "5 4");
  std::vector<Point> path;
  for (const CalibrationBin& b : kept) path.push_back({b.predicted, b.observed});
  polyline(out, p, path, series_color(0), "", 1.5);
  // Area proportional to the bin's rows, so a point resting on few rows looks light.
  out.raw("<g fill=\"").raw(series_color(0)).raw("\" fill-opacity=\"0.75\" stroke=\"#fff\">\n");
  for (const CalibrationBin& b : kept) {
    const double r = 2.5 + (most > 0 ? 6.5 * std::sqrt(b.count / most) : 0);
    out.raw("<circle").attr_coord("cx", p.px(b.predicted)).attr_coord("cy", p.py(b.observed));
    out.attr_coord("r", r).raw("><title>").number(b.count).raw(" rows: mean predicted ");
    out.number(b.predicted, 3).raw(", observed ").number(b.observed, 3).raw("</title></circle>\n");
  }
  out.raw("</g>\n");
  svg::draw_legend(out, p.left, legend_top, p.width / 2, 2,
                   {{"Model (area: rows)", series_color(0), svg::Mark::Dot, ""},
                    {"Perfectly calibrated", svg::kAxis, svg::Mark::DashedLine, ""}});
  svg::close_svg(out);
  return true;
}

bool scatter_chart(HtmlOut& out, const ChartId& id, const std::string& x_title,
                   const std::string& y_title, const std::vector<Point>& points) {
  std::vector<double> values;
  for (const Point& pt : points)
    if (finite(pt)) values.insert(values.end(), {pt.x, pt.y});
  if (values.empty()) return false;
  // One range for both axes, so the identity line is the diagonal.
  const svg::Range range = svg::nice_range(svg::finite_range(values), 5);
  const Plot p{64, 12, 374, 320, range, range};
  const double legend_top = p.bottom() + 44;
  svg::open_svg(out, id, kWidth, legend_top + svg::legend_height(2, 2) + 6);
  const std::vector<double> ticks = nice_ticks(range.lo, range.hi, 5);
  svg::draw_axes(out, p, {ticks, ticks, x_title, y_title});
  out.raw("<g fill=\"").raw(series_color(0)).raw("\" fill-opacity=\"0.45\">\n");
  for (const Point& pt : points) {
    if (!finite(pt)) continue;
    out.raw("<circle").attr_coord("cx", p.px(pt.x)).attr_coord("cy", p.py(pt.y));
    out.raw(" r=\"2.4\"/>\n");
  }
  out.raw("</g>\n");
  svg::line(out, p, {range.lo, range.lo}, {range.hi, range.hi}, series_color(3), "6 4", 1.5);
  svg::draw_legend(out, p.left, legend_top, p.width / 2, 2,
                   {{"Rows (" + format_number(static_cast<double>(values.size() / 2)) + ")",
                     series_color(0), svg::Mark::Dot, ""},
                    {"Predicted = actual", series_color(3), svg::Mark::DashedLine, ""}});
  svg::close_svg(out);
  return true;
}

namespace {

// The best value so far after each scored trial, in trial order.
std::vector<Point> running_best(const std::vector<TrialPoint>& trials, bool higher_is_better) {
  std::vector<Point> best;
  for (const TrialPoint& t : trials) {
    if (!t.value || !std::isfinite(t.trial)) continue;
    const bool better =
        best.empty() || (higher_is_better ? *t.value > best.back().y : *t.value < best.back().y);
    best.push_back({t.trial, better ? *t.value : best.back().y});
  }
  return best;
}

void step_line(HtmlOut& out, const Plot& p, const std::vector<Point>& best) {
  if (best.empty()) return;
  out.raw("<path fill=\"none\" stroke-width=\"2\" stroke=\"").raw(series_color(3));
  out.raw("\" d=\"M").coord(p.px(best[0].x)).raw(" ").coord(p.py(best[0].y));
  for (std::size_t i = 1; i < best.size(); ++i)
    out.raw(" H").coord(p.px(best[i].x)).raw(" V").coord(p.py(best[i].y));
  out.raw("\"/>\n");
}

}  // namespace

bool trials_chart(HtmlOut& out, const ChartId& id, const std::vector<TrialPoint>& trials,
                  const std::string& metric, bool higher_is_better) {
  std::vector<TrialPoint> sorted;
  std::vector<double> numbers, values;
  for (const TrialPoint& t : trials) {
    if (!std::isfinite(t.trial)) continue;
    const bool scored = t.value && std::isfinite(*t.value);
    sorted.push_back({t.trial, scored ? t.value : std::nullopt});
    numbers.push_back(t.trial);
    if (scored) values.push_back(*t.value);
  }
  if (sorted.empty()) return false;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const TrialPoint& a, const TrialPoint& b) { return a.trial < b.trial; });
  const svg::Range xr = svg::finite_range(numbers);
  const Plot p{
      64, 12, 820, 230, {xr.lo - 0.5, xr.hi + 0.5}, svg::nice_range(svg::finite_range(values), 5)};
  std::vector<double> x_ticks;
  for (double t : nice_ticks(xr.lo, xr.hi, 12))
    if (t == std::floor(t)) x_ticks.push_back(t);  // trials are whole numbers
  const double legend_top = p.bottom() + 44;
  svg::open_svg(out, id, 900, legend_top + svg::legend_height(1, 3) + 6);
  svg::draw_axes(out, p, {x_ticks, nice_ticks(p.y.lo, p.y.hi, 5), "Trial", metric});
  step_line(out, p, running_best(sorted, higher_is_better));
  out.raw("<g fill=\"").raw(series_color(0)).raw("\" fill-opacity=\"0.8\">\n");
  for (const TrialPoint& t : sorted)
    if (t.value) {
      out.raw("<circle").attr_coord("cx", p.px(t.trial)).attr_coord("cy", p.py(*t.value));
      out.raw(" r=\"3.2\"><title>Trial ")
          .number(t.trial)
          .raw(": ")
          .number(*t.value)
          .raw("</title></circle>\n");
    }
  out.raw("</g>\n<g fill=\"none\" stroke=\"#000\" stroke-width=\"1.6\">\n");
  std::size_t failed = 0;
  for (const TrialPoint& t : sorted)
    if (!t.value) {
      ++failed;
      out.raw("<path d=\"M").coord(p.px(t.trial) - 3.5).raw(" ").coord(p.bottom() - 3.5);
      out.raw(" l7 7 m0 -7 l-7 7\"><title>Trial ").number(t.trial).raw(" failed</title></path>\n");
    }
  out.raw("</g>\n");
  std::vector<svg::LegendItem> legend = {{"Trial score", series_color(0), svg::Mark::Dot, ""},
                                         {"Best so far", series_color(3), svg::Mark::Step, ""}};
  if (failed > 0) legend.push_back({"Failed trial", "#000", svg::Mark::Cross, ""});
  svg::draw_legend(out, p.left, legend_top, 200, 3, legend);
  svg::close_svg(out);
  return true;
}

}  // namespace automl::report
