// pg/row_reader.cpp — a table row or composite as a model's inputs, read through a
// per-call-site reader: attribute positions, base types and output functions are
// looked up once per row type and model, not once per row.
#include <cmath>

#include "automl/model.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/call_site.hpp"
#include "pg/feature_values.hpp"
#include "pg/named_features.hpp"

extern "C" {
#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"
}

namespace pg_automl {
namespace {

using automl::InputValue;

// How one call site reads table rows for one model: which attribute holds each
// input, its base type and output function, looked up once instead of per row.
struct RowReader {
  const automl::Model* model;
  Oid type;
  int32 typmod;
  // The type's typcache entry (entries live as long as the backend; none for RECORD)
  // and its identifier when the reader was made: an ALTER of the type resets it.
  TypeCacheEntry* typcache;
  uint64 tupdesc_id;
  TupleDesc desc;    // a copy
  int* attribute;    // per input, 0-based
  Oid* base;         // per input
  FmgrInfo* output;  // per input read as text
  Datum* values;
  bool* nulls;
  InputValue* inputs;
  // Every input a number column of a model that takes numbers only: the row is read
  // straight into doubles (NULL as NaN, imputed the same), the float8[] path.
  bool numbers_only;
  double* numbers;
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
uint64 current_identifier(const TypeCacheEntry* entry) {
  return entry == nullptr ? 0 : entry->tupDesc_identifier;
}

RowReader* build_row_reader(FeatureReaders* readers, const automl::Model& model, Oid type,
                            int32 typmod) {
  TypeCacheEntry* entry = type == RECORDOID ? nullptr : lookup_type_cache(type, TYPECACHE_TUPDESC);
  TupleDesc desc = lookup_rowtype_tupdesc(type, typmod);
  const auto& inputs = model.inputs();
  const size_t n = inputs.size();
  auto alloc = [&](size_t bytes) { return MemoryContextAllocZero(readers->context, bytes); };
  auto* r = static_cast<RowReader*>(alloc(sizeof(RowReader)));
  r->attribute = static_cast<int*>(alloc(sizeof(int) * n));
  r->base = static_cast<Oid*>(alloc(sizeof(Oid) * n));
  r->output = static_cast<FmgrInfo*>(alloc(sizeof(FmgrInfo) * n));
  r->inputs = static_cast<InputValue*>(alloc(sizeof(InputValue) * n));
  r->numbers = static_cast<double*>(alloc(sizeof(double) * n));
  r->numbers_only = model.preprocessor().takes_numbers_only();
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
    r->numbers_only = r->numbers_only && is_plain_number(r->base[i]);
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
  r->typcache = entry;
  r->tupdesc_id = current_identifier(entry);
  readers->rows[readers->next] = r;
  readers->next = (readers->next + 1) % kReaders;
  return r;
}

// The reader for this row's type and model.
RowReader* reader_for(const automl::Model& model, HeapTupleHeader row, FunctionCallInfo fcinfo) {
  FeatureReaders* readers = readers_of(fcinfo);
  const Oid type = HeapTupleHeaderGetTypeId(row);
  const int32 typmod = HeapTupleHeaderGetTypMod(row);
  RowReader* r = nullptr;
  for (RowReader* candidate : readers->rows)
    if (candidate != nullptr && candidate->model == &model && candidate->type == type &&
        candidate->typmod == typmod &&
        current_identifier(candidate->typcache) == candidate->tupdesc_id)
      r = candidate;
  return r != nullptr ? r : build_row_reader(readers, model, type, typmod);
}

// Its values and nulls.
void deform(RowReader* r, HeapTupleHeader row) {
  HeapTupleData tuple;
  tuple.t_len = HeapTupleHeaderGetDatumLength(row);
  ItemPointerSetInvalid(&tuple.t_self);
  tuple.t_tableOid = InvalidOid;
  tuple.t_data = row;
  heap_deform_tuple(&tuple, r->desc, r->values, r->nulls);
}

}  // namespace

InputValue* inputs_from_row(const automl::Model& model, HeapTupleHeader row,
                            FunctionCallInfo fcinfo) {
  RowReader* r = reader_for(model, row, fcinfo);
  deform(r, row);
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

const double* numbers_from_row(const automl::Model& model, HeapTupleHeader row,
                               FunctionCallInfo fcinfo) {
  RowReader* r = reader_for(model, row, fcinfo);
  if (!r->numbers_only) return nullptr;
  deform(r, row);
  const size_t n = model.inputs().size();
  for (size_t i = 0; i < n; ++i) {
    const int a = r->attribute[i];
    r->numbers[i] = r->nulls[a] ? std::nan("") : plain_number(r->values[a], r->base[i]);
  }
  return r->numbers;
}

void release_feature_readers(void* readers) {
  if (readers != nullptr) MemoryContextDelete(static_cast<FeatureReaders*>(readers)->context);
}

}  // namespace pg_automl
