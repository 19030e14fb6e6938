// svg_bars.cpp — the charts drawn as bars: histograms (a column's values, the
// residuals) and horizontal bars with labels (feature importance, a column's most
// frequent values).
#include <algorithm>
#include <cmath>

#include "svg_plot.hpp"

namespace automl::report {
namespace {

// Edges ascending and finite, counts finite and not negative, one more edge than counts.
bool well_formed(const HistogramChart& h) {
  if (h.counts.empty() || h.edges.size() != h.counts.size() + 1) return false;
  for (std::size_t i = 0; i < h.edges.size(); ++i)
    if (!std::isfinite(h.edges[i]) || (i > 0 && h.edges[i] < h.edges[i - 1])) return false;
  return std::all_of(h.counts.begin(), h.counts.end(),
                     [](double c) { return std::isfinite(c) && c >= 0; });
}

// Tick count for an axis `pixels` long with labels about `spacing` apart.
int tick_target(double pixels, double spacing) {
  return std::max(2, static_cast<int>(pixels / spacing));
}

}  // namespace

bool histogram_chart(HtmlOut& out, const HistogramChart& h) {
  if (!well_formed(h)) return false;
  const bool small = h.size.width < 400;
  svg::Range xr{h.edges.front(), h.edges.back()};
  if (xr.hi == xr.lo) xr = svg::nice_range(xr, 2);
  const double most = *std::max_element(h.counts.begin(), h.counts.end());
  const svg::Plot p{small ? 48.0 : 64.0,
                    8,
                    h.size.width - (small ? 60.0 : 80.0),
                    h.size.height - (small ? 44.0 : 52.0),
                    xr,
                    svg::nice_range({0, most}, small ? 3 : 5)};
  svg::open_svg(out, h.id, h.size.width, h.size.height);
  svg::draw_axes(out, p,
                 {nice_ticks(xr.lo, xr.hi, tick_target(p.width, small ? 62 : 72)),
                  nice_ticks(p.y.lo, p.y.hi, tick_target(p.height, 40)), h.x_title, h.y_title});
  out.raw("<g fill=\"").raw(h.color).raw("\" stroke=\"#fff\" stroke-width=\"0.5\">\n");
  for (std::size_t i = 0; i < h.counts.size(); ++i) {
    const double x0 = p.px(h.edges[i]), x1 = p.px(h.edges[i + 1]);
    const double y = p.py(h.counts[i]);
    out.raw("<rect").attr_coord("x", x0).attr_coord("y", y);
    out.attr_coord("width", std::max(x1 - x0, 0.5)).attr_coord("height", p.bottom() - y);
    out.raw("><title>[").number(h.edges[i]).raw(", ").number(h.edges[i + 1]).raw("): ");
    out.number(h.counts[i]).raw("</title></rect>\n");
  }
  out.raw("</g>\n");
  if (h.zero_line && xr.lo <= 0 && xr.hi >= 0)
    svg::line(out, p, {0, p.y.lo}, {0, p.y.hi}, series_color(3), "5 3", 1.5);
  svg::close_svg(out);
  return true;
}

bool bar_chart(HtmlOut& out, const BarChart& chart) {
  std::vector<Bar> bars;
  double most = 0;
  for (const Bar& b : chart.bars) {
    const double v = std::isfinite(b.value) ? std::max(b.value, 0.0) : 0.0;
    bars.push_back({b.label, v});
    most = std::max(most, v);
  }
  if (bars.empty()) return false;
  std::size_t longest = 1;
  for (const Bar& b : bars)
    longest = std::max(longest, truncate_text(b.label, chart.label_chars).size());
  // Labels are mostly narrower than 6.2 px a byte; multi-byte text is shortened anyway.
  const double label_width =
      std::min(6.2 * static_cast<double>(longest), 6.2 * chart.label_chars) + 10;
  const double rows = static_cast<double>(bars.size());
  const svg::Plot p{label_width,
                    6,
                    chart.width - label_width - 44,
                    chart.row_height * rows,
                    svg::nice_range({0, most > 0 ? most : 1}, 4),
                    {0, rows}};
  const double height = p.bottom() + (chart.value_title.empty() ? 22 : 40);
  svg::open_svg(out, chart.id, chart.width, height);
  svg::draw_axes(out, p,
                 {nice_ticks(p.x.lo, p.x.hi, tick_target(p.width, 70)), {}, chart.value_title, ""});
  out.raw("<g font-size=\"11\">\n");
  const double bar_height = std::max(chart.row_height - 4, 2.0);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const double top = p.top + chart.row_height * static_cast<double>(i);
    const double middle = top + chart.row_height / 2;
    svg::text(out, p.left - 6, middle + 3.8, bars[i].label, "end", chart.label_chars);
    out.raw("<rect").attr_coord("x", p.left).attr_coord("y", middle - bar_height / 2);
    out.attr_coord("width", std::max(p.px(bars[i].value) - p.left, 0.0));
    out.attr_coord("height", bar_height).raw(" fill=\"").raw(chart.color).raw("\"/>\n");
    svg::text(out, p.px(bars[i].value) + 4, middle + 3.8, format_number(bars[i].value, 3), "start",
              12, "fill=\"#4a5561\" font-size=\"10\"");
  }
  out.raw("</g>\n");
  svg::close_svg(out);
  return true;
}

}  // namespace automl::report
