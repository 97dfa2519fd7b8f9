#include "adapters/kafka/embedded_cluster.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "adapters/kafka/kafka_config.h"

namespace gw {

EmbeddedCluster::EmbeddedCluster(int brokers) : brokers_(std::max(1, brokers)) {
  kafka::ConfHandle conf(rd_kafka_conf_new());
  kafka::set_property(conf.get(), "client.id", "case-gateway-embedded-cluster");
  // Its only complaint would be the missing bootstrap.servers, which it never needs.
  kafka::set_property(conf.get(), "log_level", "3");
  // The owner never talks to a broker; it only hosts the mock cluster's threads.
  std::array<char, 512> err{};
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err.data(), err.size());
  if (rk == nullptr) {
    throw KafkaError(std::string("embedded cluster: ") + err.data());
  }
  (void)conf.release();
  owner_.reset(rk);
  cluster_ = rd_kafka_mock_cluster_new(owner_.get(), brokers_);
  if (cluster_ == nullptr) {
    throw KafkaError("embedded cluster: librdkafka could not start it");
  }
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

EmbeddedCluster::~EmbeddedCluster() {
  if (cluster_ != nullptr) {
    rd_kafka_mock_cluster_destroy(cluster_);
  }
}

void EmbeddedCluster::create_topic(const std::string& topic, int partitions, int replication) {
  if (partitions < 1) {
    throw KafkaError("embedded cluster: topic \"" + topic + "\": partitions < 1");
  }
  replication = std::clamp(replication, 1, brokers_);
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, replication);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    throw KafkaError("embedded cluster: topic \"" + topic + "\": " + rd_kafka_err2str(err));
  }
}

std::string_view EmbeddedCluster::warning() {
  return "EMBEDDED MODE: no Kafka brokers are configured, so the gateway runs librdkafka's "
         "in-process mock cluster. Its data lives in memory only: each partition keeps about "
         "5 MB and evicts older messages beyond that, and everything is lost when the gateway "
         "exits. Use it for demos and tests; set kafka.brokers for real work.";
}

}  // namespace gw
