#include "adapters/kafka/topic_io.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "adapters/kafka/kafka_config.h"

namespace gw {
namespace {

using ::testing::HasSubstr;

KafkaSettings settings_for(const EmbeddedCluster& cluster) {
  KafkaSettings s;
  s.brokers = cluster.bootstrap();
  return s;
}

TEST(TopicIo, ProducedRecordsReadBackCompletelyAndInOrderPerPartition) {
  EmbeddedCluster cluster;
  create_topics(cluster, {"hotline.tickets"}, 3);
  std::vector<std::pair<std::string, std::string>> records;
  for (int i = 0; i < 60; ++i) {
    records.emplace_back("key-" + std::to_string(i % 7), "value-" + std::to_string(i));
  }
  produce_records(settings_for(cluster), "hotline.tickets", records);

  std::vector<ConsumedRecord> read = read_topic(settings_for(cluster), "hotline.tickets");
  ASSERT_EQ(read.size(), records.size());
  std::set<std::string> values;
  std::map<std::int32_t, std::int64_t> last_offset;
  std::map<std::string, std::int32_t> partition_of_key;
  for (const ConsumedRecord& r : read) {
    EXPECT_EQ(r.topic, "hotline.tickets");
    EXPECT_GT(r.timestamp, 0);
    values.insert(r.value);
    auto [last, first] = last_offset.try_emplace(r.partition, -1);
    EXPECT_GT(r.offset, last->second);  // ordered within a partition
    last->second = r.offset;
    auto [p, inserted] = partition_of_key.try_emplace(r.key, r.partition);
    EXPECT_EQ(p->second, r.partition) << "a key always goes to one partition";
  }
  EXPECT_EQ(values.size(), records.size());
  EXPECT_GT(last_offset.size(), 1u);
}

TEST(TopicIo, EmptyKeyReadsBackEmpty) {
  EmbeddedCluster cluster;
  create_topics(cluster, {"grid.reports"}, 1);
  produce_records(settings_for(cluster), "grid.reports", {{"", "{}"}});
  std::vector<ConsumedRecord> read = read_topic(settings_for(cluster), "grid.reports");
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].key, "");
  EXPECT_EQ(read[0].value, "{}");
  EXPECT_EQ(read[0].header("anything"), nullptr);
}

TEST(TopicIo, ReadingAnEmptyTopicReturnsNothing) {
  EmbeddedCluster cluster;
  create_topics(cluster, {"gateway.dead-letter"}, 2);
  EXPECT_TRUE(read_topic(settings_for(cluster), "gateway.dead-letter").empty());
}

TEST(TopicIo, ReadsOnlyUpToTheEndAtTheTimeOfTheCall) {
  EmbeddedCluster cluster;
  create_topics(cluster, {"dept.housing"}, 1);
  produce_records(settings_for(cluster), "dept.housing", {{"a", "1"}, {"b", "2"}});
  EXPECT_EQ(read_topic(settings_for(cluster), "dept.housing").size(), 2u);
  produce_records(settings_for(cluster), "dept.housing", {{"c", "3"}});
  std::vector<ConsumedRecord> read = read_topic(settings_for(cluster), "dept.housing");
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[2].offset, 2);
  EXPECT_EQ(read[2].value, "3");
}

TEST(TopicIo, AdminCreateTopicsFailureNamesTheTopics) {
  KafkaSettings s;
  s.brokers = "127.0.0.1:1";  // nothing listens there
  try {
    create_topics(s, {"dept.env"}, 3, 1, std::chrono::seconds(1));
    FAIL() << "no error";
  } catch (const KafkaError& e) {
    EXPECT_THAT(e.what(), HasSubstr("dept.env"));
  }
}

TEST(TopicIo, ProducingToAnUnreachableClusterTimesOut) {
  KafkaSettings s;
  s.brokers = "127.0.0.1:1";
  s.producer_properties["message.timeout.ms"] = "500";
  EXPECT_THROW(produce_records(s, "hotline.tickets", {{"k", "v"}}, std::chrono::seconds(5)),
               KafkaError);
}

}  // namespace
}  // namespace gw

namespace gw {
namespace {

// A returned case is routed again from its input, read back by offset.
TEST(TopicIo, ReadRecordReturnsTheRecordAtAnOffsetOrNothing) {
  EmbeddedCluster cluster;
  create_topics(cluster, {"gateway.cases"}, 1);
  const KafkaSettings settings = settings_for(cluster);
  produce_records(settings, "gateway.cases", {{"a", "first"}, {"b", "second"}, {"c", "third"}});
  const std::optional<ConsumedRecord> second = read_record(settings, "gateway.cases", 0, 1);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->key, "b");
  EXPECT_EQ(second->value, "second");
  EXPECT_EQ(second->offset, 1);
  EXPECT_FALSE(read_record(settings, "gateway.cases", 0, 3));   // past the end
  EXPECT_FALSE(read_record(settings, "gateway.cases", 0, -1));  // before the start
}

}  // namespace
}  // namespace gw
