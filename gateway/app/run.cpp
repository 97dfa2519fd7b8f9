#include "gateway/app/run.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>
#include <set>
#include <thread>

#include "adapters/http/http_server.h"
#include "adapters/http/webhook_service.h"
#include "adapters/intake/input_decoders.h"
#include "adapters/kafka/acked_producer.h"
#include "adapters/kafka/embedded_cluster.h"
#include "adapters/kafka/kafka_config.h"
#include "adapters/kafka/case_gateway.h"
#include "adapters/kafka/kafka_pipeline.h"
#include "adapters/kafka/topic_io.h"
#include "gateway/app/admin_api.h"
#include "gateway/app/case_queries.h"
#include "gateway/app/config_loading.h"
#include "gateway/app/route_reloader.h"
#include "gateway/app/env_expansion.h"
#include "gateway/app/feed_report.h"
#include "gateway/app/lifecycle_wiring.h"
#include "gateway/app/sample_feed.h"

namespace gw::app {
namespace {

// Every topic the gateway reads or writes, so that they exist before it starts.
std::vector<std::string> needed_topics(const GatewayConfig& gateway, const RoutingConfig& routing,
                                       const std::optional<Lifecycle>& lifecycle) {
  std::set<std::string> topics;
  for (const InputSpec& in : gateway.inputs) topics.insert(in.topic);
  for (const Department& d : routing.departments) topics.insert(d.topic);
  topics.insert(gateway.dead_letter_topic);
  topics.insert(gateway.internal_topic);
  topics.insert(gateway.updates_topic);
  if (lifecycle && gateway.lifecycle) {
    topics.insert(gateway.lifecycle->events_topic);
    topics.insert(gateway.lifecycle->supervision_topic);
    // Every escalation tier's topic.
    for (const auto& stage : lifecycle->sla->stages) {
      if (!stage) continue;
      auto add_tiers = [&](const SlaRule& rule) {
        for (const EscalationTier& tier : rule.escalation) topics.insert(tier.topic);
      };
      add_tiers(stage->fallback);
      for (const SlaRule& rule : stage->rules) add_tiers(rule);
    }
  }
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

bool expand_secrets(KafkaSettings& kafka, HttpSettings& http) {
  std::vector<std::string> problems;
  expand_env(kafka.properties, "kafka.properties", process_env, problems);
  expand_env(kafka.consumer_properties, "kafka.consumer_properties", process_env, problems);
  expand_env(kafka.producer_properties, "kafka.producer_properties", process_env, problems);
  std::map<std::string, std::string> http_secrets{{"admin_token", http.admin_token}};
  for (const HttpSender& sender : http.senders) {
    http_secrets["senders." + sender.id + ".secret"] = sender.secret;
  }
  expand_env(http_secrets, "http", process_env, problems);
  http.admin_token = http_secrets["admin_token"];
  for (HttpSender& sender : http.senders) {
    sender.secret = http_secrets["senders." + sender.id + ".secret"];
  }
  for (const std::string& p : problems) std::cerr << p << "\n";
  return problems.empty();
}

// The webhooks write through the acknowledging producer.
class ProducerWriter : public http::RecordWriter {
 public:
  explicit ProducerWriter(kafka::AckedProducer& p) : p_(p) {}
  std::vector<kafka::WriteResult> write(const std::vector<OutRecord>& records,
                                        std::chrono::steady_clock::time_point deadline) override {
    return p_.write(records, deadline);
  }

 private:
  kafka::AckedProducer& p_;
};

bool is_lead_record(const OutRecord& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == kCaseRoleHeader) return value == "lead";
  }
  return false;
}

// Copies both stages' counters and lags for /metrics once a second, on the main io thread.
void refresh_metrics_every_second(boost::asio::steady_timer& timer, CaseGateway& pipeline,
                                  GatewayMetrics& metrics) {
  timer.expires_after(std::chrono::seconds(1));
  timer.async_wait([&timer, &pipeline, &metrics](const boost::system::error_code& ec) {
    if (ec || pipeline.stopped()) return;
    PipelineSnapshot s;
    s.intake = pipeline.intake_counters();
    s.intake_lag = pipeline.intake_lag();
    s.routing = pipeline.routing_counters();
    s.routing_lag = pipeline.routing_lag();
    s.lifecycle = pipeline.lifecycle_report();
    metrics.set_pipelines(std::move(s));
    refresh_metrics_every_second(timer, pipeline, metrics);
  });
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
  std::optional<Lifecycle> lifecycle;
  if (gateway->lifecycle) {
    lifecycle = load_lifecycle(*gateway->lifecycle, table->config(), std::cerr);
    if (!lifecycle) return 2;
  }
  spdlog::set_level(spdlog::level::from_str(gateway->log_level));
  KafkaSettings settings = gateway->kafka;
  if (!expand_secrets(settings, gateway->http)) return 2;

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

  std::vector<std::string> topics = needed_topics(*gateway, table->config(), lifecycle);
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
      std::sort(topics.begin(), topics.end());
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

  // The routing table in force, swapped by reloads; new departments' topics are created
  // before a reload takes effect.
  RouteTableHolder routes(*gateway, table, [&](const std::vector<std::string>& names) {
    if (embedded) {
      create_topics(*embedded, names, settings.topic_partitions, 1);
    } else {
      create_topics(settings, names, settings.topic_partitions, settings.replication_factor,
                    std::chrono::seconds(10));
    }
  });
  ReloadWatcher watcher(routes, std::chrono::seconds(2));

  // One per stage, and one per concurrent webhook request: each runs on its own thread.
  auto make_processor = [&routes, &gateway] {
    auto p = std::make_unique<CaseProcessor>([&routes] { return routes.current(); },
                                             gateway->dead_letter_topic);
    for (const InputSpec& in : gateway->inputs) p->add_input(in.topic, make_input_decoder(in));
    http::add_webhook_decoders(*p, gateway->http);
    return p;
  };

  boost::asio::io_context io;
  int exit_code = 0;
  GatewayMetrics metrics;
  KafkaPipelineOptions pipeline_options;
  pipeline_options.on_fatal_error = [&](const std::string& reason) {
    spdlog::critical("stopping: {}", reason);
    exit_code = 1;
  };
  pipeline_options.on_acknowledged = [&metrics](const OutRecord& r, EpochMs input_timestamp) {
    if (!is_lead_record(r)) return;
    const EpochMs now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    metrics.case_latency.observe(static_cast<double>(std::max<EpochMs>(0, now - input_timestamp)) /
                                 1000.0);
  };
  std::unique_ptr<CaseGateway> pipeline;
  try {
    pipeline = std::make_unique<CaseGateway>(io, settings, *gateway, make_processor,
                                             internal_partitions, pipeline_options,
                                             lifecycle ? make_lifecycle_wiring(*gateway, *lifecycle) : LifecycleWiring{});
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 2;
  }
  pipeline->start();

  // Webhooks and the admin API, when http.listen is set.
  std::unique_ptr<kafka::AckedProducer> webhook_producer;
  std::unique_ptr<ProducerWriter> webhook_writer;
  std::unique_ptr<http::WebhookService> webhooks;
  std::unique_ptr<CaseQueries> queries;  // outlives the server, which calls it
  std::unique_ptr<http::HttpServer> server;
  if (!gateway->http.listen.empty()) {
    if (gateway->lifecycle) {
      CaseQuerySettings q;
      q.state_topic = gateway->state_topic;
      q.events_topic = gateway->lifecycle->events_topic;
      queries = std::make_unique<CaseQueries>(settings, q);
    }
    try {
      webhook_producer = std::make_unique<kafka::AckedProducer>(
          settings, gateway->http.linger_ms,
          std::chrono::milliseconds(gateway->http.request_timeout_ms));
      webhook_writer = std::make_unique<ProducerWriter>(*webhook_producer);
      webhooks = std::make_unique<http::WebhookService>(*gateway, internal_partitions,
                                                        make_processor, *webhook_writer);
      AdminContext admin{&*gateway, &routes, &metrics, webhooks.get(), webhook_producer.get(),
                         queries.get()};
      server = std::make_unique<http::HttpServer>(
          gateway->http, *webhooks, make_admin_handlers(admin),
          [&metrics](std::string_view endpoint, int status, double seconds) {
            metrics.observe_http(endpoint, status, seconds);
          });
      server->start();
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      pipeline->stop();
      return 2;
    }
    std::cout << "Webhooks and admin API on " << (server->tls() ? "https://" : "http://")
              << gateway->http.listen << " (docs/http-api.md)\n";
  }
  boost::asio::steady_timer metrics_timer(io);
  refresh_metrics_every_second(metrics_timer, *pipeline, metrics);

  std::cout << "Consuming";
  for (const InputSpec& in : gateway->inputs) std::cout << " " << in.topic;
  std::cout << " as group " << settings.group_id << " (routing stage: " << settings.group_id
            << ".routing, " << internal_partitions << " partitions of " << gateway->internal_topic
            << "); routing with " << gateway->routing_file
            << " (" << table->config().rules.size() << " rules); dead letters to "
            << gateway->dead_letter_topic << "\n";
  std::cout.flush();

  // SIGHUP reloads the routing file, as often as it comes.
  boost::asio::signal_set hangups(io, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_hangup =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        watcher.request("SIGHUP");
        hangups.async_wait(on_hangup);
      };
  hangups.async_wait(on_hangup);

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: stopping consumption, draining in-flight outputs", signal);
    // Webhooks first: requests being served finish (their writes are acknowledged or time
    // out), and no new one is accepted once the pipeline stops.
    if (server) server->stop();
    metrics_timer.cancel();
    hangups.cancel();
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
  hangups.cancel();
  metrics_timer.cancel();
  if (server) server->stop();
  return exit_code;
}

}  // namespace gw::app
