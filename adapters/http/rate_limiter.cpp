#include "adapters/http/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace gw::http {
namespace {

// Slack for floating-point refill arithmetic: 0.1 s at 10/s must give one whole token, not
// 0.9999999999, and a wait of exactly 2 s must not round up to 3.
constexpr double kEpsilon = 1e-9;

}  // namespace

std::optional<std::chrono::seconds> RateLimiter::acquire(std::string_view sender,
                                                         const RateLimit& limit,
                                                         Clock::time_point now, double tokens) {
  if (limit.per_second <= 0 || tokens <= 0) {
    return std::nullopt;
  }
  const double capacity = std::max(limit.burst, 1.0);

  const std::lock_guard lock(mutex_);
  auto it = buckets_.find(sender);
  if (it == buckets_.end()) {
    it = buckets_.emplace(std::string(sender), Bucket{capacity, now}).first;
  }
  Bucket& bucket = it->second;

  if (now > bucket.refilled_at) {
    const std::chrono::duration<double> elapsed = now - bucket.refilled_at;
    bucket.tokens = std::min(capacity, bucket.tokens + elapsed.count() * limit.per_second);
    bucket.refilled_at = now;
  }
  // A limit lowered by a config reload takes effect at once, not after the old burst.
  bucket.tokens = std::min(bucket.tokens, capacity);

  // What must be in the bucket: the request itself, or for one larger than the bucket, a
  // full bucket (it is then admitted into debt).
  const double needed = std::min(tokens, capacity);
  if (bucket.tokens + kEpsilon >= needed) {
    bucket.tokens -= tokens;
    return std::nullopt;
  }
  const double wait = (needed - bucket.tokens) / limit.per_second;
  const double whole = std::ceil(wait - kEpsilon);
  // Clamped so that an absurdly slow rate cannot overflow the conversion, and the answer
  // always fits the int of a Retry-After header (Problem::retry_after_seconds).
  constexpr double kMaxWait = std::numeric_limits<std::int32_t>::max();
  return std::chrono::seconds(
      static_cast<std::chrono::seconds::rep>(std::clamp(whole, 1.0, kMaxWait)));
}

}  // namespace gw::http
