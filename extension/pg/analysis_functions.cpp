// pg/analysis_functions.cpp — SQL access to core/'s analysis: Pareto ranks of a
// matrix of objectives (automl.pareto_front) and an OLS fit with its inference
// statistics (automl.linear_analysis). The SQL side gathers the rows into one
// two-dimensional float8[]; these functions check its shape and hand it to core/.
#include <Eigen/Dense>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "automl/error.hpp"
#include "automl/linear_analysis.hpp"
#include "automl/pareto.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/guard.hpp"

extern "C" {
#include "funcapi.h"
#include "utils/fmgrprotos.h"
}

namespace pg_automl {
namespace {

// A rows × columns float8 matrix without NULLs (column count fixed by the caller).
struct Matrix {
  const double* values;
  int rows;
  int columns;
};

Matrix read_matrix(ArrayType* array, const char* what) {
  if (ARR_ELEMTYPE(array) != FLOAT8OID || ARR_NDIM(array) != 2)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("%s must be a two-dimensional float8[] array", what)));
  if (ARR_HASNULL(array) && array_contains_nulls(array))
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s has NULL values", what)));
  return {reinterpret_cast<const double*>(ARR_DATA_PTR(array)), ARR_DIMS(array)[0],
          ARR_DIMS(array)[1]};
}

// The k flags, pointing into the array.
const bool* read_senses(ArrayType* array, int k) {
  if (ARR_ELEMTYPE(array) != BOOLOID || ARR_NDIM(array) != 1 || ARR_DIMS(array)[0] != k ||
      (ARR_HASNULL(array) && array_contains_nulls(array)))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("maximize must be a boolean[] with one element per objective")));
  return reinterpret_cast<const bool*>(ARR_DATA_PTR(array));
}

// malloc'd copies of the ranks, so they can leave cpp_guard as plain data.
struct RanksOut {
  int* front;
  double* crowding;
};

std::string linear_fit_json(const Matrix& m, const std::vector<std::string>& names, bool intercept,
                            double alpha) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const RowMajor> design(m.values, m.rows, m.columns);
  automl::LinearOptions options;
  options.intercept = intercept;
  options.alpha = alpha;
  const automl::LinearFit fit =
      automl::fit_linear(design.rightCols(m.columns - 1), design.col(0), names, options);
  nlohmann::json terms = nlohmann::json::array();
  for (const auto& t : fit.terms)
    terms.push_back({{"term", t.name},
                     {"coef", t.coef},
                     {"std_err", t.std_err},
                     {"t", t.t},
                     {"p_value", t.p_value},
                     {"ci_low", t.ci_low},
                     {"ci_high", t.ci_high},
                     {"vif", t.vif ? nlohmann::json(*t.vif) : nlohmann::json()}});
  auto optional = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  const nlohmann::json summary = {{"n", fit.n},
                                  {"df_model", fit.df_model},
                                  {"df_resid", fit.df_resid},
                                  {"r_squared", fit.r_squared},
                                  {"adj_r_squared", fit.adj_r_squared},
                                  {"f_statistic", optional(fit.f_statistic)},
                                  {"f_p_value", optional(fit.f_p_value)},
                                  {"log_likelihood", fit.log_likelihood},
                                  {"aic", fit.aic},
                                  {"bic", fit.bic},
                                  {"condition_number", fit.condition_number},
                                  {"residual_std_err", fit.residual_std_err}};
  // NaN and infinities (a perfect fit's t) become JSON null, then SQL NULL.
  return nlohmann::json{{"terms", terms}, {"summary", summary}}.dump();
}

}  // namespace

// _pareto_ranks(objectives float8[][], maximize boolean[], OUT fronts int[], OUT crowding float8[])
AUTOML_FUNCTION(automl_pareto_ranks) {
  const Matrix m = read_matrix(PG_GETARG_ARRAYTYPE_P(0), "objectives");
  const bool* maximize = read_senses(PG_GETARG_ARRAYTYPE_P(1), m.columns);
  const auto n = static_cast<std::size_t>(m.rows);
  const RanksOut out = cpp_guard([&] {
    const std::vector<double> values(m.values, m.values + n * static_cast<std::size_t>(m.columns));
    const automl::ParetoRanks ranks =
        automl::pareto_ranks(values, static_cast<std::size_t>(m.columns),
                             std::vector<bool>(maximize, maximize + m.columns));
    RanksOut copy{static_cast<int*>(std::malloc(sizeof(int) * (n + 1))),
                  static_cast<double*>(std::malloc(sizeof(double) * (n + 1)))};
    if (!copy.front || !copy.crowding) {
      std::free(copy.front);
      std::free(copy.crowding);
      throw std::bad_alloc();
    }
    std::copy(ranks.front.begin(), ranks.front.end(), copy.front);
    std::copy(ranks.crowding.begin(), ranks.crowding.end(), copy.crowding);
    return copy;
  });
  Datum* fronts = static_cast<Datum*>(palloc(sizeof(Datum) * (n + 1)));
  Datum* crowding = static_cast<Datum*>(palloc(sizeof(Datum) * (n + 1)));
  for (std::size_t i = 0; i < n; ++i) {
    fronts[i] = Int32GetDatum(out.front[i]);
    crowding[i] = Float8GetDatum(out.crowding[i]);
  }
  std::free(out.front);
  std::free(out.crowding);
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
    ereport(ERROR,
            (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("_pareto_ranks returns a record")));
  Datum values[2] = {
      PointerGetDatum(construct_array(fronts, m.rows, INT4OID, 4, true, TYPALIGN_INT)),
      PointerGetDatum(
          construct_array(crowding, m.rows, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE))};
  bool nulls[2] = {false, false};
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

// _linear_fit(design float8[][], names text[], intercept boolean, alpha float8) RETURNS jsonb:
// column 1 of design is the target, the others the regressors named by names.
AUTOML_FUNCTION(automl_linear_fit) {
  const Matrix m = read_matrix(PG_GETARG_ARRAYTYPE_P(0), "the design matrix");
  ArrayType* names_array = PG_GETARG_ARRAYTYPE_P(1);
  Datum* name_datums;
  bool* name_nulls;
  int n_names;
  deconstruct_array(names_array, TEXTOID, -1, false, TYPALIGN_INT, &name_datums, &name_nulls,
                    &n_names);
  if (n_names != m.columns - 1)
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
             errmsg("the design matrix has %d regressors but %d names", m.columns - 1, n_names)));
  const char** names =
      static_cast<const char**>(palloc(sizeof(char*) * (static_cast<size_t>(n_names) + 1)));
  for (int i = 0; i < n_names; ++i)
    names[i] = name_nulls[i] ? "" : TextDatumGetCString(name_datums[i]);
  const bool intercept = PG_GETARG_BOOL(2);
  const double alpha = PG_GETARG_FLOAT8(3);
  const char* json = cpp_guard([&] {
    return linear_fit_json(m, std::vector<std::string>(names, names + n_names), intercept, alpha);
  });
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}

}  // namespace pg_automl
