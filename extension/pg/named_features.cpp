// pg/named_features.cpp — building a model's input row from jsonb and number arrays,
// and choosing the reader for an argument (rows: row_reader.cpp).
#include <algorithm>
#include <cmath>

#include "automl/model.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/feature_values.hpp"
#include "pg/float8_array.hpp"
#include "pg/named_features.hpp"
#include "pg/numeric_double.hpp"

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "parser/parse_coerce.h"
#include "utils/lsyscache.h"
}

namespace pg_automl {
namespace {

using automl::ColumnType;
using automl::InputValue;

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

}  // namespace

InputValue* inputs_from_jsonb(const automl::Model& model, Jsonb* features) {
  if (!JB_ROOT_IS_OBJECT(features))
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("features must be a jsonb object of feature names and values"),
                    errhint("For example '{\"age\": 42, \"city\": \"Oslo\"}'.")));
  const auto& inputs = model.inputs();
  auto* values = static_cast<InputValue*>(palloc(sizeof(InputValue) * inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    // Into a JsonbValue of ours: no palloc per key.
    JsonbValue found;
    if (getKeyJsonValueFromContainer(&features->root, inputs[i].name.data(),
                                     static_cast<int>(inputs[i].name.size()), &found) == nullptr)
      missing_feature(model, inputs[i].name, "jsonb object");
    values[i] = value_from_jsonb(inputs[i], found);
  }
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
  const Oid base = getBaseType(elem);
  // The same rules as float8[]: a positional array has no NULLs, NaN or infinities.
  for (int i = 0; i < n; ++i) {
    if (nulls[i])
      ereport(
          ERROR,
          (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("features[%d] is NULL", lower + i),
           errhint("Replace NULLs before calling predict, e.g. with coalesce(), or pass jsonb.")));
    values[i] = value_from_datum(model.inputs()[static_cast<size_t>(i)], elements[i], elem, base);
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
  if (type_is_rowtype(type))
    return inputs_from_row(model, PG_GETARG_HEAPTUPLEHEADER(argno), fcinfo);
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
