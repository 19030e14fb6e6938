// roles_test.cpp — the roles' configs refuse what cannot work, and the deadlines
// stop jobs at the grace period and at --max-job-time.
#include <gtest/gtest.h>

#include <stdexcept>

#include "claimer.hpp"
#include "deadlines.hpp"
#include "executor.hpp"
#include "heartbeater.hpp"
#include "listener.hpp"
#include "rescuer.hpp"

namespace automl_worker {
namespace {

TEST(RoleConfigs, RefuseWhatCannotWork) {
  EXPECT_THROW(ClaimerConfig{}.validate(), std::invalid_argument);
  EXPECT_NO_THROW(ClaimerConfig{"w"}.validate());
  ExecutorConfig executor;
  EXPECT_NO_THROW(executor.validate());
  executor.poll_interval = 0;
  EXPECT_THROW(executor.validate(), std::invalid_argument);
  executor = ExecutorConfig{};
  executor.limits.max_rows = 0;
  EXPECT_THROW(executor.validate(), std::invalid_argument);
  EXPECT_THROW((HeartbeaterConfig{"w", 1, 0}).validate(), std::invalid_argument);
  EXPECT_THROW((HeartbeaterConfig{"", 1, 2}).validate(), std::invalid_argument);
  EXPECT_NO_THROW((HeartbeaterConfig{"w", 1, 2}).validate());
  EXPECT_THROW(DeadlinesConfig{0}.validate(), std::invalid_argument);
  EXPECT_THROW(ListenerConfig{0}.validate(), std::invalid_argument);
  EXPECT_THROW((RescuerConfig{"", "w", -1}).validate(), std::invalid_argument);
}

TEST(RescuerConfig, PeriodIsAQuarterOfRescueAfterAndAtLeastASecond) {
  EXPECT_DOUBLE_EQ((RescuerConfig{"", "w", 30}).period(), 7.5);
  EXPECT_DOUBLE_EQ((RescuerConfig{"", "w", 1.5}).period(), 1.0);
}

TEST(Deadlines, ReleasesRunningJobsOnceTheGracePeriodIsOver) {
  Deadlines deadlines(DeadlinesConfig{10});
  auto job = std::make_shared<JobControl>();
  const auto t0 = job->started;
  EXPECT_FALSE(deadlines.enforce(t0, false, {job}));
  EXPECT_TRUE(
      deadlines.enforce(t0 + std::chrono::seconds(1), true, {job}));  // the stop, first seen
  EXPECT_FALSE(deadlines.enforce(t0 + std::chrono::seconds(2), true, {job}));  // seen once only
  EXPECT_FALSE(job->stop);
  deadlines.enforce(t0 + std::chrono::seconds(11), true, {job});
  EXPECT_TRUE(job->stop);
  EXPECT_EQ(job->reason(), StopReason::Release);
}

TEST(Deadlines, FailsAJobPastItsTimeLimit) {
  Deadlines deadlines(DeadlinesConfig{10});
  auto job = std::make_shared<JobControl>();
  job->limits.max_job_seconds = 5;
  deadlines.enforce(job->started + std::chrono::seconds(4), false, {job});
  EXPECT_FALSE(job->stop);
  deadlines.enforce(job->started + std::chrono::seconds(5), false, {job});
  EXPECT_TRUE(job->stop);
  EXPECT_EQ(job->reason(), StopReason::Timeout);
  try {
    job->throw_if_stopped();
    FAIL();
  } catch (const automl::Error& e) {
    EXPECT_EQ(e.sqlstate(), "54000");
    EXPECT_NE(std::string(e.what()).find("--max-job-time 5 s"), std::string::npos);
  }
}

TEST(JobControl, TheFirstStopReasonWins) {
  JobControl job;
  EXPECT_NO_THROW(job.throw_if_stopped());
  job.request_stop(StopReason::Cancel);
  job.request_stop(StopReason::Timeout);
  EXPECT_EQ(job.reason(), StopReason::Cancel);
  EXPECT_THROW(job.throw_if_stopped(), automl::Error);
}

}  // namespace
}  // namespace automl_worker
