#include "gateway/metrics/latency_histogram.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace gw::metrics {
namespace {

TEST(LatencyHistogram, HasTheDefaultBounds) {
  const LatencyHistogram h;
  EXPECT_EQ(h.bounds(), (std::vector<double>{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5, 1, 2.5, 5, 10, 30, 60}));
  const auto s = h.snapshot();
  EXPECT_EQ(s.bounds, h.bounds());
  EXPECT_EQ(s.cumulative, std::vector<std::uint64_t>(15, 0));
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.sum, 0);
}

TEST(LatencyHistogram, CountsCumulativelyWithUpperBoundsInclusive) {
  LatencyHistogram h({0.1, 1, 10});
  for (const double s : {0.05, 0.1, 0.5, 1.0, 1.5, 10.0, 11.0, 100.0}) {
    h.observe(s);
  }
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 4, 6}));
  EXPECT_EQ(s.count, 8u);  // the +Inf bucket
  EXPECT_DOUBLE_EQ(s.sum, 0.05 + 0.1 + 0.5 + 1.0 + 1.5 + 10.0 + 11.0 + 100.0);
  for (std::size_t i = 1; i < s.cumulative.size(); ++i) {
    EXPECT_LE(s.cumulative[i - 1], s.cumulative[i]);
  }
  EXPECT_LE(s.cumulative.back(), s.count);
}

TEST(LatencyHistogram, CountsNegativeAsZeroAndIgnoresNaN) {
  LatencyHistogram h({0, 1});
  h.observe(-0.5);  // a producer's clock ahead of ours
  h.observe(std::nan(""));
  h.observe(std::numeric_limits<double>::infinity());
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{1, 1}));
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.sum, std::numeric_limits<double>::infinity());
}

TEST(LatencyHistogram, RefusesBadBounds) {
  EXPECT_THROW(LatencyHistogram({1, 1}), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram({2, 1}), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram({1, std::numeric_limits<double>::infinity()}),
               std::invalid_argument);
  EXPECT_THROW(LatencyHistogram({std::nan(""), 1}), std::invalid_argument);
  EXPECT_NO_THROW(LatencyHistogram(std::vector<double>{}));
}

TEST(LatencyHistogram, SumsConcurrentObservationsExactly) {
  LatencyHistogram h({0.25, 0.5, 1});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100000;
  // Multiples of 1/8: every partial sum is exact in a double, whatever the order.
  const std::vector<double> values = {0.125, 0.25, 0.5, 0.75, 1.0, 2.0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) {
        std::this_thread::yield();
      }
      for (int i = 0; i < kPerThread; ++i) {
        h.observe(values[static_cast<std::size_t>(i + t) % values.size()]);
      }
    });
  }
  // Snapshots taken while observing stay consistent: cumulative, +Inf == count.
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!go.load()) {
      std::this_thread::yield();
    }
    while (!done.load()) {
      const auto s = h.snapshot();
      for (std::size_t i = 1; i < s.cumulative.size(); ++i) {
        ASSERT_LE(s.cumulative[i - 1], s.cumulative[i]);
      }
      ASSERT_LE(s.cumulative.back(), s.count);
    }
  });
  go.store(true);
  for (auto& th : threads) {
    th.join();
  }
  done.store(true);
  reader.join();

  const auto s = h.snapshot();
  constexpr std::uint64_t kTotal = std::uint64_t{kThreads} * kPerThread;
  EXPECT_EQ(s.count, kTotal);
  // Per value: how many times each was observed across threads.
  std::vector<std::uint64_t> per_value(values.size(), 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      ++per_value[static_cast<std::size_t>(i + t) % values.size()];
    }
  }
  double expected_sum = 0;
  for (std::size_t v = 0; v < values.size(); ++v) {
    expected_sum += values[v] * static_cast<double>(per_value[v]);
  }
  EXPECT_EQ(s.sum, expected_sum);
  EXPECT_EQ(s.cumulative,
            (std::vector<std::uint64_t>{
                per_value[0] + per_value[1],
                per_value[0] + per_value[1] + per_value[2],
                per_value[0] + per_value[1] + per_value[2] + per_value[3] + per_value[4],
            }));
}

}  // namespace
}  // namespace gw::metrics
