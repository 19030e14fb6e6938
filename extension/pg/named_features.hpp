// pg/named_features.hpp — a model's input row from jsonb, a table row or a number array.
//
// PostgreSQL land: values are palloc'd and errors are ereport()s that name the
// feature. The InputValues point into the argument (strings, arrays) or into
// palloc'd memory that lives until the end of the call.
#pragma once

#include "pg/postgres.hpp"

namespace automl {
class Model;
struct InputValue;
}  // namespace automl

namespace pg_automl {

// One entry per model input, in the model's order; extra keys or columns are ignored.
// Missing features raise 22023 naming them; a value of the wrong JSON or SQL type
// raises 22023 naming the feature (core raises 22P02 for unparsable text later).
automl::InputValue* inputs_from_jsonb(const automl::Model& model, Jsonb* features);
// Rows are read through the call site's cache (model_for_project must have run):
// attribute positions, types and output functions looked up once per row type.
automl::InputValue* inputs_from_row(const automl::Model& model, HeapTupleHeader row,
                                    FunctionCallInfo fcinfo);
// Any one-dimensional array of numbers (float8[], int[], numeric[] …), positional.
// `project` only names the model in error messages.
automl::InputValue* inputs_from_number_array(const automl::Model& model, ArrayType* array,
                                             text* project);

// A row as plain doubles (NULL: NaN) when the model takes numbers only and every
// input column is a number or boolean, else nullptr: the float8[] path, same answers.
const double* numbers_from_row(const automl::Model& model, HeapTupleHeader row,
                               FunctionCallInfo fcinfo);

// Frees a call site's row readers (pg/call_site.cpp, when it resolves again).
void release_feature_readers(void* readers);

// Dispatches on the SQL type of argument `argno`: jsonb, a composite row, or a number array.
automl::InputValue* inputs_from_argument(const automl::Model& model, FunctionCallInfo fcinfo,
                                         int argno, text* project);

}  // namespace pg_automl
