// pg/feature_values.hpp — one SQL value as a model input, and the errors that name
// the feature: shared by the jsonb, row and array readers (named_features.cpp,
// row_reader.cpp). PostgreSQL land.
#pragma once

#include <string>

#include "automl/model.hpp"
#include "automl/values.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/postgres.hpp"

namespace pg_automl {

// The model's input names, comma-separated (palloc'd).
const char* feature_list(const automl::Model& model);
[[noreturn]] void missing_feature(const automl::Model& model, const std::string& name,
                                  const char* where);
[[noreturn]] void wrong_type(const automl::ColumnSchema& input, const char* got);
automl::InputValue text_value(const char* s);

// A datum of SQL type `type` (its base type `base`) as the input's value. Types
// without a number form go through their text output: `output` when the caller
// looked it up once, else looked up here.
automl::InputValue value_from_datum(const automl::ColumnSchema& input, Datum d, Oid type, Oid base,
                                    FmgrInfo* output = nullptr);
// Whether value_from_datum reads this base type as a number (not through text).
bool read_as_number(Oid base);
// The number types and boolean, and their value as a double (a boolean as 0 or 1):
// what a numeric or boolean model input receives from such a column.
bool is_plain_number(Oid base);
double plain_number(Datum d, Oid base);

}  // namespace pg_automl
