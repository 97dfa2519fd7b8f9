#include "adapters/http/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gw::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = RateLimiter::Clock::time_point;

// A fake steady clock: time points counted from an arbitrary zero.
TimePoint at(milliseconds ms) { return TimePoint{} + ms; }
TimePoint at_s(int s) { return TimePoint{} + seconds(s); }

TEST(RateLimiter, StartsFullAndRefusesPastTheBurst) {
  RateLimiter limiter;
  const RateLimit limit{1, 3};
  EXPECT_EQ(limiter.acquire("hotline-a", limit, at_s(100)), std::nullopt);
  EXPECT_EQ(limiter.acquire("hotline-a", limit, at_s(100)), std::nullopt);
  EXPECT_EQ(limiter.acquire("hotline-a", limit, at_s(100)), std::nullopt);
  EXPECT_EQ(limiter.acquire("hotline-a", limit, at_s(100)), seconds(1));
}

TEST(RateLimiter, RefillsAtTheRateUpToTheBurst) {
  RateLimiter limiter;
  const RateLimit limit{2, 4};
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(limiter.acquire("s", limit, at_s(0)), std::nullopt);
  }
  EXPECT_EQ(limiter.acquire("s", limit, at(milliseconds(250))), seconds(1));  // half a token
  EXPECT_EQ(limiter.acquire("s", limit, at(milliseconds(500))), std::nullopt);
  EXPECT_EQ(limiter.acquire("s", limit, at(milliseconds(500))), seconds(1));

  // A long idle time fills the bucket to the burst, no further.
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(limiter.acquire("s", limit, at_s(1000)), std::nullopt);
  }
  EXPECT_EQ(limiter.acquire("s", limit, at_s(1000)), seconds(1));
}

TEST(RateLimiter, FractionalRefillsAddUpWithoutRoundingLoss) {
  // 0.1 s at 10/s is one token: floating point must not make it 0.999... and refuse.
  RateLimiter limiter;
  const RateLimit limit{10, 1};
  // A refused request 8 ms in adds 0.08, then 0.92: in doubles 0.9999999999999999.
  ASSERT_EQ(limiter.acquire("s", limit, at_s(0)), std::nullopt);
  for (int step = 1; step <= 1000; ++step) {
    ASSERT_EQ(limiter.acquire("s", limit, at(milliseconds(100 * step - 92))), seconds(1)) << step;
    ASSERT_EQ(limiter.acquire("s", limit, at(milliseconds(100 * step))), std::nullopt) << step;
    ASSERT_NE(limiter.acquire("s", limit, at(milliseconds(100 * step))), std::nullopt) << step;
  }
}

struct RetryCase {
  const char* name;
  RateLimit limit;
  double taken_first;  // at time 0, from a full bucket
  milliseconds later;
  double asked;
  std::optional<seconds> retry_after;
};

TEST(RateLimiter, RetryAfterIsTheWaitRoundedUpToWholeSeconds) {
  const RetryCase cases[] = {
      {"0.1 s rounds up to 1", {10, 1}, 1, milliseconds(0), 1, seconds(1)},
      {"1 ms short rounds up to 1", {1, 1}, 1, milliseconds(999), 1, seconds(1)},
      {"exactly 2 s stays 2", {0.5, 1}, 1, milliseconds(0), 1, seconds(2)},
      {"exactly 4 s stays 4", {0.25, 1}, 1, milliseconds(0), 1, seconds(4)},
      {"3.33 s rounds up to 4", {0.3, 1}, 1, milliseconds(0), 1, seconds(4)},
      {"1.5 tokens short at 0.5/s", {0.5, 2}, 2, milliseconds(1000), 2, seconds(3)},
      {"several tokens missing", {2, 10}, 8, milliseconds(0), 5, seconds(2)},
      {"several tokens, enough after refill", {2, 10}, 8, milliseconds(1500), 5, std::nullopt},
      // Without rounding slack these come out as 2.0000000000000004 and 5.000000000000001.
      {"exactly 2 s at a third per second", {1.0 / 3, 1}, 1, milliseconds(1000), 1, seconds(2)},
      {"exactly 5 s at a third per second", {1.0 / 3, 2}, 2, milliseconds(1000), 2, seconds(5)},
      {"a minute at one per minute", {1.0 / 60, 1}, 1, milliseconds(0), 1, seconds(60)},
      {"absurdly slow rate is capped", {1e-20, 1}, 1, milliseconds(0), 1, seconds(2'147'483'647)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    RateLimiter limiter;
    ASSERT_EQ(limiter.acquire("s", c.limit, at_s(0), c.taken_first), std::nullopt);
    EXPECT_EQ(limiter.acquire("s", c.limit, at(c.later), c.asked), c.retry_after);
  }
}

TEST(RateLimiter, ARequestRetriedAfterRetryAfterIsAdmitted) {
  for (const double rate : {0.3, 0.5, 1.0, 3.0, 7.0, 100.0}) {
    SCOPED_TRACE(rate);
    RateLimiter limiter;
    const RateLimit limit{rate, 5};
    ASSERT_EQ(limiter.acquire("s", limit, at_s(0), 5), std::nullopt);
    const auto retry = limiter.acquire("s", limit, at_s(0), 3);
    ASSERT_TRUE(retry.has_value());
    EXPECT_EQ(limiter.acquire("s", limit, at_s(0) + *retry, 3), std::nullopt);
  }
}

TEST(RateLimiter, ABatchLargerThanTheBurstIsAdmittedIntoDebtWhenTheBucketIsFull) {
  RateLimiter limiter;
  const RateLimit limit{1, 5};
  // Not full (4 of 5): the batch waits for a full bucket, 1 s.
  ASSERT_EQ(limiter.acquire("s", limit, at_s(0)), std::nullopt);
  EXPECT_EQ(limiter.acquire("s", limit, at_s(0), 12), seconds(1));
  // Full: admitted, leaving 5 - 12 = -7.
  EXPECT_EQ(limiter.acquire("s", limit, at_s(1), 12), std::nullopt);
  // The debt is paid before anything else: one token needs 8 s.
  EXPECT_EQ(limiter.acquire("s", limit, at_s(1)), seconds(8));
  EXPECT_EQ(limiter.acquire("s", limit, at_s(8)), seconds(1));
  EXPECT_EQ(limiter.acquire("s", limit, at_s(9)), std::nullopt);
  // A second big batch waits until the bucket is full again: 0 now, 5 s.
  EXPECT_EQ(limiter.acquire("s", limit, at_s(9), 100), seconds(5));
  EXPECT_EQ(limiter.acquire("s", limit, at_s(14), 100), std::nullopt);
}

TEST(RateLimiter, SendersHaveIndependentBuckets) {
  RateLimiter limiter;
  const RateLimit limit{1, 2};
  ASSERT_EQ(limiter.acquire("hotline-a", limit, at_s(0), 2), std::nullopt);
  EXPECT_EQ(limiter.acquire("hotline-a", limit, at_s(0)), seconds(1));
  EXPECT_EQ(limiter.acquire("grid-app", limit, at_s(0)), std::nullopt);
  EXPECT_EQ(limiter.acquire("grid-app", limit, at_s(0)), std::nullopt);
  EXPECT_EQ(limiter.acquire("grid-app", limit, at_s(0)), seconds(1));
  // A sender id that is a prefix of another is its own sender.
  EXPECT_EQ(limiter.acquire("hotline", limit, at_s(0)), std::nullopt);
}

TEST(RateLimiter, UnlimitedAndEmptyRequestsAreAlwaysAdmitted) {
  RateLimiter limiter;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(limiter.acquire("s", RateLimit{0, 1}, at_s(0)), std::nullopt);
    ASSERT_EQ(limiter.acquire("s", RateLimit{-1, 0}, at_s(0), 1e9), std::nullopt);
  }
  // Asking nothing takes nothing.
  const RateLimit limit{1, 1};
  EXPECT_EQ(limiter.acquire("t", limit, at_s(0), 0), std::nullopt);
  EXPECT_EQ(limiter.acquire("t", limit, at_s(0), -3), std::nullopt);
  EXPECT_EQ(limiter.acquire("t", limit, at_s(0)), std::nullopt);
  EXPECT_EQ(limiter.acquire("t", limit, at_s(0)), seconds(1));
}

TEST(RateLimiter, ABurstBelowOneIsReadAsOne) {
  RateLimiter limiter;
  const RateLimit limit{1, 0};
  EXPECT_EQ(limiter.acquire("s", limit, at_s(0)), std::nullopt);
  EXPECT_EQ(limiter.acquire("s", limit, at_s(0)), seconds(1));
  EXPECT_EQ(limiter.acquire("s", limit, at_s(1)), std::nullopt);
}

TEST(RateLimiter, ALoweredBurstTakesEffectAtOnce) {
  RateLimiter limiter;
  ASSERT_EQ(limiter.acquire("s", RateLimit{1, 10}, at_s(0)), std::nullopt);  // 9 left
  const RateLimit reloaded{1, 2};
  EXPECT_EQ(limiter.acquire("s", reloaded, at_s(0)), std::nullopt);
  EXPECT_EQ(limiter.acquire("s", reloaded, at_s(0)), std::nullopt);
  EXPECT_EQ(limiter.acquire("s", reloaded, at_s(0)), seconds(1));
}

TEST(RateLimiter, AnEarlierTimeThanSeenCountsAsNoTimePassed) {
  // Worker threads read the clock, then queue on the mutex: times arrive slightly out of
  // order. A late-arriving earlier time must neither refill nor rewind the bucket's clock.
  RateLimiter limiter;
  const RateLimit limit{1, 1};
  ASSERT_EQ(limiter.acquire("s", limit, at_s(10)), std::nullopt);
  EXPECT_EQ(limiter.acquire("s", limit, at_s(5)), seconds(1));
  // Had t=5 rewound the clock, t=11 would see 6 s of refill and admit twice.
  EXPECT_EQ(limiter.acquire("s", limit, at_s(11)), std::nullopt);
  EXPECT_EQ(limiter.acquire("s", limit, at_s(11)), seconds(1));
}

TEST(RateLimiter, ConcurrentCallersNeverTakeMoreThanTheBucketHolds) {
  RateLimiter limiter;
  const RateLimit limit{1e-6, 1000};  // practically no refill during the test
  const std::vector<std::string> senders = {"a", "b", "c"};
  constexpr int kThreads = 8;
  constexpr int kCallsPerSender = 500;
  std::atomic<int> admitted[3] = {0, 0, 0};
  std::atomic<int> refused_without_retry{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerSender; ++i) {
        for (std::size_t s = 0; s < senders.size(); ++s) {
          // Each thread's clock runs a little differently, as real workers' reads do.
          const auto now = at(milliseconds(i + t));
          const auto retry = limiter.acquire(senders[s], limit, now);
          if (!retry) {
            ++admitted[s];
          } else if (*retry < seconds(1)) {
            ++refused_without_retry;
          }
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (std::size_t s = 0; s < senders.size(); ++s) {
    EXPECT_EQ(admitted[s].load(), 1000) << senders[s];
  }
  EXPECT_EQ(refused_without_retry.load(), 0);
}

TEST(RateLimiter, ConcurrentFirstCallsForManySendersEachGetOneBucket) {
  // Every thread meets every sender for the first time at about the same moment: the map
  // grows under contention, and each sender must still get exactly its burst.
  RateLimiter limiter;
  const RateLimit limit{1e-6, 3};
  constexpr int kThreads = 8;
  constexpr int kSenders = 300;
  std::vector<std::string> senders;
  senders.reserve(kSenders);
  for (int s = 0; s < kSenders; ++s) {
    senders.push_back("sender-" + std::to_string(s));
  }
  std::vector<std::atomic<int>> admitted(kSenders);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 2; ++round) {
        for (int s = 0; s < kSenders; ++s) {
          if (!limiter.acquire(senders[s], limit, at_s(0))) {
            ++admitted[s];
          }
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (int s = 0; s < kSenders; ++s) {
    ASSERT_EQ(admitted[s].load(), 3) << senders[s];
  }
}

}  // namespace
}  // namespace gw::http
