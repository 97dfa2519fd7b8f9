#include "adapters/kafka/embedded_cluster.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/kafka/kafka_config.h"

namespace gw {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(EmbeddedCluster, ExposesABootstrapAddressPerBroker) {
  EmbeddedCluster one;
  EXPECT_THAT(one.bootstrap(), StartsWith("127.0.0.1:"));
  EXPECT_EQ(one.brokers(), 1);
  EmbeddedCluster three(3);
  EXPECT_EQ(std::count(three.bootstrap().begin(), three.bootstrap().end(), ','), 2);
}

TEST(EmbeddedCluster, CreatingATopicTwiceIsFine) {
  EmbeddedCluster cluster;
  cluster.create_topic("hotline.tickets", 3);
  EXPECT_NO_THROW(cluster.create_topic("hotline.tickets", 3));
}

TEST(EmbeddedCluster, RefusesATopicWithoutPartitions) {
  EmbeddedCluster cluster;
  EXPECT_THROW(cluster.create_topic("grid.reports", 0), KafkaError);
}

TEST(EmbeddedCluster, WarningSaysDataIsInMemoryBoundedAndLostOnExit) {
  std::string_view w = EmbeddedCluster::warning();
  EXPECT_THAT(std::string(w), HasSubstr("memory"));
  EXPECT_THAT(std::string(w), HasSubstr("5 MB"));
  EXPECT_THAT(std::string(w), HasSubstr("evicts older messages"));
  EXPECT_THAT(std::string(w), HasSubstr("lost when the gateway exits"));
}

}  // namespace
}  // namespace gw
