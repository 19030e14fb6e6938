// url_policy.hpp — which URLs the extension and the worker may fetch from or post to.
//
// Server-side request forgery is the risk: a tenant who names a URL makes the worker
// (or the server) open it. Every outbound URL is parsed and normalised here, with
// libcurl's own URL parser (curl_url), so the check and the transfer read a URL the
// same way, and the transfer uses the normalised text the check returned. Then a
// policy decides: administrators may reach any http(s) URL; everybody else only URLs
// under one of the prefixes a superuser allowed (automl.import_allowed_urls);
// file:// URLs are for a superuser's imports, under automl.import_directory.
// PostgreSQL-free: the extension maps roles and GUCs into the plain structs below.
#pragma once

#include <string>
#include <vector>

namespace automl {

// A URL as libcurl parses it, normalised: scheme and host in lower case, a trailing
// dot of the host removed, the default port dropped, dot segments removed, the
// fragment dropped (it is never sent).
struct Url {
  std::string scheme;      // http, https or file
  std::string host;        // as curl has it: IPv6 in brackets; empty for file
  int port = 0;            // explicit or the scheme's default; 0 for file
  std::string path;        // percent-encoded, as sent; starts with '/'
  std::string query;       // without '?'; empty when there is none
  std::string normalized;  // the whole URL, to be fetched as it is

  // scheme://host[:port]/path — what error messages may print: never the query
  // string (presigned URLs carry their secrets there).
  std::string redacted() const;
  // The path percent-decoded (a file:// URL's file name).
  std::string decoded_path() const;
};

// Parses and normalises `text`. Throws Error 22023 for anything but http, https and
// file, a URL with credentials (user:pass@), a percent-encoded dot, slash, backslash
// or control character in the path, a backslash, a control character, a space or a
// non-ASCII byte anywhere, an IPv6 zone id, port 0, and more than kMaxUrlBytes bytes.
// The message never repeats the URL's query string.
inline constexpr std::size_t kMaxUrlBytes = 2048;
Url parse_url(const std::string& text);

// Parses a comma- or whitespace-separated list of http(s) URL prefixes (the GUC
// automl.import_allowed_urls). A prefix has no query, fragment or credentials.
// Throws Error 22023 naming the entry that is not one.
std::vector<Url> parse_url_prefixes(const std::string& list);

// Whether `url` lies under `prefix` on component boundaries: same scheme, host and
// port exactly, and the path equal to the prefix's path or continuing it after a
// '/' (prefix /data admits /data and /data/x.csv, not /database.csv).
bool url_under_prefix(const Url& url, const Url& prefix);

// Whether a normalised absolute path lies strictly under `directory` (normalised
// by normalize_directory), lexically.
bool path_under_directory(const std::string& path, const std::string& directory);
// An absolute directory without dot segments, a trailing slash removed. Throws
// Error 22023 otherwise.
std::string normalize_directory(const std::string& directory);

enum class UrlPurpose { kImport, kWebhook };
// Parses 'import' or 'webhook'; throws Error 22023 otherwise.
UrlPurpose parse_url_purpose(const std::string& purpose);

// The role the URL is checked for, as the database knows it.
struct UrlRole {
  std::string name;
  bool superuser = false;
  bool admin = false;  // a member of automl_admin
};

// The superuser's settings: automl.import_allowed_urls, automl.import_directory.
struct UrlSettings {
  std::string allowed_prefixes;
  std::string import_directory;
};

// The outbound URL policy. Returns the normalised URL, or throws Error: 22023 for a
// malformed URL or a file:// webhook, 42501 for a URL the role may not use (the
// hint names the setting that would allow it).
std::string check_outbound_url(const std::string& url, UrlPurpose purpose, const UrlRole& role,
                               const UrlSettings& settings);

}  // namespace automl
