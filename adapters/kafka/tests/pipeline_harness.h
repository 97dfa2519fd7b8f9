// Shared by the pipeline tests: an embedded cluster, an io_context driven from the test's
// thread, and settings tuned so the mock cluster answers quickly.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/kafka_pipeline.h"
#include "adapters/kafka/topic_io.h"
#include "gateway/core/gateway_config.h"

namespace gw::testing {

struct PipelineHarness {
  EmbeddedCluster cluster;
  boost::asio::io_context io;
  KafkaSettings settings;

  PipelineHarness() {
    settings.brokers = cluster.bootstrap();
    settings.group_id = "case-gateway-test";
    // The mock answers an empty fetch only after fetch.wait.max.ms.
    settings.consumer_properties["fetch.wait.max.ms"] = "50";
    settings.consumer_properties["session.timeout.ms"] = "6000";
    settings.consumer_properties["heartbeat.interval.ms"] = "300";
    settings.properties["topic.metadata.refresh.interval.ms"] = "1000";
  }

  // Runs the io_context on this thread until done() holds; false on timeout. The bound is
  // generous: a group join on the mock cluster can take tens of seconds on a loaded 2-core
  // CI machine; passing runs take a few.
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io.restart();
      if (io.run_for(std::chrono::milliseconds(20)) == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    return true;
  }

  bool run_until_caught_up(KafkaPipeline& pipeline,
                           std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    bool caught_up = false;
    pipeline.when_caught_up([&caught_up] { caught_up = true; });
    return run_until([&caught_up] { return caught_up; }, timeout);
  }

  std::vector<ConsumedRecord> read(const std::string& topic) {
    return read_topic(settings, topic, std::chrono::seconds(10));
  }
};

}  // namespace gw::testing
