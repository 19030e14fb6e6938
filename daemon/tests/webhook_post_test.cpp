// webhook_post_test.cpp — the webhook signature (against RFC 4231 and a well-known
// HMAC-SHA256 vector) and the deliverer's config, without a database or a receiver;
// tests/integration/webhook_test.cpp posts to a real one.
#include "webhook_post.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "webhook_deliverer.hpp"

namespace automl_worker {
namespace {

TEST(WebhookSignature, IsHexHmacSha256OfTheBody) {
  EXPECT_EQ(webhook_signature("key", "The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  // RFC 4231 test case 2.
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookPost, RefusesWhatIsNotHttpWithoutConnecting) {
  WebhookRequest r;
  r.url = "file:///etc/passwd";
  r.event = "job.failed";
  EXPECT_EQ(post_webhook(r).error, "refused: a webhook url must use http or https");
  r.url = "http://127.0.0.1:9/";
  r.event = "job.failed\r\nX-Evil: 1";
  EXPECT_EQ(post_webhook(r).error, "refused: invalid event name");
}

TEST(WebhookDelivererConfig, Validates) {
  EXPECT_NO_THROW(WebhookDelivererConfig({"", "w", 10, 5, 1}).validate());
  EXPECT_THROW(WebhookDelivererConfig({"", "", 10, 5, 1}).validate(), std::invalid_argument);
  EXPECT_THROW(WebhookDelivererConfig({"", "w", 0, 5, 1}).validate(), std::invalid_argument);
  EXPECT_THROW(WebhookDelivererConfig({"", "w", 10, 4000, 1}).validate(), std::invalid_argument);
}

}  // namespace
}  // namespace automl_worker
