// fuzz_url_policy.cpp — libFuzzer: any bytes as an outbound URL (an import's or a
// webhook's). Parsing either throws automl::Error or returns a URL whose normalised
// text parses again to itself (the worker fetches exactly that text), carries no
// control character, space or credentials, and redacts to no query string; a URL the
// policy admits for a tenant lies under the allowed prefix on a component boundary.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "automl/error.hpp"
#include "automl/url_policy.hpp"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

const automl::UrlRole kTenant{"tenant", false, false};
const automl::UrlSettings kSettings{"http://127.0.0.1:8000/data https://[::1]/in/", "/srv/in"};

void check_admitted(const std::string& url) {
  for (const std::string prefix : {"http://127.0.0.1:8000/data", "https://[::1]/in/"}) {
    if (url.compare(0, prefix.size(), prefix) != 0) continue;
    const char next = url.size() > prefix.size() ? url[prefix.size()] : '\0';
    check(prefix.back() == '/' || next == '\0' || next == '/' || next == '?');
    return;
  }
  std::abort();  // admitted, yet under no prefix
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const automl::Url url = automl::parse_url(text);
    check(url.scheme == "http" || url.scheme == "https" || url.scheme == "file");
    check(url.normalized.size() <= automl::kMaxUrlBytes + 64);
    check(url.normalized.find_first_of(" \t\r\n\\") == std::string::npos);
    check(url.redacted().find('?') == std::string::npos);
    const automl::Url again = automl::parse_url(url.normalized);
    check(again.normalized == url.normalized && again.host == url.host && again.port == url.port);
  } catch (const automl::Error&) {
  }
  try {
    check_admitted(
        automl::check_outbound_url(text, automl::UrlPurpose::kWebhook, kTenant, kSettings));
  } catch (const automl::Error&) {
  }
  return 0;
}
