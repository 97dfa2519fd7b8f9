// The embedded mode: librdkafka's mock cluster running inside the gateway process, for demos,
// tests and a first look without a Kafka installation. Clients connect to bootstrap() like to
// any cluster (kcat and python3-kafka too).
//
// The mock cluster keeps data in memory only, bounded at about 5 MB per partition (older
// messages are evicted), and loses everything on exit; warning() says so for the operator.
//
// The cluster runs on librdkafka's own threads; this object may be used from any thread.
// It must outlive every client connected to it.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>
#include <string_view>

#include "adapters/kafka/rdkafka_handles.h"

namespace gw {

class EmbeddedCluster {
 public:
  // Starts a cluster of `brokers` brokers (at least 1). Throws KafkaError when librdkafka cannot.
  explicit EmbeddedCluster(int brokers = 1);
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  int brokers() const { return brokers_; }

  // Creates a topic (replication is capped at the broker count). Creating an existing topic
  // again is not an error and leaves it as it is. Throws KafkaError otherwise.
  void create_topic(const std::string& topic, int partitions, int replication = 1);

  // For tests that inject failures (rd_kafka_mock_push_request_errors, broker_set_down).
  rd_kafka_mock_cluster_t* mock() const { return cluster_; }

  // The plain-text warning the gateway prints when it starts in the embedded mode.
  static std::string_view warning();

 private:
  kafka::KafkaHandle owner_;  // the dedicated client the mock cluster is attached to
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
  int brokers_ = 1;
};

}  // namespace gw
