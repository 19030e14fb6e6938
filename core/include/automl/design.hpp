// design.hpp — optimal experimental design: which runs of an experiment to do.
//
// make_design picks `runs` points from the grid of the factors' levels (the candidate
// set) so that the model the experimenter means to fit is estimated as precisely as
// possible: D-optimal (largest det X'X), I-optimal (smallest average prediction
// variance over the candidates) or A-optimal (smallest trace (X'X)^-1). It searches
// with the modified Fedorov exchange from several random nonsingular starts, and is
// deterministic for a seed. Everything is JSON in and out because the worker takes
// the request from a job's spec and stores the result as the job's output.
//
// Request:
//   {"factors":  {"temp": {"min": 150, "max": 200}, "catalyst": {"categories": ["a", "b"]}}
//                or [{"name": "temp", "min": 150, "max": 200}, ...]  (order kept),
//    "model":     "linear" | "interactions" | "quadratic" | ["temp", "temp:catalyst", "temp^2"],
//    "runs":      12 | null (null: the number of model columns + 4),
//    "criterion": "D" | "I" | "A",
//    "options":   {"levels": 3, "restarts": 10, "seed": 42, "max_iterations": 1000,
//                  "constraints": [{"terms": {"temp": 1, "time": 1}, "max": 1}],
//                  "include": [{"temp": 150, "catalyst": "a"}]}}
// A continuous factor is {"min", "max"} (options.levels equally spaced candidate
// levels, or "levels": n for that factor) or {"levels": [numbers]} (optionally with
// "min"/"max" setting the coded range); a categorical one is {"categories": [...]}.
// Continuous factors are coded to [-1, 1] over their range; categorical factors are
// treatment-coded (the first category is the reference). Constraints are linear
// inequalities on coded continuous factors; included runs (already done) count
// toward `runs`, are never exchanged, and need not lie on the grid or satisfy the
// constraints.
//
// Result:
//   {"rows": [{"catalyst": "a", "temp": 150.0}, ...], "included": [true, false, ...],
//    "columns": ["intercept", "temp", "catalyst=b", ...], "criterion": "D",
//    "log_det": ..., "d_efficiency": ..., "a_efficiency": ..., "i_criterion": ...,
//    "criterion_value": ..., "runs": N, "terms": p, "candidates": C, "restarts": R,
//    "seed": S, "iterations": ..., "converged": true}
// Rows hold uncoded values: included runs first, then the chosen runs in candidate
// order. criterion_value is log_det for D, trace (X'X)^-1 for A, i_criterion for I.
//
// Errors are automl::Error: 22023 for a request that is wrong (naming the culprit),
// 54000 when it exceeds a limit (20 factors, 500 model columns, 100,000 candidates,
// 10,000 runs, 5e6 candidates x columns, 1e10 restarts x runs x candidates x
// columns — the search's work, at the limit minutes), 57014 when the
// interrupt hook (interrupt.hpp) asks to stop.
#pragma once

#include <nlohmann/json.hpp>

namespace automl {

nlohmann::json make_design(const nlohmann::json& request);

// A design job's spec — the request plus "into_table" (a name or null) and
// options.if_exists — checked as far as it can be without searching (names, levels,
// model terms, runs against the model's size, limits, estimability), so a bad spec
// fails at INSERT. Returns the spec unchanged; throws like make_design.
nlohmann::json check_design_spec(const nlohmann::json& spec);

}  // namespace automl
