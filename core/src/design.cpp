// design.cpp — make_design (design.hpp): parse, build the candidates, search, and
// report the winning design with its scores, recomputed from scratch.
#include "automl/design.hpp"

#include "automl/error.hpp"
#include "design_internal.hpp"

namespace automl {
namespace {

using design::Criterion;

std::string count_text(double x) { return std::to_string(static_cast<long long>(x)); }

// Refuses problems whose candidate matrix or search would be too large.
void check_size(double runs, double candidates, double columns, double restarts) {
  const double cells = candidates * columns;
  if (cells > design::kMaxCells)
    throw Error(
        sqlstate::kProgramLimitExceeded,
        "the candidates' model matrix would have " + count_text(cells) +
            " entries, more than the limit of " + count_text(design::kMaxCells),
        count_text(candidates) + " candidate points x " + count_text(columns) + " model columns",
        "use fewer levels or fewer model terms");
  const double work = restarts * runs * cells;
  if (work > design::kMaxSearchWork)
    throw Error(sqlstate::kProgramLimitExceeded,
                "the design is too large to search: restarts x runs x candidates x model columns "
                "is " +
                    count_text(work) + ", more than the limit of " +
                    count_text(design::kMaxSearchWork),
                count_text(restarts) + " restarts, " + count_text(runs) + " runs, " +
                    count_text(candidates) + " candidates, " + count_text(columns) + " columns",
                "use fewer restarts, runs, levels or model terms");
}

nlohmann::json result_of(const design::Request& r, const design::Candidates& candidates,
                         const design::SearchResult& found, const design::Scores& s) {
  nlohmann::json rows = nlohmann::json::array(), included = nlohmann::json::array();
  for (const auto& row : r.options.include_rows) {
    rows.push_back(row);
    included.push_back(true);
  }
  for (auto j : found.chosen) {
    rows.push_back(design::uncoded_row(candidates.levels[static_cast<std::size_t>(j)], r.factors));
    included.push_back(false);
  }
  const Criterion c = r.options.criterion;
  return {{"rows", rows},
          {"included", included},
          {"columns", r.model.names},
          {"criterion", design::criterion_name(c)},
          {"log_det", s.log_det},
          {"d_efficiency", s.d_efficiency},
          {"a_efficiency", s.a_efficiency},
          {"i_criterion", s.i_criterion},
          {"criterion_value", design::criterion_value(s, c)},
          {"runs", r.options.runs},
          {"terms", r.model.columns.size()},
          {"candidates", candidates.points.size()},
          {"restarts", r.options.restarts},
          {"seed", r.options.seed},
          {"iterations", found.iterations},
          {"converged", found.converged}};
}

// What every design job needs before its search: the request parsed, the candidates
// built and within limits, the model estimable on them.
struct Prepared {
  design::Request r;
  design::Candidates candidates;
  Eigen::MatrixXd F, moments;
};

Prepared prepare(const nlohmann::json& request) {
  Prepared out{design::parse_request(request), {}, {}, {}};
  const design::Request& r = out.r;
  out.candidates = design::candidate_points(r.factors, r.options.constraints);
  check_size(static_cast<double>(r.options.runs), static_cast<double>(out.candidates.points.size()),
             static_cast<double>(r.model.columns.size()), static_cast<double>(r.options.restarts));
  out.F = design::model_matrix(r.model, out.candidates.points);
  out.moments = design::candidate_moments(out.F, r.model);
  return out;
}

}  // namespace

nlohmann::json check_design_spec(const nlohmann::json& spec) {
  if (!spec.is_object())
    invalid("the spec of a design job must be a JSON object", "got " + spec.dump());
  nlohmann::json request = spec;
  const nlohmann::json into = spec.value("into_table", nlohmann::json());
  if (!into.is_null() && !into.is_string()) invalid("\"into_table\" must be a table name or null");
  request.erase("into_table");
  const nlohmann::json options = spec.value("options", nlohmann::json::object());
  if (options.is_object() && options.contains("if_exists")) {
    const nlohmann::json& how = options["if_exists"];
    if (!how.is_string() || (how != "fail" && how != "append" && how != "replace"))
      invalid("options.if_exists must be \"fail\", \"append\" or \"replace\"", "got " + how.dump());
    request["options"].erase("if_exists");
  }
  prepare(request);
  return spec;
}

nlohmann::json make_design(const nlohmann::json& request) {
  const Prepared prepared = prepare(request);
  const design::Request& r = prepared.r;
  const design::Candidates& candidates = prepared.candidates;
  const Eigen::MatrixXd& F = prepared.F;
  const Eigen::MatrixXd& moments = prepared.moments;
  const auto p = static_cast<Eigen::Index>(r.model.columns.size());
  const Eigen::MatrixXd fixed = design::model_matrix(r.model, r.options.include);
  // trace(W (X'X)^-1) is the I criterion with W the moments, the A criterion with W = I.
  const Eigen::MatrixXd weights =
      r.options.criterion == Criterion::A ? Eigen::MatrixXd::Identity(p, p) : moments;
  const auto free_runs = static_cast<Eigen::Index>(r.options.runs) - fixed.rows();
  const design::SearchResult found =
      design::search_design({F, fixed, weights, free_runs, r.options.criterion, r.options.restarts,
                             r.options.max_iterations, r.options.seed});
  Eigen::MatrixXd X(r.options.runs, p);
  X.topRows(fixed.rows()) = fixed;
  for (std::size_t k = 0; k < found.chosen.size(); ++k)
    X.row(fixed.rows() + static_cast<Eigen::Index>(k)) = F.row(found.chosen[k]);
  return result_of(r, candidates, found, design::score_design(X, moments));
}

}  // namespace automl
