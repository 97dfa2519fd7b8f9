#include "gateway/pipeline/offset_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <utility>
#include <vector>

namespace gw {
namespace {

const TopicPartition kP0{"hotline.tickets", 0};
const TopicPartition kP1{"hotline.tickets", 1};
const TopicPartition kGrid0{"grid.reports", 0};

TEST(OffsetTracker, NothingTrackedIsNotCommittable) {
  OffsetTracker t;
  EXPECT_EQ(t.committable(kP0), std::nullopt);
  EXPECT_EQ(t.pending_outputs(), 0u);
  EXPECT_EQ(t.pending_outputs(kP0), 0u);
}

TEST(OffsetTracker, SingleOutputAcknowledgedCommitsNextOffset) {
  OffsetTracker t;
  ASSERT_TRUE(t.track(kP0, 5, 1));
  EXPECT_EQ(t.committable(kP0), std::nullopt);
  EXPECT_EQ(t.pending_outputs(kP0), 1u);
  ASSERT_TRUE(t.ack(kP0, 5));
  EXPECT_EQ(t.committable(kP0), 6);
  EXPECT_EQ(t.pending_outputs(), 0u);
}

TEST(OffsetTracker, RecordWithSeveralOutputsWaitsForAll) {
  OffsetTracker t;
  t.track(kP0, 0, 3);
  t.ack(kP0, 0);
  t.ack(kP0, 0);
  EXPECT_EQ(t.committable(kP0), std::nullopt);
  t.ack(kP0, 0);
  EXPECT_EQ(t.committable(kP0), 1);
}

TEST(OffsetTracker, LaterRecordAcknowledgedFirstWaitsForEarlier) {
  OffsetTracker t;
  t.track(kP0, 10, 1);
  t.track(kP0, 11, 2);
  t.track(kP0, 12, 1);
  t.ack(kP0, 12);
  t.ack(kP0, 11);
  t.ack(kP0, 11);
  EXPECT_EQ(t.committable(kP0), std::nullopt);
  EXPECT_EQ(t.pending_records(kP0), 3u);
  t.ack(kP0, 10);
  EXPECT_EQ(t.committable(kP0), 13);
  EXPECT_EQ(t.pending_records(kP0), 0u);
}

TEST(OffsetTracker, CommittableStopsAtFirstIncompleteRecord) {
  OffsetTracker t;
  t.track(kP0, 0, 1);
  t.track(kP0, 1, 1);
  t.track(kP0, 2, 1);
  t.ack(kP0, 0);
  t.ack(kP0, 2);
  EXPECT_EQ(t.committable(kP0), 1);
  t.ack(kP0, 1);
  EXPECT_EQ(t.committable(kP0), 3);
}

TEST(OffsetTracker, OffsetGapsAreAllowed) {
  // Compacted topics and transaction markers leave gaps in the offsets a consumer sees.
  OffsetTracker t;
  t.track(kP0, 3, 1);
  t.track(kP0, 9, 1);
  t.ack(kP0, 9);
  t.ack(kP0, 3);
  EXPECT_EQ(t.committable(kP0), 10);
}

TEST(OffsetTracker, RecordWithoutOutputsIsCommittableOnceEarlierAreDone) {
  OffsetTracker t;
  t.track(kP0, 0, 0);
  EXPECT_EQ(t.committable(kP0), 1);
  t.track(kP0, 1, 1);
  t.track(kP0, 2, 0);
  EXPECT_EQ(t.committable(kP0), 1);
  t.ack(kP0, 1);
  EXPECT_EQ(t.committable(kP0), 3);
}

TEST(OffsetTracker, PartitionsAreIndependent) {
  OffsetTracker t;
  t.track(kP0, 0, 1);
  t.track(kP1, 0, 1);
  t.track(kGrid0, 0, 1);
  t.ack(kP1, 0);
  EXPECT_EQ(t.committable(kP0), std::nullopt);
  EXPECT_EQ(t.committable(kP1), 1);
  EXPECT_EQ(t.committable(kGrid0), std::nullopt);
  EXPECT_EQ(t.pending_outputs(), 2u);
}

TEST(OffsetTracker, SameNumberInAnotherTopicIsAnotherPartition) {
  OffsetTracker t;
  t.track(kP0, 7, 1);
  EXPECT_FALSE(t.ack(kGrid0, 7));
  EXPECT_EQ(t.pending_outputs(kP0), 1u);
}

TEST(OffsetTracker, RefusesRepeatedOrDecreasingOffsets) {
  OffsetTracker t;
  ASSERT_TRUE(t.track(kP0, 5, 1));
  EXPECT_FALSE(t.track(kP0, 5, 1));
  EXPECT_FALSE(t.track(kP0, 4, 1));
  EXPECT_FALSE(t.track(kP0, -1, 1));
  EXPECT_EQ(t.pending_outputs(kP0), 1u);
  EXPECT_EQ(t.pending_records(kP0), 1u);
}

TEST(OffsetTracker, RefusesUnknownAndExtraAcks) {
  OffsetTracker t;
  EXPECT_FALSE(t.ack(kP0, 0));
  t.track(kP0, 0, 1);
  t.track(kP0, 1, 1);
  EXPECT_FALSE(t.ack(kP0, 2));
  t.ack(kP0, 1);
  EXPECT_FALSE(t.ack(kP0, 1));  // its only output was already acknowledged
  EXPECT_EQ(t.pending_outputs(kP0), 1u);
  t.ack(kP0, 0);
  EXPECT_FALSE(t.ack(kP0, 0));  // already committable and dropped
  EXPECT_EQ(t.committable(kP0), 2);
}

TEST(OffsetTracker, ForgetDropsThePartitionAndLateAcks) {
  OffsetTracker t;
  t.track(kP0, 0, 2);
  t.track(kP1, 0, 1);
  t.ack(kP0, 0);
  t.forget(kP0);
  EXPECT_EQ(t.committable(kP0), std::nullopt);
  EXPECT_EQ(t.pending_outputs(kP0), 0u);
  EXPECT_EQ(t.pending_outputs(), 1u);
  EXPECT_FALSE(t.ack(kP0, 0));
  // Reassigned later, the partition starts again from the committed offset.
  EXPECT_TRUE(t.track(kP0, 0, 1));
  EXPECT_TRUE(t.ack(kP0, 0));
  EXPECT_EQ(t.committable(kP0), 1);
  EXPECT_EQ(t.partitions().size(), 2u);
}

TEST(OffsetTracker, CommittableNeverGoesBackwards) {
  OffsetTracker t;
  t.track(kP0, 0, 1);
  t.ack(kP0, 0);
  t.track(kP0, 1, 1);
  EXPECT_EQ(t.committable(kP0), 1);
  t.ack(kP0, 1);
  EXPECT_EQ(t.committable(kP0), 2);
}

// Reference model: the committable offset of a partition is found by scanning its records in
// order and stopping at the first with an unacknowledged output.
struct ModelRecord {
  std::int64_t offset;
  std::size_t outputs;
  std::size_t acked = 0;
};

std::optional<std::int64_t> model_committable(const std::vector<ModelRecord>& records) {
  std::optional<std::int64_t> result;
  for (const ModelRecord& r : records) {
    if (r.acked < r.outputs) break;
    result = r.offset + 1;
  }
  return result;
}

TEST(OffsetTracker, RandomAckOrdersMatchTheReferenceModel) {
  const std::vector<TopicPartition> parts = {kP0, kP1, kGrid0};
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 rng(seed);
    OffsetTracker t;
    std::map<TopicPartition, std::vector<ModelRecord>> model;
    std::vector<std::pair<TopicPartition, std::size_t>> acks;  // (partition, record index)
    for (const TopicPartition& tp : parts) {
      std::int64_t offset = std::uniform_int_distribution<int>(0, 50)(rng);
      int n_records = std::uniform_int_distribution<int>(0, 40)(rng);
      for (int i = 0; i < n_records; ++i) {
        std::size_t outputs = std::uniform_int_distribution<int>(0, 3)(rng);
        ASSERT_TRUE(t.track(tp, offset, outputs));
        model[tp].push_back(ModelRecord{offset, outputs});
        for (std::size_t k = 0; k < outputs; ++k) acks.emplace_back(tp, model[tp].size() - 1);
        offset += std::uniform_int_distribution<int>(1, 3)(rng);
      }
    }
    std::shuffle(acks.begin(), acks.end(), rng);
    std::size_t remaining = acks.size();
    ASSERT_EQ(t.pending_outputs(), remaining);
    for (const auto& [tp, index] : acks) {
      ModelRecord& r = model[tp][index];
      ASSERT_TRUE(t.ack(tp, r.offset)) << "seed " << seed;
      ++r.acked;
      --remaining;
      ASSERT_EQ(t.pending_outputs(), remaining) << "seed " << seed;
      for (const TopicPartition& p : parts) {
        ASSERT_EQ(t.committable(p), model_committable(model[p]))
            << "seed " << seed << " partition " << to_string(p);
      }
    }
    for (const TopicPartition& p : parts) {
      EXPECT_EQ(t.pending_records(p), 0u);
      if (!model[p].empty()) {
        EXPECT_EQ(t.committable(p), model[p].back().offset + 1);
      }
    }
  }
}

TEST(OffsetTracker, RandomInterleavingOfTrackAndAck) {
  // Records keep arriving while earlier outputs are acknowledged, as in the running pipeline.
  for (unsigned seed = 1; seed <= 100; ++seed) {
    std::mt19937 rng(seed);
    OffsetTracker t;
    std::vector<ModelRecord> model;
    std::vector<std::size_t> unacked;  // record index per unacknowledged output
    std::int64_t next_offset = 0;
    for (int step = 0; step < 300; ++step) {
      bool do_track = unacked.empty() || std::bernoulli_distribution(0.5)(rng);
      if (do_track) {
        std::size_t outputs = std::uniform_int_distribution<int>(1, 3)(rng);
        ASSERT_TRUE(t.track(kP0, next_offset, outputs));
        model.push_back(ModelRecord{next_offset, outputs});
        for (std::size_t k = 0; k < outputs; ++k) unacked.push_back(model.size() - 1);
        ++next_offset;
      } else {
        std::size_t pick = std::uniform_int_distribution<std::size_t>(0, unacked.size() - 1)(rng);
        std::size_t index = unacked[pick];
        unacked.erase(unacked.begin() + static_cast<std::ptrdiff_t>(pick));
        ASSERT_TRUE(t.ack(kP0, model[index].offset));
        ++model[index].acked;
      }
      ASSERT_EQ(t.committable(kP0), model_committable(model)) << "seed " << seed;
      ASSERT_EQ(t.pending_outputs(kP0), unacked.size());
    }
  }
}

}  // namespace
}  // namespace gw
