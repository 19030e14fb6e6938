// pg/named_features.cpp — building a model's input row from jsonb, rows and arrays.
#include <algorithm>
#include <cmath>

#include "automl/model.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/call_site.hpp"
#include "pg/float8_array.hpp"
#include "pg/named_features.hpp"
#include "pg/numeric_double.hpp"

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "parser/parse_coerce.h"
#include "utils/date.h"
#include "utils/memutils.h"
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

// A datum of SQL type `type` (its base type `base`) as the input's value. Types
// without a number form go through their text output: `output` when the caller
// looked it up once, else looked up here.
InputValue value_from_datum(const automl::ColumnSchema& input, Datum d, Oid type, Oid base,
                            FmgrInfo* output = nullptr) {
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

// How one call site reads table rows for one model: which attribute holds each
// input, its base type and output function, looked up once instead of per row.
struct RowReader {
  const automl::Model* model;
  Oid type;
  int32 typmod;
  uint64 tupdesc_id;  // the typcache's identifier: changes when the row type does
  TupleDesc desc;     // a copy
  int* attribute;     // per input, 0-based
  Oid* base;          // per input
  FmgrInfo* output;   // per input read as text
  Datum* values;
  bool* nulls;
  InputValue* inputs;
};

constexpr int kReaders = Deployment::kMaxArms + 1;  // every model a site may serve

struct FeatureReaders {
  MemoryContext context;  // a child of fn_mcxt, deleted when the site resolves again
  RowReader* rows[kReaders];
  int next;
};

FeatureReaders* readers_of(FunctionCallInfo fcinfo) {
  void** slot = feature_reader_slot(fcinfo);
  if (*slot == nullptr) {
    MemoryContext context = AllocSetContextCreate(
        fcinfo->flinfo->fn_mcxt, "pg_automl feature readers", ALLOCSET_SMALL_SIZES);
    auto* readers =
        static_cast<FeatureReaders*>(MemoryContextAllocZero(context, sizeof(FeatureReaders)));
    readers->context = context;
    *slot = readers;
  }
  return static_cast<FeatureReaders*>(*slot);
}

// A registered record type (RECORD with a typmod) never changes: 0 stands for it.
uint64 row_type_identifier(Oid type) {
  if (type == RECORDOID) return 0;
  return lookup_type_cache(type, TYPECACHE_TUPDESC)->tupDesc_identifier;
}

RowReader* build_row_reader(FeatureReaders* readers, const automl::Model& model, Oid type,
                            int32 typmod, uint64 identifier) {
  TupleDesc desc = lookup_rowtype_tupdesc(type, typmod);
  const auto& inputs = model.inputs();
  const size_t n = inputs.size();
  auto alloc = [&](size_t bytes) { return MemoryContextAllocZero(readers->context, bytes); };
  auto* r = static_cast<RowReader*>(alloc(sizeof(RowReader)));
  r->attribute = static_cast<int*>(alloc(sizeof(int) * n));
  r->base = static_cast<Oid*>(alloc(sizeof(Oid) * n));
  r->output = static_cast<FmgrInfo*>(alloc(sizeof(FmgrInfo) * n));
  r->inputs = static_cast<InputValue*>(alloc(sizeof(InputValue) * n));
  for (size_t i = 0; i < n; ++i) {
    int found = -1;
    for (int a = 0; a < desc->natts && found < 0; ++a) {
      Form_pg_attribute att = TupleDescAttr(desc, a);
      if (!att->attisdropped && inputs[i].name == NameStr(att->attname)) found = a;
    }
    if (found < 0) {
      ReleaseTupleDesc(desc);
      missing_feature(model, inputs[i].name, "row");
    }
    const Oid att_type = TupleDescAttr(desc, found)->atttypid;
    r->attribute[i] = found;
    r->base[i] = getBaseType(att_type);
    if (!read_as_number(r->base[i])) {
      Oid function;
      bool varlena;
      getTypeOutputInfo(att_type, &function, &varlena);
      fmgr_info_cxt(function, &r->output[i], readers->context);
    }
  }
  MemoryContext previous = MemoryContextSwitchTo(readers->context);
  r->desc = CreateTupleDescCopy(desc);
  MemoryContextSwitchTo(previous);
  ReleaseTupleDesc(desc);
  const auto natts = static_cast<size_t>(r->desc->natts);
  r->values = static_cast<Datum*>(alloc(sizeof(Datum) * natts));
  r->nulls = static_cast<bool*>(alloc(sizeof(bool) * natts));
  r->model = &model;
  r->type = type;
  r->typmod = typmod;
  r->tupdesc_id = identifier;
  readers->rows[readers->next] = r;
  readers->next = (readers->next + 1) % kReaders;
  return r;
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

InputValue* inputs_from_row(const automl::Model& model, HeapTupleHeader row,
                            FunctionCallInfo fcinfo) {
  FeatureReaders* readers = readers_of(fcinfo);
  const Oid type = HeapTupleHeaderGetTypeId(row);
  const int32 typmod = HeapTupleHeaderGetTypMod(row);
  const uint64 identifier = row_type_identifier(type);
  RowReader* r = nullptr;
  for (RowReader* candidate : readers->rows)
    if (candidate != nullptr && candidate->model == &model && candidate->type == type &&
        candidate->typmod == typmod && candidate->tupdesc_id == identifier)
      r = candidate;
  if (r == nullptr) r = build_row_reader(readers, model, type, typmod, identifier);
  HeapTupleData tuple;
  tuple.t_len = HeapTupleHeaderGetDatumLength(row);
  ItemPointerSetInvalid(&tuple.t_self);
  tuple.t_tableOid = InvalidOid;
  tuple.t_data = row;
  heap_deform_tuple(&tuple, r->desc, r->values, r->nulls);
  const auto& inputs = model.inputs();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int a = r->attribute[i];
    r->inputs[i] =
        r->nulls[a] ? InputValue::null()
                    : value_from_datum(inputs[i], r->values[a], TupleDescAttr(r->desc, a)->atttypid,
                                       r->base[i], &r->output[i]);
  }
  return r->inputs;
}

void release_feature_readers(void* readers) {
  if (readers != nullptr) MemoryContextDelete(static_cast<FeatureReaders*>(readers)->context);
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
