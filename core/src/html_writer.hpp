// html_writer.hpp — what the report renderer builds its pages from: an output buffer
// that escapes every string it is handed unless told the text is our own markup,
// locale-independent number formatting, JSON access that never throws for a missing or
// mistyped field, and the page skeleton (head, style sheet, sections, tables).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace automl::report {

// A compact number for people: integers as integers, others with `digits` significant
// digits ("0.9346", "1.5e+06"); "–" when the value is not finite.
std::string format_number(double v, int digits = 4);

// `s` with at most `max_chars` code points, an ellipsis marking the cut.
std::string truncate_text(std::string_view s, std::size_t max_chars);

// The page being written. raw() is for markup this renderer wrote; text() escapes
// & < > " ' (so its result is safe in element text and in quoted attributes alike),
// replaces invalid UTF-8 and control characters with U+FFFD.
class HtmlOut {
 public:
  HtmlOut() { buf_.reserve(1 << 16); }
  HtmlOut& raw(std::string_view s) {
    buf_.append(s);
    return *this;
  }
  HtmlOut& text(std::string_view s);
  HtmlOut& number(double v, int digits = 4) { return raw(format_number(v, digits)); }
  // An SVG coordinate or length with one decimal; never "nan" or "inf" (0 instead) and
  // clamped to ±1e6, so that a hostile number cannot make the SVG invalid.
  HtmlOut& coord(double v);
  // ` name="value"` with value escaped.
  HtmlOut& attr(std::string_view name, std::string_view value);
  // ` name="coordinate"`.
  HtmlOut& attr_coord(std::string_view name, double v);
  std::string take() { return std::move(buf_); }

 private:
  std::string buf_;
};

// JSON access. member() returns a null value when `j` is not an object or lacks `key`.
const nlohmann::json& member(const nlohmann::json& j, std::string_view key);
// A finite number, or nothing (null, strings, booleans, NaN and infinities).
std::optional<double> finite_number(const nlohmann::json& v);
// A scalar as people read it: strings as they are, numbers formatted, booleans as
// true / false, null as "", arrays and objects as compact JSON (at most `limit` chars).
std::string display_text(const nlohmann::json& v, std::size_t limit = 300);
// An object's entries as "key = value" joined by `separator`, numbers with `digits`
// significant digits; past `limit` entries, "… and N more".
std::string object_entries(const nlohmann::json& object, std::string_view separator,
                           std::size_t limit = 100, int digits = 6);
// The entries of an array as doubles, NaN for those that are not finite numbers;
// empty when `a` is not an array.
std::vector<double> number_array(const nlohmann::json& a);
// A non-empty array, or nullptr.
const nlohmann::json* non_empty_array(const nlohmann::json& v);

// The page: begin_page() writes the doctype, head (CSP, style) and the header block;
// end_page() closes it.
void begin_page(HtmlOut& out, std::string_view title, std::string_view heading,
                std::string_view subtitle);
void end_page(HtmlOut& out, std::string_view generated_at);

void begin_section(HtmlOut& out, std::string_view id, std::string_view heading);
void end_section(HtmlOut& out);
// "<what> is not available" and why, as a plain paragraph.
void not_available(HtmlOut& out, std::string_view what, std::string_view why = {});
// A short explanatory paragraph under a heading or chart.
void note(HtmlOut& out, std::string_view text);

// A two-column table of label / value; values are text (escaped).
using KeyValues = std::vector<std::pair<std::string, std::string>>;
void key_value_table(HtmlOut& out, const KeyValues& rows, std::string_view css_class = "kv");

// A table with a header row; cells are text. Columns listed in `numeric` align right.
void data_table(HtmlOut& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& numeric,
                std::string_view css_class = "grid");

// Charts sit in a wrapping row of figures; each figure has an optional caption.
void begin_figures(HtmlOut& out, std::string_view css_class = "figures");
void end_figures(HtmlOut& out);
void begin_figure(HtmlOut& out);
void end_figure(HtmlOut& out, std::string_view caption = {});

}  // namespace automl::report
