// pg/claimed_job.cpp — see claimed_job.hpp.
#include "pg/claimed_job.hpp"

#include "pg/spi.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/acl.h"
}

namespace pg_automl {
namespace {

// A copy that outlives SPI_finish.
const char* spi_strdup(const char* text) {
  if (text == nullptr) return nullptr;
  char* copy = static_cast<char*>(SPI_palloc(std::strlen(text) + 1));
  std::strcpy(copy, text);
  return copy;
}

}  // namespace

ClaimedJobRow read_claimed_job(std::int64_t job_id, std::int64_t lease, SPIPlanPtr* plan,
                               const char* fields) {
  Oid types[2] = {INT8OID, INT8OID};
  Datum args[2] = {Int64GetDatum(job_id), Int64GetDatum(lease)};
  const char* sql = psprintf(
      "SELECT j.created_by::text, j.search_path, %s FROM automl.jobs j"
      " WHERE j.id = $1 AND j.lease = $2 AND j.status = 'running'",
      fields);
  select_one_row(plan, sql, 2, types, args, true, "reading the claimed job");
  if (SPI_processed != 1)
    ereport(ERROR, (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
                    errmsg("job %lld is no longer claimed by this worker (lease %lld)",
                           static_cast<long long>(job_id), static_cast<long long>(lease))));
  HeapTuple row = SPI_tuptable->vals[0];
  TupleDesc desc = SPI_tuptable->tupdesc;
  ClaimedJobRow out{};
  out.submitter_name = spi_strdup(SPI_getvalue(row, desc, 1));
  // Jobs queued before 0.2.0 recorded no search_path: PostgreSQL's default.
  const char* search_path = SPI_getvalue(row, desc, 2);
  out.search_path = spi_strdup(search_path != nullptr ? search_path : "\"$user\", public");
  for (int i = 0; i < 3 && i + 3 <= desc->natts; ++i)
    out.fields[i] = spi_strdup(SPI_getvalue(row, desc, i + 3));
  out.submitter = get_role_oid(out.submitter_name, true);
  if (!OidIsValid(out.submitter))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                    errmsg("role \"%s\", which submitted job %lld, does not exist",
                           out.submitter_name, static_cast<long long>(job_id))));
  if (!is_member_of_role(GetUserId(), out.submitter))
    ereport(
        ERROR,
        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
         errmsg("permission denied to set role \"%s\"", out.submitter_name),
         errdetail("A job runs as the role that submitted it, and the worker's login \"%s\" "
                   "is not a member of \"%s\".",
                   GetUserNameFromId(GetUserId(), false), out.submitter_name),
         errhint("GRANT \"%s\" TO the worker's login (docs/security.md).", out.submitter_name)));
  SPI_finish();
  return out;
}

}  // namespace pg_automl
