// pg/outbound_urls.cpp — who may make the server or the worker open which URL.
//
// automl_internal._check_outbound_url(url, purpose, for_role) returns the URL
// normalised (the text to fetch) or raises: 22023 for a malformed URL, 42501 for one
// the role may not use. It decides for `for_role`, which must be the caller unless
// the caller is a member of automl_worker (the worker checks a job's or a webhook's
// owner, again at every transfer). The rules and the parsing are core's
// (url_policy.cpp); this file maps roles and settings into them.
#include <string>

#include "automl/url_policy.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/guard.hpp"
#include "pg/outbound_urls.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/guc.h"
}

namespace pg_automl {
namespace {

char* import_allowed_urls = nullptr;
char* import_directory = nullptr;

// A setting that core refuses is refused when it is set (SET, ALTER SYSTEM, a reload):
// the error is copied out of the catch block before PostgreSQL formats it.
template <typename Check>
bool check_setting(const char* value, Check check) {
  static char error[512];
  error[0] = '\0';
  try {
    if (value != nullptr && value[0] != '\0') check(std::string(value));
  } catch (const std::exception& e) {
    copy_text(error, sizeof error, e.what());
  }
  if (error[0] == '\0') return true;
  GUC_check_errdetail("%s", error);
  return false;
}

bool check_allowed_urls(char** newval, void**, GucSource) {
  return check_setting(*newval, [](const std::string& v) { automl::parse_url_prefixes(v); });
}

bool check_import_directory(char** newval, void**, GucSource) {
  return check_setting(*newval, [](const std::string& v) { automl::normalize_directory(v); });
}

Oid role_oid(const char* name) { return get_role_oid(name, true); }

bool member_of(Oid role, const char* group) {
  const Oid g = role_oid(group);
  return OidIsValid(g) && is_member_of_role(role, g);
}

}  // namespace

void define_outbound_url_settings() {
  DefineCustomStringVariable(
      "automl.import_allowed_urls",
      "URL prefixes that roles below automl_admin may import from or post webhooks to.",
      "Comma- or space-separated http(s) prefixes; a URL matches on whole components "
      "(scheme, host, port, then path segments). Empty: none.",
      &import_allowed_urls, "", PGC_SUSET, 0, check_allowed_urls, nullptr, nullptr);
  DefineCustomStringVariable("automl.import_directory",
                             "Directory that superusers' file:// imports must lie under.",
                             "An absolute path. Empty: no file:// imports.", &import_directory, "",
                             PGC_SUSET, 0, check_import_directory, nullptr, nullptr);
}

// _check_outbound_url(url text, purpose text, for_role name) RETURNS text
AUTOML_FUNCTION(automl_check_outbound_url) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                    errmsg("url, purpose and role must not be NULL")));
  const char* url = text_to_cstring(PG_GETARG_TEXT_PP(0));
  const char* purpose = text_to_cstring(PG_GETARG_TEXT_PP(1));
  const char* role_name = NameStr(*PG_GETARG_NAME(2));
  const Oid role = role_oid(role_name);
  if (!OidIsValid(role))
    ereport(ERROR,
            (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("role \"%s\" does not exist", role_name)));
  if (role != GetUserId() && !member_of(GetUserId(), "automl_worker"))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to check a url for role \"%s\"", role_name),
                    errdetail("Only members of automl_worker may check a URL for another role.")));
  const bool superuser = superuser_arg(role), admin = member_of(role, "automl_admin");
  const char* allowed = import_allowed_urls != nullptr ? import_allowed_urls : "";
  const char* directory = import_directory != nullptr ? import_directory : "";
  char* normalized = cpp_guard([&] {
    return automl::check_outbound_url(url, automl::parse_url_purpose(purpose),
                                      automl::UrlRole{role_name, superuser, admin},
                                      automl::UrlSettings{allowed, directory});
  });
  PG_RETURN_TEXT_P(cstring_to_text(normalized));
}

}  // namespace pg_automl
