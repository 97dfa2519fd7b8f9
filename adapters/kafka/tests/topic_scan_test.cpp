// scan_topic against the embedded mock cluster: partitions chosen, the record limit, tombstones,
// a missing topic, and the fallback when the cluster cannot look offsets up by time.
#include "adapters/kafka/topic_scan.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/testing/timed_records.h"

namespace gw {
namespace {

constexpr EpochMs kT0 = 1758506400000;

KafkaSettings settings_for(const EmbeddedCluster& cluster) {
  KafkaSettings s;
  s.brokers = cluster.bootstrap();
  s.consumer_properties["fetch.wait.max.ms"] = "50";
  return s;
}

struct Seen {
  std::int32_t partition;
  std::int64_t offset;
  std::string key;
  std::string value;
  bool tombstone;
  EpochMs timestamp;
};

std::vector<Seen> scan(const KafkaSettings& settings, const TopicScan& s, ScanSummary& summary) {
  std::vector<Seen> seen;
  summary = scan_topic(settings, s, [&seen](const ScannedRecord& r) {
    seen.push_back(Seen{r.partition, r.offset, std::string(r.key), std::string(r.value),
                        r.tombstone, r.timestamp});
  });
  return seen;
}

class TopicScanTest : public ::testing::Test {
 protected:
  TopicScanTest() : settings(settings_for(cluster)) {
    cluster.create_topic("events", 3);
    std::vector<testing::TimedRecord> records;
    for (int i = 0; i < 30; ++i) {
      records.push_back({i % 3, "k" + std::to_string(i), "v" + std::to_string(i), kT0 + i * 1000});
    }
    records.push_back({1, "k1", std::nullopt, kT0 + 40000});  // a tombstone
    testing::produce_timed(settings, "events", records);
  }

  EmbeddedCluster cluster;
  KafkaSettings settings;
};

TEST_F(TopicScanTest, ReadsEveryPartitionInOffsetOrderWithTimestampsAndTombstones) {
  TopicScan s;
  s.topic = "events";
  ScanSummary summary;
  const std::vector<Seen> seen = scan(settings, s, summary);
  EXPECT_EQ(summary.partitions, 3);
  EXPECT_EQ(summary.records, 31u);
  EXPECT_FALSE(summary.limit_reached);
  EXPECT_FALSE(summary.read_from_oldest);
  ASSERT_EQ(seen.size(), 31u);
  std::map<std::int32_t, std::int64_t> last;
  int tombstones = 0;
  for (const Seen& r : seen) {
    auto [it, first] = last.try_emplace(r.partition, -1);
    EXPECT_GT(r.offset, it->second);
    it->second = r.offset;
    if (r.tombstone) {
      ++tombstones;
      EXPECT_EQ(r.key, "k1");
      EXPECT_EQ(r.value, "");
      EXPECT_EQ(r.timestamp, kT0 + 40000);
    } else {
      const int i = std::stoi(r.value.substr(1));
      EXPECT_EQ(r.partition, i % 3);
      EXPECT_EQ(r.timestamp, kT0 + i * 1000);
    }
  }
  EXPECT_EQ(tombstones, 1);
}

TEST_F(TopicScanTest, ReadsOnlyTheChosenPartitions) {
  TopicScan s;
  s.topic = "events";
  s.partitions = [](std::int32_t n) {
    EXPECT_EQ(n, 3);
    return std::vector<std::int32_t>{2, 2, 7, -1};  // repeats and partitions that do not exist
  };
  ScanSummary summary;
  const std::vector<Seen> seen = scan(settings, s, summary);
  ASSERT_EQ(seen.size(), 10u);
  for (const Seen& r : seen) EXPECT_EQ(r.partition, 2);
}

TEST_F(TopicScanTest, StopsAtTheLimitAndSaysSo) {
  TopicScan s;
  s.topic = "events";
  s.max_records = 7;
  ScanSummary summary;
  EXPECT_EQ(scan(settings, s, summary).size(), 7u);
  EXPECT_TRUE(summary.limit_reached);
  // Exactly as many records as the limit: complete.
  s.max_records = 31;
  EXPECT_EQ(scan(settings, s, summary).size(), 31u);
  EXPECT_FALSE(summary.limit_reached);
}

TEST_F(TopicScanTest, FromAnInstantReadsEverythingAtOrAfterIt) {
  // The mock cluster answers -1 for every timestamp: the scan notices (the instant 0 is
  // before every record, yet -1) and reads from the oldest record. A real broker starts at
  // the first record stamped at or after `from`; both hand over every such record.
  TopicScan s;
  s.topic = "events";
  s.from = kT0 + 20000;
  ScanSummary summary;
  const std::vector<Seen> seen = scan(settings, s, summary);
  std::size_t at_or_after = 0;
  for (const Seen& r : seen) at_or_after += r.timestamp >= kT0 + 20000 ? 1 : 0;
  EXPECT_EQ(at_or_after, 11u);
  EXPECT_TRUE(summary.read_from_oldest);
}

TEST_F(TopicScanTest, AMissingTopicReadsAsEmpty) {
  TopicScan s;
  s.topic = "no-such-topic";
  s.from = kT0;
  ScanSummary summary;
  EXPECT_TRUE(scan(settings, s, summary).empty());
  EXPECT_EQ(summary.records, 0u);
  // (A real cluster reports 0 partitions; the mock creates the topic on the metadata request.)
}

}  // namespace
}  // namespace gw
