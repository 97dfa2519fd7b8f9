// A Prometheus histogram of durations in seconds with fixed bucket bounds, for the case
// latency and the HTTP request time (docs/http-api.md, "Metrics").
//
// observe() is called from any thread (Kafka delivery callbacks, HTTP workers) and is
// lock-free: one relaxed atomic increment of a bucket and one of the sum. snapshot() may run
// concurrently with observe(); it derives count from the buckets, so the +Inf bucket always
// equals count, while sum may lag or lead by the observations in flight.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace gw::metrics {

class LatencyHistogram {
 public:
  // Upper bounds suited to end-to-end case latency: a millisecond up to a minute.
  static constexpr std::array<double, 15> kDefaultBounds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  struct Snapshot {
    std::vector<double> bounds;             // upper bounds, ascending, without +Inf
    std::vector<std::uint64_t> cumulative;  // cumulative[i]: observations <= bounds[i]
    std::uint64_t count = 0;                // every observation: the +Inf bucket
    double sum = 0;                         // seconds
  };

  // kDefaultBounds.
  LatencyHistogram();
  // Throws std::invalid_argument unless the bounds are finite and strictly ascending
  // (+Inf is implicit). An empty list leaves only the +Inf bucket.
  explicit LatencyHistogram(std::vector<double> upper_bounds);

  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  // A negative duration (a producer's clock ahead of ours) counts as 0; NaN is ignored.
  void observe(double seconds);
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  // Non-cumulative: counts_[i] for (bounds_[i-1], bounds_[i]], the last for (bounds_.back(), +Inf).
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0.0};
};

}  // namespace gw::metrics
