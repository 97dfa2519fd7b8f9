// Per-sender token buckets for the webhooks (http.senders[].rate_per_second and burst;
// 429 with Retry-After when over).
//
// Thread-safe: one instance is shared by all HTTP worker threads; a single mutex guards
// the buckets (the critical section is a map lookup and a few multiplications).
// Pure apart from that: the caller passes the time, so tests drive a fake steady clock.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace gw::http {

struct RateLimit {
  double per_second = 0;  // tokens added per second; <= 0 means unlimited
  double burst = 0;       // bucket capacity; values below 1 are read as 1
};

// A bucket starts full (burst tokens) and refills at per_second up to burst.
//
// Requests that ask for more tokens than burst (a batch bigger than the burst) would never
// fit; they are admitted when the bucket is full and leave it in debt (negative), which the
// refill pays back before anything else is admitted. So a big batch is possible, but costs
// the sender as much waiting afterwards as the same items sent one by one.
//
// Memory: one bucket per distinct sender id ever passed. Callers pass only configured
// sender ids (authenticated first), so the map stays as small as the config.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // Takes `tokens` (the number of items; <= 0 takes nothing) from the sender's bucket and
  // returns nullopt, or takes nothing and returns the whole seconds, rounded up and at
  // least 1 and at most INT32_MAX, after which the same request would be admitted (for
  // Retry-After).
  // A `now` earlier than one already seen for this sender (threads that read the clock
  // before others but lock after them) counts as no time passed; it never refills twice.
  std::optional<std::chrono::seconds> acquire(std::string_view sender, const RateLimit& limit,
                                              Clock::time_point now, double tokens = 1);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point refilled_at;
  };

  std::mutex mutex_;
  std::map<std::string, Bucket, std::less<>> buckets_;  // guarded by mutex_
};

}  // namespace gw::http
