// webhook_deliverer.hpp — posts webhook events from the outbox
// (automl.webhook_deliveries) after the transactions that wrote them have committed:
// on its own thread and connection, so a slow receiver never holds up a job.
//
// Each round claims one due delivery (FOR UPDATE SKIP LOCKED: many workers share the
// outbox), checks the endpoint's URL again for its owner
// (automl_internal._check_outbound_url: a revoked allowance stops deliveries), posts
// it and records the outcome; failed attempts back off exponentially with jitter
// until the endpoint's max_attempts. NOTIFY automl_webhooks only wakes it early — the
// outbox decides, and it is polled as well. At least once: a worker that dies in
// the middle of a POST leaves a claim that expires, and the delivery is tried again
// (receivers deduplicate by X-Automl-Delivery).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace automl_worker {

struct WebhookDelivererConfig {
  std::string dsn;
  std::string worker;          // shown as application_name "automl-worker webhooks <worker>"
  double timeout = 10.0;       // --webhook-timeout: one POST, connecting included
  double retry_base = 5.0;     // --webhook-retry-base: the first retry's delay
  double poll_interval = 1.0;  // --poll-interval: looking without a notification

  void validate() const;  // throws std::invalid_argument
};

class WebhookDeliverer {
 public:
  explicit WebhookDeliverer(WebhookDelivererConfig config);
  ~WebhookDeliverer();

  // Runs on its own thread while `keep_running()` holds.
  void run(const std::atomic<bool>& stopping, const std::function<bool()>& keep_running);

 private:
  struct Claim;
  class Wakeup;
  void open(const std::atomic<bool>& stopping);
  // Delivers one due delivery; false when none was due.
  bool deliver_one();
  std::string refusal(const Claim& claim, std::string& url);

  WebhookDelivererConfig config_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<Wakeup> wakeup_;
};

}  // namespace automl_worker
