// webhook_post.cpp — see webhook_post.hpp.
#include "webhook_post.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <memory>
#include <stdexcept>

#include "automl/url_policy.hpp"

namespace automl_worker {
namespace {

struct EasyFree {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct ListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// The response body is not read: a receiver answers with its status.
size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

// Event names come from the outbox; a header must never carry a line break.
bool header_safe(const std::string& value) {
  for (const char c : value)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_')) return false;
  return !value.empty();
}

curl_slist* headers_for(const WebhookRequest& r) {
  curl_slist* list = nullptr;
  for (const std::string& h :
       {std::string("Content-Type: application/json"), "X-Automl-Event: " + r.event,
        "X-Automl-Delivery: " + std::to_string(r.delivery_id),
        // No "Expect: 100-continue" round trip before larger bodies.
        std::string("Expect:")})
    list = curl_slist_append(list, h.c_str());
  if (!r.secret.empty())
    list = curl_slist_append(
        list, ("X-Automl-Signature-256: " + webhook_signature(r.secret, r.body)).c_str());
  return list;
}

void set_options(CURL* h, const WebhookRequest& r, curl_slist* headers, char* error_buffer) {
  curl_easy_setopt(h, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_seconds * 1000));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(h, CURLOPT_USERAGENT, "automl-worker/" AUTOML_VERSION);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
}

}  // namespace

std::string webhook_signature(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest,
           &length) == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed");
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

WebhookResponse post_webhook(const WebhookRequest& r) {
  // The transfer reads the URL as the check did; never anything but http(s).
  const automl::Url url = automl::parse_url(r.url);
  if (url.scheme != "http" && url.scheme != "https")
    return {0, "refused: a webhook url must use http or https"};
  if (!header_safe(r.event)) return {0, "refused: invalid event name"};
  std::unique_ptr<CURL, EasyFree> handle(curl_easy_init());
  if (!handle) return {0, "cannot start a transfer (curl_easy_init failed)"};
  std::unique_ptr<curl_slist, ListFree> headers(headers_for(r));
  char error_buffer[CURL_ERROR_SIZE] = "";
  set_options(handle.get(), r, headers.get(), error_buffer);
  const CURLcode rc = curl_easy_perform(handle.get());
  if (rc != CURLE_OK) return {0, error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc)};
  long code = 0;
  curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &code);
  const int status = static_cast<int>(code);
  if (status >= 200 && status < 300) return {status, ""};
  if (status >= 300 && status < 400)
    return {status, "HTTP " + std::to_string(status) + " (redirects are not followed)"};
  return {status, "HTTP " + std::to_string(status)};
}

}  // namespace automl_worker
