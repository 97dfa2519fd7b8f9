// The producer the webhooks wait on: acknowledged means in Kafka; a dead cluster gives
// failures or timeouts, never a false acknowledgement.
#include "adapters/kafka/acked_producer.h"

#include <gtest/gtest.h>

#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/topic_io.h"

namespace gw::kafka {
namespace {

using namespace std::chrono_literals;

OutRecord record(std::string topic, std::string key, std::string value) {
  OutRecord r;
  r.topic = std::move(topic);
  r.key = std::move(key);
  r.value = std::move(value);
  r.headers = {{"source.sender", "test"}};
  return r;
}

TEST(AckedProducer, AcknowledgesOnlyWhatKafkaHolds) {
  EmbeddedCluster cluster(1);
  create_topics(cluster, {"acked.out"}, 2, 1);
  KafkaSettings settings;
  settings.brokers = cluster.bootstrap();
  AckedProducer producer(settings, 1, 5000ms);
  EXPECT_TRUE(producer.reachable(2000ms));
  const auto results = producer.write({record("acked.out", "k1", "v1"), record("acked.out", "k2", "v2")},
                                      std::chrono::steady_clock::now() + 10s);
  ASSERT_EQ(results.size(), 2u);
  for (const WriteResult& r : results) EXPECT_EQ(r.status, WriteStatus::acknowledged) << r.error;
  const auto read = read_topic(settings, "acked.out");
  ASSERT_EQ(read.size(), 2u);
}

TEST(AckedProducer, ADownClusterIsNeverAcknowledged) {
  EmbeddedCluster cluster(1);
  create_topics(cluster, {"acked.down"}, 1, 1);
  KafkaSettings settings;
  settings.brokers = cluster.bootstrap();
  AckedProducer producer(settings, 1, 1500ms);
  ASSERT_TRUE(producer.reachable(2000ms));
  rd_kafka_mock_broker_set_down(cluster.mock(), 1);
  const auto waited_short = producer.write({record("acked.down", "k", "v")},
                                           std::chrono::steady_clock::now() + 200ms);
  EXPECT_EQ(waited_short.at(0).status, WriteStatus::timed_out);
  // Past message.timeout.ms librdkafka gives up and says so.
  const auto waited_long = producer.write({record("acked.down", "k", "v")},
                                          std::chrono::steady_clock::now() + 10s);
  EXPECT_EQ(waited_long.at(0).status, WriteStatus::failed);
  EXPECT_FALSE(waited_long.at(0).error.empty());
}

TEST(AckedProducer, AnUnreachableClusterIsNotReady) {
  KafkaSettings settings;
  settings.brokers = "127.0.0.1:1";  // nothing listens on port 1
  AckedProducer producer(settings, 1, 1000ms);
  EXPECT_FALSE(producer.reachable(300ms));
  const auto results = producer.write({record("nowhere", "k", "v")},
                                      std::chrono::steady_clock::now() + 3s);
  EXPECT_NE(results.at(0).status, WriteStatus::acknowledged);
}

}  // namespace
}  // namespace gw::kafka
