// url_policy.cpp — see url_policy.hpp. The parsing is libcurl's (curl_url); what is
// added here is what curl accepts but an outbound URL must not have, and the policy.
#include "automl/url_policy.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "automl/error.hpp"

namespace automl {
namespace {

using sqlstate::kInsufficientPrivilege;
using sqlstate::kInvalidParameterValue;

struct CurlUrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlUrlHandle = std::unique_ptr<CURLU, CurlUrlFree>;

// One part of a parsed URL; `present` is false when the URL has none.
struct Part {
  bool present = false;
  std::string text;
};

Part get_part(CURLU* u, CURLUPart what, unsigned int flags = 0) {
  char* text = nullptr;
  Part part;
  if (curl_url_get(u, what, &text, flags) == CURLUE_OK) {
    part.present = true;
    part.text = text != nullptr ? text : "";
  }
  curl_free(text);
  return part;
}

void set_part(CURLU* u, CURLUPart what, const char* text) {
  if (const CURLUcode rc = curl_url_set(u, what, text, 0); rc != CURLUE_OK)
    invalid(std::string("invalid url: ") + curl_url_strerror(rc));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int default_port(const std::string& scheme) {
  return scheme == "http" ? 80 : scheme == "https" ? 443 : 0;
}

// What curl would accept but an outbound URL must not contain, byte by byte. The
// URL itself is not printed: it is not a URL yet, and may carry a secret.
void refuse_bad_bytes(const std::string& text) {
  if (text.empty()) invalid("url must not be empty");
  if (text.size() > kMaxUrlBytes)
    invalid("url is too long", std::to_string(text.size()) + " bytes; at most " +
                                   std::to_string(kMaxUrlBytes) + " are allowed.");
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7f) invalid("url must not contain control characters");
    if (b == ' ') invalid("url must not contain spaces", {}, "Percent-encode them as %20.");
    if (b >= 0x80)
      invalid("url must be ASCII", {}, "Percent-encode the path; write the host in punycode.");
    if (b == '\\') invalid("url must not contain a backslash");
  }
}

bool hex_digit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

int hex_value(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
}

// A percent-encoded dot, slash or backslash hides a path segment from the dot-segment
// removal and from the prefix match (/data/%2e%2e/secret); a percent-encoded control
// character is a NUL or newline in a file name or a request line.
void refuse_encoded_separators(const Url& url) {
  const std::string& p = url.path;
  for (std::size_t i = 0; i + 2 < p.size(); ++i) {
    if (p[i] != '%' || !hex_digit(p[i + 1]) || !hex_digit(p[i + 2])) continue;
    const int b = hex_value(p[i + 1]) * 16 + hex_value(p[i + 2]);
    if (b == '.' || b == '/' || b == '\\' || b < 0x20 || b == 0x7f)
      invalid("url \"" + url.redacted() + "\" has a percent-encoded dot, slash, backslash or " +
                  "control character in its path",
              "Found \"" + p.substr(i, 3) + "\".", "Write the path without encoding these.");
  }
}

// The host in lower case without a trailing dot ("Example.COM." and "example.com"
// are one host, and must match one prefix).
std::string normalized_host(CURLU* u, const std::string& scheme) {
  const Part host = get_part(u, CURLUPART_HOST);
  if (scheme == "file") return "";
  if (!host.present || host.text.empty()) invalid("url has no host");
  std::string h = lower(host.text);
  if (h.size() > 1 && h.back() == '.' && h.front() != '[') h.pop_back();
  if (h.empty() || h.back() == '.' || h.front() == '.' || h.find("..") != std::string::npos)
    invalid("url has an invalid host name");
  set_part(u, CURLUPART_HOST, h.c_str());
  return h;
}

// Scheme, credentials and zone id: the parts that are refused outright.
std::string checked_scheme(CURLU* u) {
  const std::string scheme = lower(get_part(u, CURLUPART_SCHEME).text);
  if (scheme != "http" && scheme != "https" && scheme != "file")
    invalid("url scheme \"" + scheme + "\" is not allowed", "Only http, https and file URLs are.");
  if (get_part(u, CURLUPART_ZONEID).present) invalid("url must not name an IPv6 zone id");
  return scheme;
}

}  // namespace

std::string Url::redacted() const {
  std::string out = scheme + "://" + host;
  if (port != 0 && port != default_port(scheme)) out += ":" + std::to_string(port);
  return out + path;
}

std::string Url::decoded_path() const {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && hex_digit(path[i + 1]) && hex_digit(path[i + 2])) {
      out += static_cast<char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
      i += 2;
    } else {
      out += path[i];
    }
  }
  return out;
}

namespace {

// One pass of curl's parser and our normalisation.
Url parse_once(const std::string& text) {
  refuse_bad_bytes(text);
  CurlUrlHandle handle(curl_url());
  if (!handle) throw std::bad_alloc();
  CURLU* u = handle.get();
  if (const CURLUcode rc = curl_url_set(u, CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK)
    invalid(std::string("invalid url: ") + curl_url_strerror(rc), {},
            "Write an absolute URL: http://host[:port]/path, https://… or file:///path.");
  Url url;
  url.scheme = checked_scheme(u);
  url.host = normalized_host(u, url.scheme);
  if (url.scheme != "file") {
    url.port = std::stoi(get_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT).text);
    if (url.port == 0) invalid("url port must be from 1 to 65535");
  }
  url.path = get_part(u, CURLUPART_PATH).text;
  if (url.path.empty() || url.path.front() != '/') url.path.insert(url.path.begin(), '/');
  url.query = get_part(u, CURLUPART_QUERY).text;
  if (get_part(u, CURLUPART_USER).present || get_part(u, CURLUPART_PASSWORD).present)
    invalid("url \"" + url.redacted() + "\" must not carry credentials",
            "It has a user name or password before the host.",
            "Use the webhook's secret, or a presigned URL.");
  refuse_encoded_separators(url);
  set_part(u, CURLUPART_FRAGMENT, nullptr);
  url.normalized = get_part(u, CURLUPART_URL, CURLU_NO_DEFAULT_PORT).text;
  return url;
}

}  // namespace

// The normalised text is parsed again until it stays the same: what the transfer
// parses is then what was checked. (Dropping a host's trailing dot can make curl read
// it anew: "0x7f.1." is a name to curl, "0x7f.1" the address 127.0.0.1.)
Url parse_url(const std::string& text) {
  Url url = parse_once(text);
  for (int pass = 0; pass < 3; ++pass) {
    Url again = parse_once(url.normalized);
    if (again.normalized == url.normalized) return again;
    url = std::move(again);
  }
  invalid("url \"" + url.redacted() + "\" does not normalise to one form",
          "libcurl reads its normalised text differently each time.");
}

std::vector<Url> parse_url_prefixes(const std::string& list) {
  std::vector<Url> prefixes;
  std::size_t i = 0, entry = 0;
  while (i < list.size()) {
    const std::size_t end = list.find_first_of(", \t\r\n", i);
    const std::string item = list.substr(i, end == std::string::npos ? std::string::npos : end - i);
    i = end == std::string::npos ? list.size() : end + 1;
    if (item.empty()) continue;
    const std::string where = "automl.import_allowed_urls entry " + std::to_string(++entry);
    Url prefix;
    try {
      prefix = parse_url(item);
    } catch (const Error& e) {
      invalid(where + " is not a URL prefix: " + e.what(), e.detail());
    }
    if (prefix.scheme == "file")
      invalid(where + " is a file URL", {}, "file:// imports are set by automl.import_directory.");
    if (item.find_first_of("?#") != std::string::npos)
      invalid(where + " (\"" + prefix.redacted() + "\") has a query or fragment",
              "A prefix is scheme://host[:port][/path].");
    prefixes.push_back(std::move(prefix));
  }
  return prefixes;
}

bool url_under_prefix(const Url& url, const Url& prefix) {
  if (url.scheme != prefix.scheme || url.host != prefix.host || url.port != prefix.port)
    return false;
  const std::string& p = prefix.path;
  if (url.path.compare(0, p.size(), p) != 0) return false;
  return url.path.size() == p.size() || p.back() == '/' || url.path[p.size()] == '/';
}

std::string normalize_directory(const std::string& directory) {
  if (directory.empty() || directory.front() != '/')
    invalid("automl.import_directory must be an absolute path",
            "\"" + directory + "\" does not start with '/'.");
  std::string out;
  std::size_t i = 0;
  while (i < directory.size()) {
    const std::size_t end = std::min(directory.find('/', i + 1), directory.size());
    const std::string segment = directory.substr(i + 1, end - i - 1);
    if (segment == "." || segment == "..")
      invalid("automl.import_directory must not contain . or .. segments",
              "\"" + directory + "\".");
    for (const char c : segment)
      if (static_cast<unsigned char>(c) < 0x20)
        invalid("automl.import_directory must not contain control characters");
    if (!segment.empty()) out += "/" + segment;
    i = end;
  }
  return out.empty() ? "/" : out;
}

bool path_under_directory(const std::string& path, const std::string& directory) {
  if (directory == "/") return path.size() > 1 && path.front() == '/';
  return path.size() > directory.size() + 1 && path.compare(0, directory.size(), directory) == 0 &&
         path[directory.size()] == '/';
}

UrlPurpose parse_url_purpose(const std::string& purpose) {
  if (purpose == "import") return UrlPurpose::kImport;
  if (purpose == "webhook") return UrlPurpose::kWebhook;
  invalid("url purpose must be 'import' or 'webhook', got '" + purpose + "'");
}

namespace {

[[noreturn]] void not_allowed(const Url& url, const UrlRole& role, const std::string& detail,
                              const std::string& hint) {
  throw Error(kInsufficientPrivilege,
              "url \"" + url.redacted() + "\" is not allowed for role \"" + role.name + "\"",
              detail, hint);
}

std::string check_file_url(const Url& url, UrlPurpose purpose, const UrlRole& role,
                           const UrlSettings& settings) {
  if (purpose != UrlPurpose::kImport)
    invalid("a webhook url must use http or https", "\"" + url.redacted() + "\" is a file URL.");
  if (!role.superuser)
    not_allowed(url, role, "file:// URLs are for superusers' imports only.",
                "Serve the file over http(s) from a host in automl.import_allowed_urls.");
  if (settings.import_directory.empty())
    not_allowed(url, role, "automl.import_directory is not set, so file imports are off.",
                "A superuser can set automl.import_directory to the directory imports read.");
  const std::string directory = normalize_directory(settings.import_directory);
  if (!path_under_directory(url.decoded_path(), directory))
    not_allowed(url, role, "It is not under automl.import_directory (" + directory + ").",
                "Move the file under that directory.");
  return url.normalized;
}

}  // namespace

std::string check_outbound_url(const std::string& text, UrlPurpose purpose, const UrlRole& role,
                               const UrlSettings& settings) {
  const Url url = parse_url(text);
  if (url.scheme == "file") return check_file_url(url, purpose, role, settings);
  if (role.superuser || role.admin) return url.normalized;
  const std::vector<Url> prefixes = parse_url_prefixes(settings.allowed_prefixes);
  for (const Url& prefix : prefixes)
    if (url_under_prefix(url, prefix)) return url.normalized;
  not_allowed(url, role,
              prefixes.empty() ? "automl.import_allowed_urls is empty: roles that are not "
                                 "members of automl_admin may reach no URL."
                               : "It is under none of the prefixes in automl.import_allowed_urls.",
              "A superuser can add a prefix of it to automl.import_allowed_urls.");
}

}  // namespace automl
