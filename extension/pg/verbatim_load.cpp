// pg/verbatim_load.cpp — telling a restore from a submission.
//
// pg_dump saves automl.jobs (a configuration table of the extension) and pg_restore,
// or psql running a plain dump, loads it back with COPY. Those rows must come back as
// they were — succeeded jobs stay succeeded, a queued job keeps its submitter — where
// an application's INSERT is validated and has its bookkeeping reset. The INSERT
// trigger asks this function which case it is in.
#include <cctype>

#include "pg/guard.hpp"
#include "pg/postgres.hpp"

extern "C" {
#include "miscadmin.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
}

namespace pg_automl {

// True while the statement running is a COPY by a superuser or an automl_admin: rows
// it loads into automl.jobs are taken as they are. Tenants cannot COPY into a table
// with row-level security, so they cannot use this to forge a job.
AUTOML_FUNCTION(automl_loading_verbatim) {
  const char* statement = debug_query_string;
  if (statement == nullptr) PG_RETURN_BOOL(false);
  while (std::isspace(static_cast<unsigned char>(*statement))) ++statement;
  if (pg_strncasecmp(statement, "copy", 4) != 0 ||
      !std::isspace(static_cast<unsigned char>(statement[4])))
    PG_RETURN_BOOL(false);
  const Oid admin = get_role_oid("automl_admin", true);
  PG_RETURN_BOOL(superuser() || (OidIsValid(admin) && has_privs_of_role(GetUserId(), admin)));
}

}  // namespace pg_automl
