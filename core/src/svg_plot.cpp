// svg_plot.cpp — the pieces every chart is built from: nice round ticks, linear scales,
// the <svg> element, axes and legends. Text is sized for an 11 px system font; widths
// of labels are estimated from their length (no font metrics without a browser), which
// is why labels are shortened before they could collide.
#include "svg_plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace automl::report {
namespace {

// 1, 2 or 5 × 10^k, the nearest at or above a rough step.
double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * magnitude;
}

// Whether [lo, hi] is a range ticks can be computed for.
bool usable(double lo, double hi) {
  return std::isfinite(lo) && std::isfinite(hi) && std::isfinite(hi - lo) && hi - lo > 1e-300;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (lo > hi) std::swap(lo, hi);
  if (std::isfinite(lo) && lo == hi) return {lo};
  if (!usable(lo, hi)) return {};
  const double step = nice_step((hi - lo) / std::max(target, 1));
  if (!std::isfinite(step) || step <= 0) return {};
  // The tolerance keeps 0.30000000000000004 / 0.1 a tick.
  const double first = std::ceil(lo / step - 1e-9), last = std::floor(hi / step + 1e-9);
  if (!(last - first <= 200)) return {};
  std::vector<double> ticks;
  for (double k = first; k <= last; ++k) {
    const double v = k * step;
    ticks.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  }
  return ticks;
}

const char* series_color(std::size_t i) {
  static constexpr std::array<const char*, 8> kOkabeIto = {
      "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
  return kOkabeIto[i % kOkabeIto.size()];
}

const char* series_dash(std::size_t i) {
  static constexpr std::array<const char*, 3> kDashes = {"", "7 3", "2 2"};
  return kDashes[(i / 8) % kDashes.size()];
}

namespace svg {

Range finite_range(const std::vector<double>& values) {
  Range r{INFINITY, -INFINITY};
  for (double v : values)
    if (std::isfinite(v)) r = {std::min(r.lo, v), std::max(r.hi, v)};
  return r.lo <= r.hi ? r : Range{0, 1};
}

Range nice_range(Range r, int target) {
  if (!std::isfinite(r.lo) || !std::isfinite(r.hi)) return {0, 1};
  if (r.lo > r.hi) std::swap(r.lo, r.hi);
  if (!usable(r.lo, r.hi)) {
    const double pad = r.lo == 0 ? 1 : std::fabs(r.lo) * 0.1;
    r = {r.lo - pad, r.hi + pad};
    if (!usable(r.lo, r.hi)) return {0, 1};
  }
  const double step = nice_step((r.hi - r.lo) / std::max(target, 1));
  const Range nice{std::floor(r.lo / step + 1e-9) * step, std::ceil(r.hi / step - 1e-9) * step};
  return usable(nice.lo, nice.hi) ? nice : r;
}

double Plot::px(double v) const {
  if (x.hi == x.lo) return left + width / 2;
  return left + (v - x.lo) / (x.hi - x.lo) * width;
}

double Plot::py(double v) const {
  if (y.hi == y.lo) return top + height / 2;
  return bottom() - (v - y.lo) / (y.hi - y.lo) * height;
}

void open_svg(HtmlOut& out, const ChartId& id, double width, double height) {
  out.raw("<svg").attr("data-chart", id.name);
  if (!id.column.empty()) out.attr("data-column", id.column);
  out.raw(" role=\"img\"").attr("aria-label", id.title).raw(" viewBox=\"0 0 ");
  out.coord(width).raw(" ").coord(height).raw("\"");
  out.attr_coord("width", width).attr_coord("height", height);
  out.raw(" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\"")
      .raw(" fill=\"")
      .raw(kInk)
      .raw("\"><title>")
      .text(id.title)
      .raw("</title>\n");
}

void close_svg(HtmlOut& out) { out.raw("</svg>"); }

void text(HtmlOut& out, double x, double y, std::string_view s, std::string_view anchor,
          std::size_t max_chars, std::string_view extra) {
  out.raw("<text").attr_coord("x", x).attr_coord("y", y);
  if (anchor != "start") out.raw(" text-anchor=\"").raw(anchor).raw("\"");
  if (!extra.empty()) out.raw(" ").raw(extra);
  out.raw(">");
  const std::string shown = truncate_text(s, max_chars);
  if (shown != s) out.raw("<title>").text(s).raw("</title>");
  out.text(shown).raw("</text>\n");
}

void line(HtmlOut& out, const Plot& p, Point a, Point b, std::string_view stroke,
          std::string_view dash, double width) {
  out.raw("<line")
      .attr_coord("x1", p.px(a.x))
      .attr_coord("y1", p.py(a.y))
      .attr_coord("x2", p.px(b.x))
      .attr_coord("y2", p.py(b.y))
      .raw(" stroke=\"")
      .raw(stroke)
      .raw("\"");
  if (width != 1) out.attr_coord("stroke-width", width);
  if (!dash.empty()) out.raw(" stroke-dasharray=\"").raw(dash).raw("\"");
  out.raw("/>\n");
}

namespace {

void grid_and_axis_lines(HtmlOut& out, const Plot& p, const Axes& axes) {
  out.raw("<g stroke=\"").raw(kGrid).raw("\">\n");
  for (double t : axes.x_ticks) line(out, p, {t, p.y.lo}, {t, p.y.hi}, kGrid);
  for (double t : axes.y_ticks) line(out, p, {p.x.lo, t}, {p.x.hi, t}, kGrid);
  out.raw("</g>\n<path fill=\"none\" stroke=\"").raw(kAxis).raw("\" d=\"M");
  out.coord(p.left).raw(" ").coord(p.top).raw(" V").coord(p.bottom()).raw(" H");
  out.coord(p.right()).raw("\"/>\n");
}

}  // namespace

void draw_axes(HtmlOut& out, const Plot& p, const Axes& axes) {
  grid_and_axis_lines(out, p, axes);
  out.raw("<g font-size=\"10.5\" fill=\"").raw(kMuted).raw("\">\n");
  for (double t : axes.x_ticks) text(out, p.px(t), p.bottom() + 14, format_number(t, 4), "middle");
  std::size_t widest = 1;
  for (double t : axes.y_ticks) {
    const std::string label = format_number(t, 4);
    widest = std::max(widest, label.size());
    text(out, p.left - 6, p.py(t) + 3.5, label, "end");
  }
  out.raw("</g>\n<g font-size=\"11.5\">\n");
  if (!axes.x_title.empty())
    text(out, p.left + p.width / 2, p.bottom() + 31, axes.x_title, "middle");
  if (!axes.y_title.empty()) {
    const double x = p.left - 14 - 6.0 * static_cast<double>(widest);
    const double y = p.top + p.height / 2;
    HtmlOut rotate;
    rotate.raw("transform=\"rotate(-90 ").coord(x).raw(" ").coord(y).raw(")\"");
    text(out, x, y, axes.y_title, "middle", static_cast<std::size_t>(p.height / 6.5),
         rotate.take());
  }
  out.raw("</g>\n");
}

double legend_height(std::size_t items, int columns) {
  const auto per_row = static_cast<std::size_t>(std::max(columns, 1));
  return 16.0 * static_cast<double>((items + per_row - 1) / per_row);
}

namespace {

void legend_mark(HtmlOut& out, double x, double y, const LegendItem& item) {
  switch (item.mark) {
    case Mark::Dot:
      out.raw("<circle").attr_coord("cx", x + 9).attr_coord("cy", y).raw(" r=\"3.5\" fill=\"");
      out.raw(item.color).raw("\"/>\n");
      return;
    case Mark::Cross:
      out.raw("<path fill=\"none\" stroke-width=\"1.6\" stroke=\"").raw(item.color).raw("\" d=\"M");
      out.coord(x + 5.5).raw(" ").coord(y - 3.5).raw(" l7 7 m0 -7 l-7 7\"/>\n");
      return;
    default: {
      out.raw("<line").attr_coord("x1", x).attr_coord("y1", y).attr_coord("x2", x + 18);
      out.attr_coord("y2", y).raw(" stroke-width=\"2\" stroke=\"").raw(item.color).raw("\"");
      const std::string dash = item.mark == Mark::DashedLine ? "5 4" : item.dash;
      if (!dash.empty()) out.raw(" stroke-dasharray=\"").raw(dash).raw("\"");
      out.raw("/>\n");
    }
  }
}

}  // namespace

double draw_legend(HtmlOut& out, double x, double y, double column_width, int columns,
                   const std::vector<LegendItem>& items) {
  const auto per_row = static_cast<std::size_t>(std::max(columns, 1));
  const auto label_chars = static_cast<std::size_t>(std::max(4.0, (column_width - 30) / 6.2));
  out.raw("<g font-size=\"11\">\n");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const double ix = x + column_width * static_cast<double>(i % per_row);
    const double iy = y + 16.0 * static_cast<double>(i / per_row) + 8;
    legend_mark(out, ix, iy, items[i]);
    text(out, ix + 24, iy + 4, items[i].label, "start", label_chars);
  }
  out.raw("</g>\n");
  return legend_height(items.size(), columns);
}

}  // namespace svg
}  // namespace automl::report
