// pg/float8_array.cpp — float8[] in and out, with errors that name the element.
#include "pg/float8_array.hpp"

#include <cmath>

namespace pg_automl {

void check_one_dimensional(ArrayType* array) {
  if (ARR_NDIM(array) == 0)
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("features must not be empty")));
  if (ARR_NDIM(array) != 1)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("features must be a one-dimensional array"),
                    errdetail("The array has %d dimensions.", ARR_NDIM(array))));
}

FeatureVector read_feature_array(ArrayType* array) {
  if (ARR_ELEMTYPE(array) != FLOAT8OID)
    ereport(ERROR,
            (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("features must be a float8[] array")));
  check_one_dimensional(array);
  const int n = ARR_DIMS(array)[0];
  const int lower = ARR_LBOUND(array)[0];
  if (ARR_HASNULL(array)) {
    const bits8* nulls = ARR_NULLBITMAP(array);
    for (int i = 0; i < n; ++i)
      if (!(nulls[i / 8] & (1 << (i % 8))))
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("features[%d] is NULL", lower + i),
                 errhint("Replace NULLs before calling predict, e.g. with coalesce().")));
  }
  const double* values = reinterpret_cast<const double*>(ARR_DATA_PTR(array));
  for (int i = 0; i < n; ++i)
    if (!std::isfinite(values[i]))
      ereport(ERROR,
              (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
               errmsg("features[%d] is %s", lower + i, std::isnan(values[i]) ? "NaN" : "infinite"),
               errdetail("Models are only defined on finite inputs.")));
  return {values, n};
}

FeatureMatrix read_feature_matrix(ArrayType* array) {
  if (ARR_ELEMTYPE(array) != FLOAT8OID)
    ereport(ERROR,
            (errcode(ERRCODE_DATATYPE_MISMATCH), errmsg("features must be a float8[][] array")));
  if (ARR_NDIM(array) == 0) return {nullptr, 0, 0};
  if (ARR_NDIM(array) != 2)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("features must be a two-dimensional array, one row per prediction"),
                    errdetail("The array has %d dimension%s.", ARR_NDIM(array),
                              ARR_NDIM(array) == 1 ? "" : "s"),
                    errhint("Write ARRAY[[1, 2], [3, 4]] for two rows of two features, or "
                            "call automl.predict for one row.")));
  const int rows = ARR_DIMS(array)[0], columns = ARR_DIMS(array)[1];
  const int row0 = ARR_LBOUND(array)[0], column0 = ARR_LBOUND(array)[1];
  const long n = static_cast<long>(rows) * columns;
  if (ARR_HASNULL(array)) {
    const bits8* nulls = ARR_NULLBITMAP(array);
    for (long i = 0; i < n; ++i)
      if (!(nulls[i / 8] & (1 << (i % 8))))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("features[%d][%d] is NULL", row0 + static_cast<int>(i / columns),
                               column0 + static_cast<int>(i % columns)),
                        errhint("Replace NULLs before calling predict_batch, e.g. with "
                                "coalesce().")));
  }
  const double* values = reinterpret_cast<const double*>(ARR_DATA_PTR(array));
  for (long i = 0; i < n; ++i)
    if (!std::isfinite(values[i]))
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("features[%d][%d] is %s", row0 + static_cast<int>(i / columns),
                             column0 + static_cast<int>(i % columns),
                             std::isnan(values[i]) ? "NaN" : "infinite"),
                      errdetail("Models are only defined on finite inputs.")));
  return {values, rows, columns};
}

ArrayType* make_float8_matrix(const double* values, int rows, int columns) {
  const long n = static_cast<long>(rows) * columns;
  Datum* datums = static_cast<Datum*>(palloc(sizeof(Datum) * static_cast<size_t>(n)));
  for (long i = 0; i < n; ++i) datums[i] = Float8GetDatum(values[i]);
  int dims[2] = {rows, columns}, lower[2] = {1, 1};
  return construct_md_array(datums, nullptr, 2, dims, lower, FLOAT8OID, sizeof(double),
                            FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

ArrayType* make_float8_array(const double* values, int n) {
  Datum* datums = static_cast<Datum*>(palloc(sizeof(Datum) * static_cast<size_t>(n)));
  for (int i = 0; i < n; ++i) datums[i] = Float8GetDatum(values[i]);
  return construct_array(datums, n, FLOAT8OID, sizeof(double), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

}  // namespace pg_automl
