#include "gateway/app/run.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>
#include <set>
#include <thread>

#include "adapters/intake/input_decoders.h"
#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/case_gateway.h"
#include "adapters/kafka/kafka_pipeline.h"
#include "adapters/kafka/topic_io.h"
#include "gateway/app/config_loading.h"
#include "gateway/app/env_expansion.h"
#include "gateway/app/feed_report.h"
#include "gateway/app/sample_feed.h"

namespace gw::app {
namespace {

// Every topic the gateway reads or writes, so that they exist before it starts.
std::vector<std::string> needed_topics(const GatewayConfig& gateway, const RoutingConfig& routing) {
  std::set<std::string> topics;
  for (const InputSpec& in : gateway.inputs) topics.insert(in.topic);
  for (const Department& d : routing.departments) topics.insert(d.topic);
  topics.insert(gateway.dead_letter_topic);
  topics.insert(gateway.internal_topic);
  return {topics.begin(), topics.end()};
}

// Set by SIGINT/SIGTERM while the gateway waits for Kafka at start-up (before the io loop's
// signal_set takes the signals over).
std::atomic<bool> stop_requested{false};
extern "C" void request_stop(int) { stop_requested = true; }

// Creates the topics the gateway needs (those that exist are left alone) and checks the
// internal and state topics agree; retries while the cluster is unreachable, with backoff
// from 1 s doubling to 30 s, reporting each failure. SIGINT/SIGTERM stop it within about 5 s. Returns the internal partition count,
// or nothing when a signal asked to stop meanwhile.
std::optional<int> prepare_topics(const KafkaSettings& settings, const GatewayConfig& gateway,
                                  const std::vector<std::string>& topics) {
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::chrono::seconds backoff(1);
  for (int attempt = 1;; ++attempt) {
    try {
      // A short timeout per attempt: a signal waits at most this long to be acted on.
      constexpr std::chrono::seconds kAttemptTimeout(5);
      create_topics(settings, topics, settings.topic_partitions, settings.replication_factor,
                    kAttemptTimeout);
      create_topics(settings, {gateway.state_topic}, settings.topic_partitions,
                    settings.replication_factor, state_topic_config(), kAttemptTimeout);
      const int partitions = internal_partition_count(settings, gateway);
      if (attempt > 1) spdlog::info("Kafka at {} is reachable; starting", settings.brokers);
      return partitions;
    } catch (const std::exception& e) {
      spdlog::warn("Kafka at {} not usable yet (attempt {}): {}; retrying in {} s",
                   settings.brokers, attempt, e.what(), backoff.count());
    }
    for (auto waited = std::chrono::milliseconds(0); waited < backoff;
         waited += std::chrono::milliseconds(100)) {
      if (stop_requested) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    backoff = std::min(backoff * 2, std::chrono::seconds(30));
  }
}

bool expand_secrets(KafkaSettings& kafka) {
  std::vector<std::string> problems;
  expand_env(kafka.properties, "kafka.properties", process_env, problems);
  expand_env(kafka.consumer_properties, "kafka.consumer_properties", process_env, problems);
  expand_env(kafka.producer_properties, "kafka.producer_properties", process_env, problems);
  for (const std::string& p : problems) std::cerr << p << "\n";
  return problems.empty();
}

// Produces the samples (each keyed by its origin, so a dead letter names its sample file),
// then, on the io thread, waits until the pipeline has consumed and committed them all and
// prints where they went. Runs on its own thread: producing blocks. The handlers it posts
// outlive this function: they capture only values and objects that live as long as run().
// A feed or read-back that fails sets exit_code (on the io thread) to 1.
void feed(const std::vector<SampleInput>& samples, const KafkaSettings& settings,
          const GatewayConfig& gateway, const RoutingConfig& routing, boost::asio::io_context& io,
          CaseGateway& pipeline, bool exit_after_feed, int& exit_code) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_topic;
  for (const SampleInput& s : samples) by_topic[s.topic].emplace_back(s.origin, s.bytes);
  try {
    for (const auto& [topic, records] : by_topic) produce_records(settings, topic, records);
  } catch (const std::exception& e) {
    spdlog::error("feeding the samples failed: {}", e.what());
    CaseGateway* loop = &pipeline;
    int* code = &exit_code;
    boost::asio::post(io, [loop, code, exit_after_feed] {
      *code = 1;
      if (exit_after_feed) loop->stop();
    });
    return;
  }
  spdlog::info("fed {} sample inputs; waiting until the gateway has committed them",
               samples.size());
  // Pointers, not references: these objects live in run(), longer than this thread.
  const KafkaSettings* kafka = &settings;
  const GatewayConfig* config = &gateway;
  const RoutingConfig* routes = &routing;
  CaseGateway* loop = &pipeline;
  int* code = &exit_code;
  boost::asio::post(io, [=, count = samples.size()] {
    loop->when_caught_up([=] {
      // Reading a topic back waits up to fetch.wait.max.ms per empty fetch (500 ms by
      // default): with ~20 topics to read, a short wait keeps the report from lagging.
      spdlog::info("the gateway has committed every fed input; reading the outputs back");
      KafkaSettings reader = *kafka;
      reader.consumer_properties["fetch.wait.max.ms"] = "10";
      std::vector<ConsumedRecord> cases;
      std::vector<ConsumedRecord> dead;
      try {
        for (const Department& d : routes->departments) {
          auto records = read_topic(reader, d.topic);
          cases.insert(cases.end(), records.begin(), records.end());
        }
        dead = read_topic(reader, config->dead_letter_topic);
      } catch (const std::exception& e) {
        spdlog::error("reading the outputs back failed: {}", e.what());
        *code = 1;
      }
      print_feed_report(std::cout, *routes, count, cases, dead,
                        loop->routing_counters().duplicates);
      if (exit_after_feed) {
        loop->stop();
      } else {
        std::cout << "\nThe gateway keeps running; Ctrl-C stops it.\n";
      }
      std::cout.flush();
    });
  });
}

}  // namespace

int run(const RunOptions& options) {
  auto gateway = load_gateway(options.config_path, std::cerr);
  if (!gateway) return 2;
  auto table = load_route_table(gateway->routing_file, std::cerr);
  if (!table || !consistent(*gateway, table->config(), std::cerr)) return 2;
  spdlog::set_level(spdlog::level::from_str(gateway->log_level));
  KafkaSettings settings = gateway->kafka;
  if (!expand_secrets(settings)) return 2;

  std::vector<SampleInput> samples;
  if (!options.feed_dir.empty()) {
    try {
      samples = read_samples(options.feed_dir);
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      return 2;
    }
    for (const SampleInput& s : samples) {
      bool known = std::any_of(gateway->inputs.begin(), gateway->inputs.end(),
                               [&](const InputSpec& in) { return in.topic == s.topic; });
      if (!known) {
        std::cerr << options.feed_dir << "/" << s.topic << ": no input topic of that name in "
                  << gateway->file << "\n";
        return 2;
      }
    }
  }

  std::vector<std::string> topics = needed_topics(*gateway, table->config());
  std::unique_ptr<EmbeddedCluster> embedded;
  int internal_partitions = settings.topic_partitions;
  try {
    if (settings.brokers.empty()) {
      embedded = std::make_unique<EmbeddedCluster>(1);
      settings.brokers = embedded->bootstrap();
      // The mock holds an empty fetch for fetch.wait.max.ms (500 ms by default) and answers
      // other requests on that connection behind it: keep it short so the demo is quick.
      settings.consumer_properties.try_emplace("fetch.wait.max.ms", "50");
      topics.push_back(gateway->state_topic);
      create_topics(*embedded, topics, settings.topic_partitions, 1);
      std::cout << "Embedded Kafka (librdkafka mock cluster) at " << settings.brokers << "\n"
                << EmbeddedCluster::warning() << "\n"
                << "Try: kcat -b " << settings.brokers << " -L\n";
    } else {
      std::optional<int> partitions = prepare_topics(settings, *gateway, topics);
      if (!partitions) {
        spdlog::info("stopped by a signal before Kafka was reachable");
        return 0;
      }
      internal_partitions = *partitions;
    }
  } catch (const std::exception& e) {
    spdlog::error("Kafka is not usable: {}", e.what());
    return 1;
  }

  // One per stage: each runs on its own thread.
  auto make_processor = [&table, &gateway] {
    auto p = std::make_unique<CaseProcessor>([table] { return table; }, gateway->dead_letter_topic);
    for (const InputSpec& in : gateway->inputs) p->add_input(in.topic, make_input_decoder(in));
    return p;
  };

  boost::asio::io_context io;
  int exit_code = 0;
  KafkaPipelineOptions pipeline_options;
  pipeline_options.on_fatal_error = [&](const std::string& reason) {
    spdlog::critical("stopping: {}", reason);
    exit_code = 1;
  };
  std::unique_ptr<CaseGateway> pipeline;
  try {
    pipeline = std::make_unique<CaseGateway>(io, settings, *gateway, make_processor,
                                             internal_partitions, pipeline_options);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  pipeline->start();
  std::cout << "Consuming";
  for (const InputSpec& in : gateway->inputs) std::cout << " " << in.topic;
  std::cout << " as group " << settings.group_id << " (routing stage: " << settings.group_id
            << ".routing, " << internal_partitions << " partitions of " << gateway->internal_topic
            << "); routing with " << gateway->routing_file
            << " (" << table->config().rules.size() << " rules); dead letters to "
            << gateway->dead_letter_topic << "\n";
  std::cout.flush();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping consumption, draining in-flight outputs", signal);
    StopReport report = pipeline->stop();
    if (!report.drained || !report.committed) {
      spdlog::warn(
          "stopped with {} outputs unacknowledged{}; their inputs were not committed "
          "and will be consumed again",
          report.abandoned, report.committed ? "" : " and the final commit failed");
      exit_code = 1;
    }
  });

  std::thread feeder;
  if (!samples.empty()) {
    feeder = std::thread(feed, std::cref(samples), std::cref(settings), std::cref(*gateway),
                         std::cref(table->config()), std::ref(io), std::ref(*pipeline),
                         options.exit_after_feed, std::ref(exit_code));
  }
  // Runs until the pipeline has stopped (signal, --exit-after-feed, fatal error) and the
  // signal wait is gone.
  while (!pipeline->stopped()) {
    if (io.run_one() == 0) break;
  }
  if (feeder.joinable()) feeder.join();
  signals.cancel();
  return exit_code;
}

}  // namespace gw::app
