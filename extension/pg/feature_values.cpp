// pg/feature_values.cpp — see feature_values.hpp.
#include <cmath>

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/feature_values.hpp"
#include "pg/numeric_double.hpp"

extern "C" {
#include "utils/date.h"
#include "utils/lsyscache.h"
}

namespace pg_automl {
namespace {

// Seconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01.
constexpr double kPostgresEpochSeconds = 946684800.0;

}  // namespace

using automl::ColumnType;
using automl::InputValue;

const char* feature_list(const automl::Model& model) {
  StringInfoData names;
  initStringInfo(&names);
  for (const auto& f : model.feature_names())
    appendStringInfo(&names, "%s%s", names.len ? ", " : "", f.c_str());
  return names.data;
}

[[noreturn]] void missing_feature(const automl::Model& model, const std::string& name,
                                  const char* where) {
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("feature \"%s\" is missing from the %s", name.c_str(), where),
                  errdetail("The model takes: %s.", feature_list(model)),
                  errhint("Pass NULL for an unknown value: it is imputed as at training.")));
}

[[noreturn]] void wrong_type(const automl::ColumnSchema& input, const char* got) {
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("feature \"%s\" must be %s, got %s", input.name.c_str(),
                         input.type == ColumnType::NumericArray  ? "an array of numbers"
                         : input.type == ColumnType::Categorical ? "a string"
                         : input.type == ColumnType::Boolean     ? "a boolean"
                         : input.type == ColumnType::Numeric     ? "a number"
                                                                 : "a date or timestamp string",
                         got)));
}

InputValue text_value(const char* s) { return InputValue::of(std::string_view(s)); }

bool is_plain_number(Oid base) {
  return base == INT2OID || base == INT4OID || base == INT8OID || base == FLOAT4OID ||
         base == FLOAT8OID || base == NUMERICOID || base == BOOLOID;
}

double plain_number(Datum d, Oid base) {
  switch (base) {
    case INT2OID:
      return DatumGetInt16(d);
    case INT4OID:
      return DatumGetInt32(d);
    case INT8OID:
      return static_cast<double>(DatumGetInt64(d));
    case FLOAT4OID:
      return DatumGetFloat4(d);
    case FLOAT8OID:
      return DatumGetFloat8(d);
    case NUMERICOID:
      return numeric_to_double(DatumGetNumeric(d));
    default:  // BOOLOID: is_plain_number admits nothing else
      return DatumGetBool(d) ? 1.0 : 0.0;
  }
}

InputValue value_from_datum(const automl::ColumnSchema& input, Datum d, Oid type, Oid base,
                            FmgrInfo* output) {
  switch (base) {
    case INT2OID:
    case INT4OID:
    case INT8OID:
    case FLOAT4OID:
    case FLOAT8OID:
    case NUMERICOID:
      return InputValue::of(plain_number(d, base));
    case BOOLOID:
      if (input.type == ColumnType::Categorical)
        return text_value(DatumGetBool(d) ? "true" : "false");
      return InputValue::of(DatumGetBool(d) ? 1.0 : 0.0);
    case DATEOID: {
      const DateADT date = DatumGetDateADT(d);
      if (DATE_NOT_FINITE(date)) wrong_type(input, "an infinite date");
      return InputValue::of(static_cast<double>(date) * 86400.0 + kPostgresEpochSeconds);
    }
    case TIMESTAMPOID:
    case TIMESTAMPTZOID: {
      const Timestamp ts = DatumGetTimestamp(d);
      if (TIMESTAMP_NOT_FINITE(ts)) wrong_type(input, "an infinite timestamp");
      return InputValue::of(static_cast<double>(ts) / 1e6 + kPostgresEpochSeconds);
    }
    default: {
      // Text, varchar, enums, arrays, anything else: its text form, which core
      // parses exactly as it parsed the training data (COPY text).
      if (output != nullptr) return text_value(OutputFunctionCall(output, d));
      Oid function;
      bool varlena;
      getTypeOutputInfo(type, &function, &varlena);
      return text_value(OidOutputFunctionCall(function, d));
    }
  }
}

bool read_as_number(Oid base) {
  switch (base) {
    case INT2OID:
    case INT4OID:
    case INT8OID:
    case FLOAT4OID:
    case FLOAT8OID:
    case NUMERICOID:
    case BOOLOID:
    case DATEOID:
    case TIMESTAMPOID:
    case TIMESTAMPTZOID:
      return true;
    default:
      return false;
  }
}

}  // namespace pg_automl
