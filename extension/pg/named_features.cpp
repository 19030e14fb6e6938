// pg/named_features.cpp — building a model's input row from jsonb, rows and arrays.
#include <algorithm>
#include <cmath>

#include "automl/model.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/float8_array.hpp"
#include "pg/named_features.hpp"

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "parser/parse_coerce.h"
#include "utils/date.h"
#include "utils/typcache.h"
}

namespace pg_automl {
namespace {

using automl::ColumnType;
using automl::InputValue;

// Seconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01.
constexpr double kPostgresEpochSeconds = 946684800.0;

// The model's input names, comma-separated (palloc'd).
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

double numeric_to_double(Numeric n) {
  return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(n)));
}

InputValue text_value(const char* s) { return InputValue::of(std::string_view(s)); }

// A JSON array of numbers (or nulls) for an array feature.
InputValue array_from_jsonb(const automl::ColumnSchema& input, JsonbContainer* container) {
  if (!JsonContainerIsArray(container)) wrong_type(input, "an object");
  const int n = static_cast<int>(JsonContainerSize(container));
  double* values =
      static_cast<double*>(palloc(sizeof(double) * static_cast<size_t>(std::max(n, 1))));
  for (int i = 0; i < n; ++i) {
    JsonbValue* element = getIthJsonbValueFromContainer(container, static_cast<uint32>(i));
    if (element->type == jbvNull)
      values[i] = std::nan("");
    else if (element->type == jbvNumeric)
      values[i] = numeric_to_double(element->val.numeric);
    else
      wrong_type(input, "an array with a non-number element");
  }
  return InputValue::of(values, n);
}

InputValue value_from_jsonb(const automl::ColumnSchema& input, const JsonbValue& v) {
  switch (v.type) {
    case jbvNull:
      return InputValue::null();
    case jbvNumeric:
      if (input.type == ColumnType::NumericArray) wrong_type(input, "a number");
      return InputValue::of(numeric_to_double(v.val.numeric));
    case jbvString:
      return InputValue::of(
          std::string_view(v.val.string.val, static_cast<size_t>(v.val.string.len)));
    case jbvBool:
      if (input.type == ColumnType::Categorical)
        return text_value(v.val.boolean ? "true" : "false");
      if (input.type != ColumnType::Boolean && input.type != ColumnType::Numeric)
        wrong_type(input, "a boolean");
      return InputValue::of(v.val.boolean ? 1.0 : 0.0);
    case jbvBinary:
      if (input.type != ColumnType::NumericArray) wrong_type(input, "an array or object");
      return array_from_jsonb(input, v.val.binary.data);
    default:
      wrong_type(input, "an unexpected JSON value");
  }
}

InputValue value_from_datum(const automl::ColumnSchema& input, Datum d, Oid type) {
  const Oid base = getBaseType(type);
  switch (base) {
    case INT2OID:
      return InputValue::of(DatumGetInt16(d));
    case INT4OID:
      return InputValue::of(DatumGetInt32(d));
    case INT8OID:
      return InputValue::of(static_cast<double>(DatumGetInt64(d)));
    case FLOAT4OID:
      return InputValue::of(DatumGetFloat4(d));
    case FLOAT8OID:
      return InputValue::of(DatumGetFloat8(d));
    case NUMERICOID:
      return InputValue::of(numeric_to_double(DatumGetNumeric(d)));
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
      Oid output;
      bool varlena;
      getTypeOutputInfo(type, &output, &varlena);
      return text_value(OidOutputFunctionCall(output, d));
    }
  }
}

}  // namespace

InputValue* inputs_from_jsonb(const automl::Model& model, Jsonb* features) {
  if (!JB_ROOT_IS_OBJECT(features))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("features must be a jsonb object of feature names and values"),
                    errhint("For example '{\"age\": 42, \"city\": \"Oslo\"}'.")));
  const auto& inputs = model.inputs();
  auto* values = static_cast<InputValue*>(palloc(sizeof(InputValue) * inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    JsonbValue key;
    key.type = jbvString;
    key.val.string.val = const_cast<char*>(inputs[i].name.c_str());
    key.val.string.len = static_cast<int>(inputs[i].name.size());
    JsonbValue* found = findJsonbValueFromContainer(&features->root, JB_FOBJECT, &key);
    if (found == nullptr) missing_feature(model, inputs[i].name, "jsonb object");
    values[i] = value_from_jsonb(inputs[i], *found);
  }
  return values;
}

InputValue* inputs_from_row(const automl::Model& model, HeapTupleHeader row) {
  TupleDesc desc =
      lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(row), HeapTupleHeaderGetTypMod(row));
  HeapTupleData tuple;
  tuple.t_len = HeapTupleHeaderGetDatumLength(row);
  ItemPointerSetInvalid(&tuple.t_self);
  tuple.t_tableOid = InvalidOid;
  tuple.t_data = row;
  const auto& inputs = model.inputs();
  auto* values = static_cast<InputValue*>(palloc(sizeof(InputValue) * inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    int attnum = 0;
    for (int a = 0; a < desc->natts && attnum == 0; ++a) {
      Form_pg_attribute att = TupleDescAttr(desc, a);
      if (!att->attisdropped && inputs[i].name == NameStr(att->attname)) attnum = a + 1;
    }
    if (attnum == 0) {
      ReleaseTupleDesc(desc);
      missing_feature(model, inputs[i].name, "row");
    }
    bool is_null;
    const Datum d = heap_getattr(&tuple, attnum, desc, &is_null);
    values[i] = is_null ? InputValue::null()
                        : value_from_datum(inputs[i], d, TupleDescAttr(desc, attnum - 1)->atttypid);
  }
  ReleaseTupleDesc(desc);
  return values;
}

InputValue* inputs_from_number_array(const automl::Model& model, ArrayType* array, text* project) {
  check_one_dimensional(array);
  Datum* elements;
  bool* nulls;
  int n;
  int16 typlen;
  bool typbyval;
  char typalign;
  const Oid elem = ARR_ELEMTYPE(array);
  const int lower = ARR_LBOUND(array)[0];
  get_typlenbyvalalign(elem, &typlen, &typbyval, &typalign);
  deconstruct_array(array, elem, typlen, typbyval, typalign, &elements, &nulls, &n);
  if (n != model.n_features())
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("project \"%s\" expects %ld features, got %d", text_to_cstring(project),
                           static_cast<long>(model.n_features()), n),
                    errdetail("Features in order: %s.", feature_list(model))));
  for (const auto& input : model.inputs())
    if (input.type != ColumnType::Numeric && input.type != ColumnType::Boolean)
      ereport(ERROR,
              (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
               errmsg("project \"%s\" takes named features: its input \"%s\" is %s",
                      text_to_cstring(project), input.name.c_str(), automl::to_string(input.type)),
               errhint("Pass the features as jsonb or as a row.")));
  auto* values = static_cast<InputValue*>(palloc(sizeof(InputValue) * static_cast<size_t>(n)));
  // The same rules as float8[]: a positional array has no NULLs, NaN or infinities.
  for (int i = 0; i < n; ++i) {
    if (nulls[i])
      ereport(
          ERROR,
          (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("features[%d] is NULL", lower + i),
           errhint("Replace NULLs before calling predict, e.g. with coalesce(), or pass jsonb.")));
    values[i] = value_from_datum(model.inputs()[static_cast<size_t>(i)], elements[i], elem);
    if (values[i].kind == InputValue::Kind::Number && !std::isfinite(values[i].number))
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("features[%d] is %s", lower + i,
                             std::isnan(values[i].number) ? "NaN" : "infinite"),
                      errdetail("Models are only defined on finite inputs.")));
  }
  return values;
}

InputValue* inputs_from_argument(const automl::Model& model, FunctionCallInfo fcinfo, int argno,
                                 text* project) {
  const Oid type = get_fn_expr_argtype(fcinfo->flinfo, argno);
  if (type == JSONBOID) return inputs_from_jsonb(model, PG_GETARG_JSONB_P(argno));
  if (type_is_rowtype(type)) return inputs_from_row(model, PG_GETARG_HEAPTUPLEHEADER(argno));
  const Oid elem = get_element_type(type);
  if (elem != InvalidOid && TypeCategory(elem) == TYPCATEGORY_NUMERIC)
    return inputs_from_number_array(model, PG_GETARG_ARRAYTYPE_P(argno), project);
  ereport(
      ERROR,
      (errcode(ERRCODE_DATATYPE_MISMATCH),
       errmsg("features of type %s cannot be used", format_type_be(type)),
       errhint("Pass a float8[] in the model's feature order, a jsonb object, or a table row.")));
}

}  // namespace pg_automl
