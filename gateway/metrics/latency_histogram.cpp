#include "gateway/metrics/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gw::metrics {

LatencyHistogram::LatencyHistogram()
    : LatencyHistogram(std::vector<double>(kDefaultBounds.begin(), kDefaultBounds.end())) {}

LatencyHistogram::LatencyHistogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i])) {
      throw std::invalid_argument("histogram bound " + std::to_string(i) +
                                  " is not finite (+Inf is implicit)");
    }
    if (i > 0 && !(bounds_[i - 1] < bounds_[i])) {
      throw std::invalid_argument("histogram bounds are not strictly ascending at " +
                                  std::to_string(i));
    }
  }
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
  static_assert(std::atomic<double>::is_always_lock_free);
}

void LatencyHistogram::observe(double seconds) {
  if (std::isnan(seconds)) {
    return;
  }
  if (seconds < 0) {
    seconds = 0;
  }
  // First bound >= seconds: Prometheus buckets are "less than or equal" (le).
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(seconds, std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative.reserve(bounds_.size());
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  s.count = running + counts_[bounds_.size()].load(std::memory_order_relaxed);
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace gw::metrics
