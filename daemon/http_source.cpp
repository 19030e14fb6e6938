// http_source.cpp — see http_source.hpp.
#include "http_source.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>

#include "automl/error.hpp"

namespace automl_worker {
namespace {

constexpr const char* kIoError = "58030";

[[noreturn]] void fail(const char* sqlstate, const std::string& message,
                       const std::string& detail = {}) {
  throw automl::Error(sqlstate, message, detail);
}

// One hop's transfer state, shared with curl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const FetchLimits* limits = nullptr;
  const FetchCallbacks* callbacks = nullptr;
  FetchResponse* response = nullptr;
  bool started = false;     // the body of a 2xx is being delivered
  bool discarding = false;  // the body of a redirect or an error
  std::exception_ptr error;
};

long response_status(CURL* curl, const std::string& url) {
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // file:// has no status: a file that could be opened is a success.
  return status == 0 && url.rfind("file:", 0) == 0 ? 200 : status;
}

size_t on_write(char* data, size_t, size_t size, void* user) {
  auto* t = static_cast<Transfer*>(user);
  try {
    if (!t->started && !t->discarding) {
      t->response->status = response_status(t->curl, t->response->url);
      if (t->response->status < 200 || t->response->status >= 300) {
        t->discarding = true;
      } else {
        curl_off_t length = -1;
        curl_easy_getinfo(t->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
        t->response->content_length = length;
        t->started = true;
        if (t->callbacks->on_start) t->callbacks->on_start(*t->response);
      }
    }
    if (t->discarding) return size;
    t->response->bytes += static_cast<long long>(size);
    if (t->limits->max_bytes > 0 && t->response->bytes > t->limits->max_bytes)
      fail(automl::sqlstate::kProgramLimitExceeded,
           "the body of " + url_for_messages(t->response->url) + " is larger than " +
               std::to_string(t->limits->max_bytes) + " bytes",
           "options.max_bytes, or automl-worker --max-import-mb, sets the limit");
    t->callbacks->on_body(std::string_view(data, size));
    return size;
  } catch (...) {
    t->error = std::current_exception();
    return 0;  // any other count aborts the transfer
  }
}

size_t on_header(char* data, size_t, size_t size, void* user) {
  auto* t = static_cast<Transfer*>(user);
  static constexpr std::string_view kEncoding = "content-encoding:";
  std::string line(data, size);
  std::string lower = line;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower.rfind(kEncoding, 0) == 0) {
    std::string value = line.substr(kEncoding.size());
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    t->response->content_encoding = value;
  }
  return size;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->callbacks->stopped && t->callbacks->stopped() ? 1 : 0;
}

void configure(CURL* curl, const std::string& url, const FetchLimits& limits, double seconds_left,
               Transfer& t) {
  const bool is_file = url.rfind("file:", 0) == 0;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, is_file ? "file" : "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // by hand: each hop is checked
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate undone by curl
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "automl-worker (pg_automl)");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, std::max(1L, static_cast<long>(seconds_left * 1000)));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   std::max(1L, static_cast<long>(std::min(30.0, seconds_left) * 1000)));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, static_cast<long>(limits.stall_seconds)));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
}

// A failed transfer (curl's own code) as the error the job records.
[[noreturn]] void transfer_failed(CURLcode code, const char* message, const std::string& url,
                                  double elapsed, const FetchLimits& limits) {
  const std::string where = url_for_messages(url);
  if (code == CURLE_OPERATION_TIMEDOUT && elapsed + 0.5 < limits.timeout_seconds)
    fail(kIoError,
         "fetching " + where + " stalled: no data for " +
             std::to_string(static_cast<long long>(limits.stall_seconds)) + " s",
         "options.stall_timeout sets how long a silent server is waited for");
  if (code == CURLE_OPERATION_TIMEDOUT)
    fail(kIoError,
         "fetching " + where + " timed out after " +
             std::to_string(static_cast<long long>(limits.timeout_seconds)) + " s",
         "options.timeout sets how long the whole transfer may take");
  fail(kIoError, "fetching " + where + " failed: " + message);
}

// The error for a final status outside 2xx (redirects handled by the caller).
[[noreturn]] void status_failed(long status, const std::string& url) {
  const std::string message =
      "fetching " + url_for_messages(url) + " failed: HTTP " + std::to_string(status);
  if (status == 404 || status == 410) fail(automl::sqlstate::kUndefinedObject, message);
  if (status == 401 || status == 403)
    fail(automl::sqlstate::kInsufficientPrivilege, message,
         "the server refused access; a presigned URL may have expired");
  if (status >= 400 && status < 500 && status != 408 && status != 429)
    fail(automl::sqlstate::kInvalidParameterValue, message);
  fail(kIoError, message);
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string url_for_messages(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "the URL";
  std::string out;
  for (auto [part, prefix] : {std::pair{CURLUPART_SCHEME, ""},
                              {CURLUPART_HOST, "://"},
                              {CURLUPART_PORT, ":"},
                              {CURLUPART_PATH, ""}}) {
    char* text = nullptr;
    if (curl_url_get(u.get(), part, &text, 0) == CURLUE_OK && text != nullptr) {
      out += prefix;
      out += text;
    }
    curl_free(text);
  }
  return out;
}

FetchResponse fetch_url(const std::string& first_url, const FetchLimits& limits,
                        const FetchCallbacks& callbacks) {
  init_curl_once();
  const auto started = std::chrono::steady_clock::now();
  FetchResponse response;
  response.url = callbacks.check_url(first_url);
  for (;;) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) fail(automl::sqlstate::kOutOfMemory, "cannot start a transfer (curl_easy_init)");
    Transfer t{curl.get(), &limits, &callbacks, &response, false, false, nullptr};
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    configure(curl.get(), response.url, limits, limits.timeout_seconds - elapsed, t);
    char message[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, message);
    const CURLcode code = curl_easy_perform(curl.get());
    if (t.error) std::rethrow_exception(t.error);
    if (code == CURLE_ABORTED_BY_CALLBACK)
      fail(automl::sqlstate::kQueryCanceled, "job was stopped");
    const double now =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (code != CURLE_OK)
      transfer_failed(code, *message ? message : curl_easy_strerror(code), response.url, now,
                      limits);
    response.status = response_status(curl.get(), response.url);
    if (response.status >= 200 && response.status < 300) {
      if (!t.started && callbacks.on_start) callbacks.on_start(response);  // an empty body
      return response;
    }
    char* location = nullptr;
    curl_easy_getinfo(curl.get(), CURLINFO_REDIRECT_URL, &location);
    if (response.status < 300 || response.status >= 400 || location == nullptr)
      status_failed(response.status, response.url);
    if (++response.redirects > limits.max_redirects)
      fail(automl::sqlstate::kProgramLimitExceeded,
           "fetching " + url_for_messages(first_url) + " was redirected more than " +
               std::to_string(limits.max_redirects) + " times");
    response.url = callbacks.check_url(location);
    response.content_encoding.clear();
  }
}

}  // namespace automl_worker
