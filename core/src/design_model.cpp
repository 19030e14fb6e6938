// design_model.cpp — the model a design is for: its terms (a named model or a list
// such as ["A", "B", "A:B", "A^2"]), the model-matrix columns they expand to (a
// categorical factor contributes one treatment-coded dummy per non-reference
// category, and so does each interaction with it), and the model matrix of points.
#include <algorithm>
#include <cctype>

#include "automl/error.hpp"
#include "design_internal.hpp"

namespace automl::design {
namespace {

// A term: (factor, power) per factor it multiplies; power 1 or 2.
using Term = std::vector<std::pair<int, int>>;

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

std::string trimmed(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::pair<int, int> parse_piece(const std::string& piece, const std::string& term,
                                const std::vector<Factor>& factors) {
  std::string name = piece;
  int power = 1;
  const auto caret = piece.find('^');
  if (caret != std::string::npos) {
    if (trimmed(piece.substr(caret + 1)) != "2")
      invalid("model term " + in_quotes(term) + ": the only power a term can have is ^2");
    name = trimmed(piece.substr(0, caret));
    power = 2;
  }
  if (name.empty()) invalid("model term " + in_quotes(term) + " has an empty part");
  for (int k = 0; k < static_cast<int>(factors.size()); ++k) {
    if (factors[k].name != name) continue;
    if (power == 2 && factors[k].categorical)
      invalid("model term " + in_quotes(term) + ": factor " + in_quotes(name) +
              " is categorical, so it has no quadratic term");
    return {k, power};
  }
  invalid("model term " + in_quotes(term) + ": unknown factor " + in_quotes(name));
}

// Parses "A:B^2"; an empty result stands for the intercept.
Term parse_term(const std::string& text, const std::vector<Factor>& factors) {
  const std::string term = trimmed(text);
  if (term.empty()) invalid("a model term must not be empty");
  if (term == "intercept" || term == "1") return {};
  Term out;
  std::size_t start = 0;
  while (true) {
    const auto colon = term.find(':', start);
    const auto piece =
        trimmed(term.substr(start, colon == std::string::npos ? colon : colon - start));
    const auto part = parse_piece(piece, term, factors);
    for (const auto& [f, power] : out)
      if (f == part.first)
        invalid("model term " + in_quotes(term) + ": factor " + in_quotes(factors[f].name) +
                    " appears twice",
                "", "write " + factors[f].name + "^2 for its square");
    out.push_back(part);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

std::vector<Term> named_model(const std::string& name, const std::vector<Factor>& factors) {
  if (name != "linear" && name != "interactions" && name != "quadratic")
    invalid("model must be \"linear\", \"interactions\", \"quadratic\" or an array of terms",
            "got " + in_quotes(name));
  const int n = static_cast<int>(factors.size());
  std::vector<Term> terms;
  for (int a = 0; a < n; ++a) terms.push_back({{a, 1}});
  if (name == "linear") return terms;
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b) terms.push_back({{a, 1}, {b, 1}});
  if (name == "interactions") return terms;
  // A square needs three distinct levels to be told apart from the intercept.
  for (int a = 0; a < n; ++a)
    if (!factors[a].categorical && factors[a].levels.size() >= 3) terms.push_back({{a, 2}});
  return terms;
}

std::vector<Term> listed_model(const nlohmann::json& list, const std::vector<Factor>& factors) {
  if (list.size() > static_cast<std::size_t>(kMaxColumns))
    throw Error(sqlstate::kProgramLimitExceeded,
                "the model lists more than " + std::to_string(kMaxColumns) + " terms");
  std::vector<Term> terms, seen;
  for (const auto& t : list) {
    if (!t.is_string()) invalid("each model term must be a string", "got " + t.dump());
    Term term = parse_term(t.get<std::string>(), factors);
    if (term.empty()) continue;  // the intercept is always there
    Term key = term;
    std::sort(key.begin(), key.end());
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      invalid("model term " + in_quotes(t.get<std::string>()) + " appears twice");
    seen.push_back(key);
    terms.push_back(std::move(term));
  }
  return terms;
}

// The columns a term expands to: one per combination of its categorical factors'
// non-reference categories.
void expand(const Term& term, const std::vector<Factor>& factors, Model& model) {
  std::vector<Column> columns{{}};
  std::vector<std::string> names{""};
  for (const auto& [f, power] : term) {
    const Factor& factor = factors[f];
    std::vector<Column> next;
    std::vector<std::string> next_names;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::string prefix = names[c].empty() ? "" : names[c] + ":";
      if (!factor.categorical) {
        next.push_back(columns[c]);
        next.back().emplace_back(f, power);
        next_names.push_back(prefix + factor.name + (power == 2 ? "^2" : ""));
        continue;
      }
      for (std::size_t k = 1; k < factor.categories.size(); ++k) {
        next.push_back(columns[c]);
        next.back().emplace_back(f, static_cast<int>(k));
        next_names.push_back(prefix + factor.name + "=" + factor.labels[k]);
      }
    }
    columns = std::move(next);
    names = std::move(next_names);
  }
  model.columns.insert(model.columns.end(), columns.begin(), columns.end());
  model.names.insert(model.names.end(), names.begin(), names.end());
}

// Columns a term expands to, saturating rather than overflowing.
double width(const Term& term, const std::vector<Factor>& factors) {
  double w = 1;
  for (const auto& [f, power] : term)
    if (factors[f].categorical) w *= static_cast<double>(factors[f].categories.size() - 1);
  return w;
}

}  // namespace

Model parse_model(const nlohmann::json& model, const std::vector<Factor>& factors) {
  std::vector<Term> terms;
  if (model.is_string())
    terms = named_model(model.get<std::string>(), factors);
  else if (model.is_array())
    terms = listed_model(model, factors);
  else
    invalid("model must be \"linear\", \"interactions\", \"quadratic\" or an array of terms",
            "got " + model.dump());
  double columns = 1;
  for (const auto& t : terms) columns += width(t, factors);
  if (columns > kMaxColumns)
    throw Error(sqlstate::kProgramLimitExceeded,
                "the model has " + std::to_string(static_cast<long long>(columns)) +
                    " columns, more than the limit of " + std::to_string(kMaxColumns),
                "", "use fewer terms, or fewer categories in the categorical factors");
  Model out;
  for (const auto& f : factors) out.categorical.push_back(f.categorical);
  out.names.push_back("intercept");
  out.columns.push_back({});
  for (const auto& t : terms) expand(t, factors, out);
  return out;
}

Eigen::MatrixXd model_matrix(const Model& model, const std::vector<Point>& points) {
  const auto n = static_cast<Eigen::Index>(points.size());
  const auto p = static_cast<Eigen::Index>(model.columns.size());
  Eigen::MatrixXd X(n, p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const Column& column = model.columns[static_cast<std::size_t>(j)];
    for (Eigen::Index i = 0; i < n; ++i) {
      const Point& x = points[static_cast<std::size_t>(i)];
      double v = 1;
      for (const auto& [f, k] : column) {
        const double xf = x[static_cast<std::size_t>(f)];
        // A categorical factor's k is the dummy's category, a continuous one's the power.
        if (model.categorical[static_cast<std::size_t>(f)])
          v *= xf == static_cast<double>(k) ? 1.0 : 0.0;
        else
          v *= k == 2 ? xf * xf : xf;
      }
      X(i, j) = v;
    }
  }
  return X;
}

}  // namespace automl::design
