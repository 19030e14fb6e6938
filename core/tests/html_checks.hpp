// html_checks.hpp — a strict reader of the report pages for the tests. The renderer
// writes a small, known vocabulary, so the test reads every tag and refuses anything
// outside it: an element or attribute it never writes (a <script>, an onerror=) can
// only be an injection. It also checks that elements nest, that attribute values that
// are coordinates are plain numbers (never nan or inf), and that every & starts an
// entity the renderer writes.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace automl::report_test {

struct PageCheck {
  std::vector<std::string> problems;
  std::size_t tags = 0;
  bool ok() const { return problems.empty(); }
};

inline bool known_entity(const std::string& page, std::size_t amp) {
  for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"})
    if (page.compare(amp, std::char_traits<char>::length(e), e) == 0) return true;
  return false;
}

inline void check_attribute(PageCheck& check, const std::string& name, const std::string& value) {
  static const std::set<std::string> kAllowed = {"lang",
                                                 "charset",
                                                 "http-equiv",
                                                 "content",
                                                 "name",
                                                 "class",
                                                 "id",
                                                 "scope",
                                                 "data-chart",
                                                 "data-column",
                                                 "role",
                                                 "aria-label",
                                                 "viewBox",
                                                 "width",
                                                 "height",
                                                 "font-family",
                                                 "fill",
                                                 "x",
                                                 "y",
                                                 "x1",
                                                 "y1",
                                                 "x2",
                                                 "y2",
                                                 "cx",
                                                 "cy",
                                                 "r",
                                                 "d",
                                                 "stroke",
                                                 "stroke-width",
                                                 "stroke-dasharray",
                                                 "stroke-linejoin",
                                                 "fill-opacity",
                                                 "text-anchor",
                                                 "transform",
                                                 "font-size",
                                                 "font-weight"};
  static const std::set<std::string> kCoordinates = {
      "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "stroke-width"};
  static const std::regex kNumber("-?[0-9]+(\\.[0-9]+)?");
  static const std::regex kNumbers("(-?[0-9]+(\\.[0-9]+)? ?)+");
  static const std::regex kPath("[MLHVlm0-9. -]*");
  static const std::regex kTransform("rotate\\(-?[0-9]+(\\.[0-9]+)? -?[0-9.]+ -?[0-9.]+\\)");
  if (!kAllowed.count(name)) check.problems.push_back("attribute " + name + "=\"" + value + "\"");
  const auto refuse = [&] { check.problems.push_back("bad " + name + "=\"" + value + "\""); };
  if (kCoordinates.count(name) && !std::regex_match(value, kNumber)) refuse();
  if (name == "viewBox" && !std::regex_match(value, kNumbers)) refuse();
  if (name == "d" && !std::regex_match(value, kPath)) refuse();
  if (name == "transform" && !std::regex_match(value, kTransform)) refuse();
}

// Reads `<name attr="value" ...>` starting after '<'; returns the position after '>'.
inline std::size_t read_tag(PageCheck& check, const std::string& page, std::size_t at,
                            std::vector<std::string>& open) {
  static const std::set<std::string> kElements = {
      "html", "head", "meta", "title", "style",   "body",       "div",    "header",
      "h1",   "h2",   "h3",   "p",     "section", "table",      "thead",  "tbody",
      "tr",   "th",   "td",   "span",  "figure",  "figcaption", "footer", "svg",
      "g",    "path", "line", "rect",  "circle",  "text"};
  const std::size_t end = page.find('>', at);
  if (end == std::string::npos) {
    check.problems.push_back("unterminated tag");
    return page.size();
  }
  std::string tag = page.substr(at, end - at);
  if (tag.rfind("!DOCTYPE", 0) == 0) return end + 1;
  const bool closing = !tag.empty() && tag[0] == '/';
  const bool self_closing = !tag.empty() && tag.back() == '/';
  if (closing) tag.erase(0, 1);
  if (self_closing) tag.pop_back();
  const std::string name = tag.substr(0, tag.find(' '));
  if (!kElements.count(name)) check.problems.push_back("element <" + name + ">");
  static const std::regex kAttribute(" ([a-zA-Z-]+)=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(tag.begin() + static_cast<long>(name.size()), tag.end(),
                                      kAttribute);
       it != std::sregex_iterator(); ++it)
    check_attribute(check, (*it)[1], (*it)[2]);
  if (closing) {
    if (open.empty() || open.back() != name)
      check.problems.push_back("</" + name + "> closes " +
                               (open.empty() ? "nothing" : open.back()));
    else
      open.pop_back();
  } else if (!self_closing && name != "meta") {
    open.push_back(name);
  }
  ++check.tags;
  return end + 1;
}

inline PageCheck check_page(const std::string& page) {
  PageCheck check;
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < page.size()) {
    if (page[i] == '<') {
      i = read_tag(check, page, i + 1, open);
      if (!open.empty() && open.back() == "style") {  // CSS: skip to its end tag
        const std::size_t end = page.find("</style>", i);
        i = end == std::string::npos ? page.size() : end;
      }
      continue;
    }
    if (page[i] == '&' && !known_entity(page, i))
      check.problems.push_back("bare & at " + std::to_string(i));
    if (page[i] == '>') check.problems.push_back("bare > at " + std::to_string(i));
    ++i;
  }
  for (const std::string& name : open) check.problems.push_back("<" + name + "> never closed");
  return check;
}

inline std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

inline std::size_t charts(const std::string& page, const std::string& name) {
  return count(page, "data-chart=\"" + name + "\"");
}

// The <svg> … </svg> of the first chart called `name`.
inline std::string chart_svg(const std::string& page, const std::string& name) {
  const std::size_t at = page.find("<svg data-chart=\"" + name + "\"");
  if (at == std::string::npos) return "";
  return page.substr(at, page.find("</svg>", at) - at);
}

// What every page must be: readable by the strict reader, one <svg> closed per <svg>
// opened, nothing that loads or runs.
inline void expect_clean(const std::string& page) {
  const PageCheck check = check_page(page);
  EXPECT_TRUE(check.ok()) << check.problems.size()
                          << " problems, first: " << check.problems.front();
  EXPECT_GT(check.tags, 10u);
  EXPECT_EQ(count(page, "<svg"), count(page, "</svg>"));
  std::string lower = page;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* banned :
       {"<script", "javascript:", "http://", "https://", "url(", "=\"nan", "=\"inf"})
    EXPECT_EQ(lower.find(banned), std::string::npos) << banned;
  EXPECT_NE(page.find("Content-Security-Policy"), std::string::npos);
}

}  // namespace automl::report_test
