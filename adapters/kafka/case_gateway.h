// The gateway's two Kafka stages on one io_context (docs/architecture.md, "Two stages"):
//
//   input topics --intake--> internal topic (keyed by case id) --routing--> department topics
//        |                                                          |  \-> state topic
//        \--> dead-letter topic                                      \--> (dead letters)
//
// Intake (consumer group <group_id>) decodes each input and dead-letters what it refuses; it
// forwards the rest, keyed by case id, so every copy of a case lands on one partition of the
// internal topic whatever partition its input came from. Routing (group <group_id>.routing)
// owns internal partitions: on assignment it restores from the compacted state topic which
// cases of that partition were routed, suppresses repeats, routes the others and records
// them. Both stages commit an input only after its outputs are acknowledged; a crash repeats
// work, never skips it.
//
// Lives on the io thread: call every member there.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/kafka/kafka_pipeline.h"
#include "gateway/core/gateway_config.h"
#include "gateway/pipeline/case_processor.h"
#include "gateway/pipeline/routed_cases.h"

namespace gw {

// The internal topic's partition count, after checking that the state topic has the same
// (restoring partition p of the state must give exactly the cases of internal partition p).
// Throws KafkaError naming both counts when they differ or a topic is missing.
int internal_partition_count(const KafkaSettings& settings, const GatewayConfig& config);

// Topic settings the state topic is created with: compacted, so it keeps the last record of
// every case and stays bounded by the number of cases, not of inputs.
const std::map<std::string, std::string>& state_topic_config();

class CaseGateway {
 public:
  // processor must have a decoder for every input topic and outlive this object.
  // options are the template for both stages (input_topics is ignored).
  // Throws KafkaError when librdkafka rejects a property.
  CaseGateway(boost::asio::io_context& io, const KafkaSettings& settings,
              const GatewayConfig& config, CaseProcessor& processor, int internal_partitions,
              KafkaPipelineOptions options = {});
  // The stages' callbacks hold `this`.
  CaseGateway(const CaseGateway&) = delete;
  CaseGateway& operator=(const CaseGateway&) = delete;

  void start();
  // Stops intake first (drain, commit, leave), then routing; returns routing's report merged
  // with intake's (drained and committed only if both were).
  StopReport stop();
  bool stopped() const { return intake_->stopped() && routing_->stopped(); }

  // handler runs once intake has committed everything assigned to it and then routing has
  // committed everything intake forwarded (see KafkaPipeline::when_caught_up).
  void when_caught_up(std::function<void()> handler);

  PipelineCounters intake_counters() const { return intake_->counters(); }
  PipelineCounters routing_counters() const { return routing_->counters(); }
  std::size_t routed_cases_held() const { return routed_.size(); }

 private:
  void restore(const std::vector<TopicPartition>& partitions);

  KafkaSettings routing_settings_;
  std::string state_topic_;
  RoutedCases routed_;
  std::unique_ptr<KafkaPipeline> intake_;
  std::unique_ptr<KafkaPipeline> routing_;
};

}  // namespace gw
