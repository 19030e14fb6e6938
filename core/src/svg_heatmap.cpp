// svg_heatmap.cpp — heat maps: the confusion matrix (sequential, white to blue, so it
// reads in greyscale too) and the correlation matrix (diverging, vermillion through
// white to blue). Cells print their value while the map is small enough to read
// (15 × 15), and the text turns white on dark cells.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "svg_plot.hpp"

namespace automl::report {
namespace {

struct Rgb {
  double r, g, b;
};

constexpr Rgb kWhite{255, 255, 255}, kBlue{0, 114, 178}, kVermillion{213, 94, 0};
constexpr std::size_t kMaxLabelled = 15;

Rgb mix(Rgb a, Rgb b, double t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

Rgb shade_color(double shade, bool diverging) {
  if (!diverging) return mix(kWhite, kBlue, std::clamp(shade, 0.0, 1.0));
  shade = std::clamp(shade, -1.0, 1.0);
  return shade < 0 ? mix(kWhite, kVermillion, -shade) : mix(kWhite, kBlue, shade);
}

std::string hex(Rgb c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", static_cast<int>(std::lround(c.r)),
                static_cast<int>(std::lround(c.g)), static_cast<int>(std::lround(c.b)));
  return buf;
}

// WCAG relative luminance, to pick black or white text on a cell.
bool dark(Rgb c) {
  const auto channel = [](double v) {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b) < 0.3;
}

struct Layout {
  double cell, left, top, label_height;
  std::size_t label_chars;
  bool labelled, rotate;
};

Layout layout(const Heatmap& m) {
  const std::size_t n = std::max(m.rows.size(), m.cols.size()) + (m.totals ? 1 : 0);
  Layout l{};
  l.labelled = m.rows.size() <= kMaxLabelled && m.cols.size() <= kMaxLabelled;
  l.cell = std::clamp(430.0 / static_cast<double>(n), l.labelled ? 30.0 : 9.0, 64.0);
  l.label_chars = l.labelled ? 16 : 12;
  std::size_t widest_row = 1, widest_col = 1;
  for (const auto& r : m.rows)
    widest_row = std::max(widest_row, truncate_text(r, l.label_chars).size());
  for (const auto& c : m.cols)
    widest_col = std::max(widest_col, truncate_text(c, l.label_chars).size());
  if (m.totals) widest_row = std::max<std::size_t>(widest_row, 5);
  const double row_label = 6.2 * static_cast<double>(std::min(widest_row, l.label_chars + 1));
  const double col_label = 6.2 * static_cast<double>(std::min(widest_col, l.label_chars + 1));
  l.left = 26 + row_label + 6;
  l.top = 8;
  l.rotate = col_label > l.cell - 4;
  l.label_height = l.rotate ? col_label * 0.72 + 16 : 18;
  return l;
}

void cell(HtmlOut& out, const Heatmap& m, const Layout& l, std::size_t r, std::size_t c) {
  const std::size_t i = r * m.cols.size() + c;
  const double x = l.left + l.cell * static_cast<double>(c),
               y = l.top + l.cell * static_cast<double>(r);
  const bool empty = !std::isfinite(m.shades[i]);
  const Rgb color = empty ? Rgb{238, 241, 244} : shade_color(m.shades[i], m.diverging);
  out.raw("<rect").attr_coord("x", x).attr_coord("y", y).attr_coord("width", l.cell);
  out.attr_coord("height", l.cell)
      .raw(" stroke=\"#fff\" fill=\"")
      .raw(hex(color))
      .raw("\"><title>");
  out.text(m.row_title).raw(" ").text(m.rows[r]).raw(", ").text(m.col_title).raw(" ");
  out.text(m.cols[c]).raw(": ").number(m.values[i]).raw("</title></rect>\n");
  if (!l.labelled) return;
  const std::string label = std::isfinite(m.values[i]) ? format_number(m.values[i], 2) : "–";
  svg::text(out, x + l.cell / 2, y + l.cell / 2 + 4, label, "middle", 8,
            dark(color) ? "fill=\"#fff\"" : "");
}

// Row and column sums of the values, in a grey margin.
void totals(HtmlOut& out, const Heatmap& m, const Layout& l) {
  const std::size_t nr = m.rows.size(), nc = m.cols.size();
  std::vector<double> row_sum(nr, 0), col_sum(nc, 0);
  for (std::size_t r = 0; r < nr; ++r)
    for (std::size_t c = 0; c < nc; ++c)
      if (const double v = m.values[r * nc + c]; std::isfinite(v)) {
        row_sum[r] += v;
        col_sum[c] += v;
      }
  double all = 0;
  for (double v : row_sum) all += v;
  const auto put = [&](double x, double y, double v) {
    out.raw("<rect").attr_coord("x", x).attr_coord("y", y).attr_coord("width", l.cell);
    out.attr_coord("height", l.cell)
        .raw(" stroke=\"#fff\" fill=\"#f4f6f8\"><title>Total: ")
        .number(v)
        .raw("</title></rect>\n");
    if (l.labelled)
      svg::text(out, x + l.cell / 2, y + l.cell / 2 + 4, format_number(v), "middle", 8,
                "font-weight=\"600\"");
  };
  const double right = l.left + l.cell * static_cast<double>(nc);
  const double below = l.top + l.cell * static_cast<double>(nr);
  for (std::size_t r = 0; r < nr; ++r)
    put(right, l.top + l.cell * static_cast<double>(r), row_sum[r]);
  for (std::size_t c = 0; c < nc; ++c)
    put(l.left + l.cell * static_cast<double>(c), below, col_sum[c]);
  put(right, below, all);
}

void labels(HtmlOut& out, const Heatmap& m, const Layout& l, double grid_w, double grid_h) {
  std::vector<std::string> rows = m.rows, cols = m.cols;
  if (m.totals) rows.push_back("Total"), cols.push_back("Total");
  const std::string font = l.labelled ? "font-size=\"11\"" : "font-size=\"9\"";
  for (std::size_t r = 0; r < rows.size(); ++r)
    svg::text(out, l.left - 5, l.top + l.cell * (static_cast<double>(r) + 0.5) + 3.5, rows[r],
              "end", l.label_chars, font);
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const double x = l.left + l.cell * (static_cast<double>(c) + 0.5), y = l.top + grid_h + 13;
    HtmlOut extra;
    extra.raw(font);
    if (l.rotate) extra.raw(" transform=\"rotate(-45 ").coord(x).raw(" ").coord(y - 4).raw(")\"");
    svg::text(out, x, y, cols[c], l.rotate ? "end" : "middle", l.label_chars, extra.take());
  }
  HtmlOut rotate;
  const double ty = l.top + grid_h / 2;
  rotate.raw("font-size=\"11.5\" transform=\"rotate(-90 14 ").coord(ty).raw(")\"");
  svg::text(out, 14, ty, m.row_title, "middle", 40, rotate.take());
  svg::text(out, l.left + grid_w / 2, l.top + grid_h + l.label_height + 12, m.col_title, "middle",
            60, "font-size=\"11.5\"");
}

// A colour bar of ten steps (no gradient: it would need url(), which the page avoids).
void colour_bar(HtmlOut& out, const Heatmap& m, double x, double top, double height) {
  constexpr int kSteps = 10;
  const double step = height / kSteps;
  for (int i = 0; i < kSteps; ++i) {
    const double t = (kSteps - i - 0.5) / kSteps;
    const double shade = m.diverging ? 2 * t - 1 : t;
    out.raw("<rect").attr_coord("x", x).attr_coord("y", top + step * i).raw(" width=\"12\"");
    out.attr_coord("height", step + 0.3).raw(" fill=\"").raw(hex(shade_color(shade, m.diverging)));
    out.raw("\"/>\n");
  }
  out.raw("<rect fill=\"none\" stroke=\"#8a949e\" stroke-width=\"0.5\"").attr_coord("x", x);
  out.attr_coord("y", top).raw(" width=\"12\"").attr_coord("height", height).raw("/>\n");
  svg::text(out, x + 16, top + 8, m.legend_high, "start", 10, "font-size=\"10\"");
  svg::text(out, x + 16, top + height, m.legend_low, "start", 10, "font-size=\"10\"");
  if (m.diverging)
    svg::text(out, x + 16, top + height / 2 + 4, "0", "start", 10, "font-size=\"10\"");
  HtmlOut rotate;
  rotate.raw("font-size=\"10.5\" fill=\"#4a5561\" transform=\"rotate(90 ").coord(x + 50);
  rotate.raw(" ").coord(top + height / 2).raw(")\"");
  svg::text(out, x + 50, top + height / 2, m.legend_title, "middle", 30, rotate.take());
}

}  // namespace

bool heatmap_chart(HtmlOut& out, const Heatmap& m) {
  const std::size_t n = m.rows.size() * m.cols.size();
  if (n == 0 || m.values.size() != n || m.shades.size() != n) return false;
  const Layout l = layout(m);
  const double extra = m.totals ? 1 : 0;
  const double grid_w = l.cell * (static_cast<double>(m.cols.size()) + extra);
  const double grid_h = l.cell * (static_cast<double>(m.rows.size()) + extra);
  const double width = l.left + grid_w + 76, height = l.top + grid_h + l.label_height + 22;
  svg::open_svg(out, m.id, width, height);
  for (std::size_t r = 0; r < m.rows.size(); ++r)
    for (std::size_t c = 0; c < m.cols.size(); ++c) cell(out, m, l, r, c);
  if (m.totals) totals(out, m, l);
  labels(out, m, l, grid_w, grid_h);
  colour_bar(out, m, l.left + grid_w + 14, l.top, std::min(grid_h, 220.0));
  svg::close_svg(out);
  return true;
}

}  // namespace automl::report
