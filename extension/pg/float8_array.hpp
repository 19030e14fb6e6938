// pg/float8_array.hpp — a float8[] argument as a plain, checked vector of doubles.
#pragma once

#include "pg/postgres.hpp"

namespace pg_automl {

struct FeatureVector {
  const double* values;
  int length;
};

// Reads a one-dimensional float8[] without NULLs, NaN or infinities; raises an
// error naming the offending element otherwise. Points into the detoasted array:
// no copy for the common case.
FeatureVector read_feature_array(ArrayType* array);

// Raises 22023 for an empty or multi-dimensional features array (any element type).
void check_one_dimensional(ArrayType* array);

// A float8[][] of rows × columns (row-major, as the array stores it); an empty array
// is 0 × 0. Refuses other shapes, NULLs, NaN and infinities naming the element.
struct FeatureMatrix {
  const double* values;
  int rows;
  int columns;
};
FeatureMatrix read_feature_matrix(ArrayType* array);

// A float8[][] of rows × columns from row-major values.
ArrayType* make_float8_matrix(const double* values, int rows, int columns);

// Builds a float8[] from n values.
ArrayType* make_float8_array(const double* values, int n);

}  // namespace pg_automl
