// webhook_deliverer.cpp — see webhook_deliverer.hpp.
#include "webhook_deliverer.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "automl/error.hpp"
#include "connection.hpp"
#include "failure.hpp"
#include "log.hpp"
#include "webhook_post.hpp"
#include "worker_metrics.hpp"

namespace automl_worker {
namespace {

// No status (0) and no error ("") are NULL in the outbox.
const char* kRecordAttempt =
    "SELECT automl_internal._record_webhook_attempt($1, $2, NULLIF($3, 0), NULLIF($4, ''), $5)";

}  // namespace

void WebhookDelivererConfig::validate() const {
  if (worker.empty()) throw std::invalid_argument("the webhook deliverer needs a worker name");
  if (!(timeout > 0 && timeout <= 3600))
    throw std::invalid_argument("--webhook-timeout must be from 0 to 3600 seconds");
  if (!(retry_base > 0 && retry_base <= 3600))
    throw std::invalid_argument("--webhook-retry-base must be from 0 to 3600 seconds");
  if (!(poll_interval > 0)) throw std::invalid_argument("the poll interval must be positive");
}

struct WebhookDeliverer::Claim {
  long long id = 0;
  int attempt = 0;
  std::string event, body, url, owner;
  long long webhook_id = 0;
  bool permitted = false;
  std::string secret;
};

// LISTEN automl_webhooks: a notification ends the wait early, nothing more.
class WebhookDeliverer::Wakeup final : public pqxx::notification_receiver {
 public:
  explicit Wakeup(pqxx::connection_base& conn)
      : pqxx::notification_receiver(conn, "automl_webhooks") {}
  void operator()(const std::string&, int) override {}
};

WebhookDeliverer::WebhookDeliverer(WebhookDelivererConfig config) : config_(std::move(config)) {
  config_.validate();
}

WebhookDeliverer::~WebhookDeliverer() = default;

void WebhookDeliverer::open(const std::atomic<bool>& stopping) {
  wakeup_.reset();
  conn_ = connect(config_.dsn, stopping, "webhooks", config_.worker);
  if (!conn_) return;
  wakeup_ = std::make_unique<Wakeup>(*conn_);
}

// Why the claimed delivery may not be posted ("" when it may), with the URL to post
// to: the endpoint's, normalised again by the policy, for its owner.
std::string WebhookDeliverer::refusal(const Claim& claim, std::string& url) {
  if (!claim.permitted) return "refused: the webhook's owner no longer manages the project";
  try {
    pqxx::nontransaction txn(*conn_, "check_webhook_url");
    url = txn.exec_params1("SELECT automl_internal._check_outbound_url($1, 'webhook', $2)",
                           claim.url, claim.owner)[0]
              .as<std::string>();
    return "";
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::sql_error& e) {
    return "refused: " + primary_message(e.what());
  }
}

bool WebhookDeliverer::deliver_one() {
  Claim c;
  {
    pqxx::work txn(*conn_, "claim_webhook_delivery");
    const pqxx::result r = txn.exec_params(
        "SELECT delivery_id, attempt, event, body, url, owner, webhook_id, permitted,"
        " automl_internal._webhook_secret(webhook_id) AS secret"
        " FROM automl_internal._claim_webhook_delivery($1)",
        config_.timeout + 30);
    if (r.empty()) return false;
    const pqxx::row row = r[0];
    c = Claim{row["delivery_id"].as<long long>(),
              row["attempt"].as<int>(),
              row["event"].as<std::string>(),
              row["body"].as<std::string>(),
              row["url"].as<std::string>(),
              row["owner"].as<std::string>(),
              row["webhook_id"].as<long long>(),
              row["permitted"].as<bool>(),
              row["secret"].is_null() ? std::string() : row["secret"].as<std::string>()};
    txn.commit();
  }
  std::string url;
  WebhookResponse response{0, refusal(c, url)};
  if (response.error.empty()) {
    try {
      response = post_webhook({url, c.event, c.id, c.body, c.secret, config_.timeout});
    } catch (const automl::Error& e) {
      response = {0, std::string("refused: ") + e.what()};
    }
  }
  pqxx::work txn(*conn_, "record_webhook_attempt");
  const std::string outcome =
      txn.exec_params1(kRecordAttempt, c.id, c.attempt, response.status_code, response.error,
                       config_.retry_base)[0]
          .as<std::string>();
  txn.commit();
  log_event(response.error.empty() ? LogLevel::Info : LogLevel::Warning, "webhook_attempt", 0,
            "webhook delivery " + std::to_string(c.id) + " (" + c.event + ") attempt " +
                std::to_string(c.attempt) + ": " + outcome +
                (response.error.empty() ? "" : " — " + response.error));
  return true;
}

void WebhookDeliverer::run(const std::atomic<bool>& stopping,
                           const std::function<bool()>& keep_running) {
  const long wait_micros = static_cast<long>(config_.poll_interval * 1e6);
  while (keep_running()) {
    try {
      if (!conn_ || !conn_->is_open()) open(stopping);
      if (!conn_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      while (keep_running() && deliver_one()) {
      }
      conn_->await_notification(wait_micros / 1000000, wait_micros % 1000000);
    } catch (const pqxx::broken_connection& e) {
      log_event(LogLevel::Warning, "connection_lost", 0,
                std::string("webhook connection lost: ") + e.what());
      worker_metrics().add(kReconnects, {});
      wakeup_.reset();
      conn_.reset();
    } catch (const std::exception& e) {
      // pg_automl not installed: the control thread says so; try again later.
      if (!extension_missing(e))
        log_event(LogLevel::Error, "error", 0, std::string("webhook error: ") + e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
  wakeup_.reset();
  conn_.reset();
}

}  // namespace automl_worker
